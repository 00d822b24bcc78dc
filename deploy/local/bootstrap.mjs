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
  ensureLibrdkafkaBuildDeps();
  console.error(
    'installing npm dependencies (re2 and librdkafka compile from source: 3–5 minutes on a fresh machine)…',
  );
  const started = Date.now();
  // `npm install`, not `npm ci`: chdb lists optional per-platform packages that the registry does not
  // serve for every platform, so they can never be in the lock file and `npm ci` refuses the lock.
  // With a lock file present, `npm install` installs exactly the locked versions.
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    // Build @confluentinc/kafka-javascript against the system's compression/TLS/SASL libraries: its
    // default install downloads prebuilt parts from GitHub, which is not reachable from every machine.
    // onnxruntime-node's postinstall downloads CUDA libraries from GitHub; its CPU binaries are in the
    // npm package, and the optional ONNX injection classifier needs only those.
    env: { ...process.env, CKJS_LINKING: 'dynamic', ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  if (npm.status !== 0) {
    console.error(
      'npm install failed (see above). Check that the npm registry is reachable and a C++ toolchain (g++, make, python3) is installed for re2.',
    );
    process.exit(npm.status ?? 1);
  }
  writeFileSync(stamp, `${want}\n`);
  console.error(`npm dependencies installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * @confluentinc/kafka-javascript (librdkafka) is an optional dependency: it compiles only when these
 * -dev packages are present. As root we install them; otherwise we say so, and warden runs on kafkajs.
 */
function ensureLibrdkafkaBuildDeps() {
  ensureDebianPackages(
    ['libzstd-dev', 'libcurl4-openssl-dev', 'libsasl2-dev', 'liblz4-dev'],
    'build dependencies of the librdkafka Kafka client',
    'the librdkafka Kafka client cannot build and warden will use kafkajs',
    ' && rm node_modules/.warden-install-stamp',
  );
}

/** The SIEM forwarder's local receiver (npm start) and its syslog tests use Debian's rsyslog with TLS. */
function ensureRsyslog() {
  ensureDebianPackages(
    ['rsyslog', 'rsyslog-gnutls'],
    'the local syslog receiver of the SIEM forwarder',
    'npm start runs without the SIEM forwarder and its syslog tests fail',
    '',
  );
}

function ensureDebianPackages(packages, purpose, without, after) {
  if (process.platform !== 'linux' || !commandExists('dpkg-query')) return;
  const missing = packages.filter((p) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a JS template.
    const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return !(q.stdout ?? '').includes('install ok installed');
  });
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `note: ${missing.join(' ')} not installed, so ${without}. Fix: sudo apt-get install -y ${missing.join(' ')}${after}`,
    );
    return;
  }
  console.error(`installing ${missing.join(' ')} (${purpose})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    if (install().status !== 0) console.error(`apt-get failed: ${without}.`);
  }
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

// Checked on every start and test run (two dpkg queries), not only when npm dependencies change.
if (['start', 'test'].includes(process.argv[2] ?? '')) ensureRsyslog();

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
