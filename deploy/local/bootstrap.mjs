#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and `npm run stack`. Plain JavaScript with no dependencies,
// because it runs before `npm ci` has installed anything: it installs (or refreshes) node_modules when
// package-lock.json changed, then hands over to the TypeScript CLI in deploy/local/cli.ts.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`warden needs Node.js 20 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.warden-install-stamp');
const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (want !== have) {
  console.error('installing npm dependencies (re2 compiles from source: about 2 minutes on a fresh machine)…');
  const started = Date.now();
  // `npm install`, not `npm ci`: chdb lists optional per-platform packages that the registry does not
  // serve for every platform, so they can never be in the lock file and `npm ci` refuses the lock.
  // With a lock file present, `npm install` installs exactly the locked versions.
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (npm.status !== 0) {
    console.error(
      'npm install failed (see above). Check that the npm registry is reachable and a C++ toolchain (g++, make, python3) is installed for re2.',
    );
    process.exit(npm.status ?? 1);
  }
  writeFileSync(stamp, `${want}\n`);
  console.error(`npm dependencies installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'deploy/local/cli.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
