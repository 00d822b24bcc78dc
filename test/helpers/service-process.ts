import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A service started as its own process, the way it runs in production, so a test can SIGKILL it. */
export function startServiceProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
  /** Receives the service's log lines (stdout, pino JSON); without it they are dropped. */
  onLog?: (line: string) => void,
): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', `${ROOT}${entry}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', onLog ? 'pipe' : 'ignore', 'inherit'],
  });
  if (onLog && child.stdout) {
    let rest = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) onLog(l);
    });
  }
  return child;
}

export function killed(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
