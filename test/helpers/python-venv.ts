import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLIENT_DIR = join(ROOT, 'clients', 'python');
const CONSTRAINTS = join(CLIENT_DIR, 'constraints.txt');

export interface PythonVenv {
  readonly dir: string;
  readonly python: string;
}

/** Runs a command with its output on the terminal (pip's progress), failing with its exit code. */
function run(cmd: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) => reject(new Error(`${what}: could not run ${cmd}: ${err.message}`)));
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${what} failed with exit code ${code} (command: ${cmd} ${args.join(' ')})`)),
    );
  });
}

function hostPython(): string {
  const candidate = process.env.PYTHON ?? 'python3';
  const probe = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `Python 3.10+ is needed for clients/python: ${candidate} did not run (set PYTHON=/path/to/python3)`,
    );
  }
  const [major, minor] = probe.stdout.trim().split('.').map(Number);
  if (major !== 3 || (minor ?? 0) < 10) {
    throw new Error(`clients/python needs Python >= 3.10, ${candidate} is ${probe.stdout.trim()} (set PYTHON=...)`);
  }
  return candidate;
}

/**
 * The venv the Python client's tests run in (`.cache/python-venv`), created when missing and
 * reinstalled when pyproject.toml or constraints.txt changed (a stamp holds their hash). Versions
 * are pinned by constraints.txt, so every machine tests the same LiteLLM and OpenTelemetry.
 */
export async function ensurePythonVenv(): Promise<PythonVenv> {
  const dir = join(process.env.WARDEN_CACHE_DIR ?? join(ROOT, '.cache'), 'python-venv');
  const python = join(dir, 'bin', 'python');
  const stampFile = join(dir, '.warden-stamp');
  const stamp = createHash('sha256')
    .update(readFileSync(join(CLIENT_DIR, 'pyproject.toml')))
    .update(readFileSync(CONSTRAINTS))
    .digest('hex');
  if (existsSync(python) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return { dir, python };
  if (!existsSync(python)) {
    process.stderr.write(`python-client: creating the venv ${dir}\n`);
    await run(hostPython(), ['-m', 'venv', dir], 'creating the Python venv');
  }
  process.stderr.write(
    'python-client: installing clients/python[dev,litellm,otel] with pinned versions (first run: a few minutes)\n',
  );
  await run(
    python,
    ['-m', 'pip', 'install', '--progress-bar', 'off', '-c', CONSTRAINTS, '-e', `${CLIENT_DIR}[dev,litellm,otel]`],
    'pip install of clients/python',
  );
  writeFileSync(stampFile, stamp);
  return { dir, python };
}

export interface PytestResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs pytest in the venv, collecting its output (stdout and stderr interleaved). */
export function runPytest(venv: PythonVenv, args: string[], env: NodeJS.ProcessEnv): Promise<PytestResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(venv.python, ['-m', 'pytest', ...args], {
      cwd: CLIENT_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}
