import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { WardenError } from '../../../services/lib/errors.ts';
import type { Reporter } from './component.ts';

/** The java binary: $JAVA_HOME/bin/java when JAVA_HOME is set, else the one on PATH. */
export function javaBinary(): string {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', 'java') : 'java';
}

/** Fails fast, naming the fix, when Java 17+ is missing. */
export function requireJava(): string {
  const java = javaBinary();
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new WardenError(
      'STACK_DEPENDENCY_MISSING',
      `Java not found (${java}). Kafka and the schema registry run on the JVM: install Java 17+ (apt-get install -y openjdk-17-jre-headless) or set JAVA_HOME.`,
    );
  }
  const match = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) {
    throw new WardenError(
      'STACK_DEPENDENCY_MISSING',
      `Java ${major} found at ${java}; Kafka 4 needs Java 17 or newer.`,
    );
  }
  return java;
}

export function requireMaven(): void {
  const probe = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new WardenError(
      'STACK_DEPENDENCY_MISSING',
      'Maven (mvn) not found. The local stack fetches Kafka and the schema registry from Maven Central with it: apt-get install -y maven.',
    );
  }
}

/** Runs a command to completion, relaying a heartbeat so long downloads show progress. */
export function run(command: string, args: readonly string[], report: Reporter, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const heartbeat = setInterval(() => report(`${what}… ${Math.round((Date.now() - started) / 1000)} s`), 5000);
    child.once('error', (err) => {
      clearInterval(heartbeat);
      reject(new WardenError('STACK_DEPENDENCY_MISSING', `${command}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else reject(new WardenError('STACK_START_FAILED', `${what} failed (${command} exited ${code}):\n${output}`));
    });
  });
}
