import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from 'node:tls';

/**
 * A local rsyslog (Debian's rsyslog + rsyslog-gnutls) listening on TLS with imtcp, which reads
 * RFC 6587 octet-counted frames, and writing every message it receives, one per line, to a file.
 * `npm start` forwards the demo's findings to it (into .warden/siem/); the SIEM tests read the file.
 */
export interface RsyslogOptions {
  /** Working directory: config, spool, pid file and the received-messages file. */
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** 0 = pick a free port. */
  port?: number;
  /** Require and verify a client certificate signed by caFile (x509/certvalid). */
  mutualTls?: boolean;
}

export interface Rsyslog {
  readonly port: number;
  /** Messages received so far (one line each). */
  readonly file: string;
  messages(): string[];
  /** Stops it (SIGTERM, then waits for exit); start() again restarts on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a receiver that stops reading (slow), with its sockets kept open. */
  freeze(): void;
  thaw(): void;
}

export function rsyslogInstalled(): boolean {
  return existsSync('/usr/sbin/rsyslogd') && existsSync('/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so');
}

export const RSYSLOG_INSTALL_HINT =
  'rsyslog with TLS is not installed: apt-get install -y rsyslog rsyslog-gnutls (Debian; .ci/run installs them)';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function config(o: RsyslogOptions, port: number, file: string): string {
  const work = join(o.dir, 'work');
  mkdirSync(work, { recursive: true });
  return `global(
  workDirectory="${work}"
  maxMessageSize="256k"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${o.caFile}"
  defaultNetstreamDriverCertFile="${o.certFile}"
  defaultNetstreamDriverKeyFile="${o.keyFile}"
)
module(load="imtcp"
  streamDriver.name="gtls"
  streamDriver.mode="1"
  streamDriver.authMode="${o.mutualTls ? 'x509/certvalid' : 'anon'}"
)
input(type="imtcp" port="${port}" address="127.0.0.1" name="warden")
template(name="warden_raw" type="string" string="%rawmsg%\\n")
action(type="omfile" file="${file}" template="warden_raw" flushOnTXEnd="on" asyncWriting="off" ioBufferSize="4k")
`;
}

export async function startRsyslog(o: RsyslogOptions): Promise<Rsyslog> {
  if (!rsyslogInstalled()) throw new Error(RSYSLOG_INSTALL_HINT);
  mkdirSync(o.dir, { recursive: true });
  const port = o.port && o.port > 0 ? o.port : await freePort();
  const file = join(o.dir, 'received.log');
  const conf = join(o.dir, 'rsyslog.conf');
  writeFileSync(conf, config(o, port, file));
  // Fails fast with rsyslog's own message on a bad config (-N1 checks it).
  execFileSync('/usr/sbin/rsyslogd', ['-N1', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let child: ChildProcess | null = null;
  let stderr = '';

  const pidFile = join(o.dir, 'rsyslogd.pid');
  stopStale(pidFile, conf);

  async function start(): Promise<void> {
    stderr = '';
    const c = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', pidFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // rsyslogd does not notice its parent going away: take it down when this process exits.
    const onExit = () => c.kill('SIGKILL');
    process.once('exit', onExit);
    c.once('exit', () => process.off('exit', onExit));
    c.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child = c;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`rsyslogd exited with ${c.exitCode}: ${stderr}`);
      if (await tlsAnswers(port, o.caFile)) return;
      if (Date.now() > deadline) throw new Error(`rsyslogd did not accept TLS on ${port}: ${stderr}`);
      await delay(100);
    }
  }

  async function stop(): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGCONT');
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    port,
    file,
    messages: () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l.length > 0)
        : [],
    stop,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
  };
}

/** An rsyslogd left running with this config by a parent that was killed: stop it before starting. */
function stopStale(pidFile: string, conf: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('rsyslogd') && cmdline.includes(conf)) process.kill(pid, 'SIGKILL');
  } catch {
    // Not running any more (or not ours): nothing to stop.
  }
}

function tlsAnswers(port: number, caFile: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, ca: readFileSync(caFile), timeout: 1000 });
    s.once('secureConnect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/**
 * A CA and a server certificate for 127.0.0.1 in `dir` (made once with the openssl CLI, kept across
 * runs), for the local rsyslog that `npm start` forwards to.
 */
export function ensureLocalPki(dir: string): { caFile: string; certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const out = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') };
  if (existsSync(out.caFile) && existsSync(out.certFile) && existsSync(out.keyFile)) return out;
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-days',
    '3650',
    '-subj',
    '/CN=warden local SIEM CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  run(['req', ...ec, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  ]);
  return out;
}

/**
 * For `npm start`: rsyslog over TLS on a free port writing into `<home>/siem/received.log`, and
 * the environment that points the SIEM forwarder at it (one syslog destination, CEF body).
 */
export async function startLocalSiemReceiver(home: string): Promise<{ rsyslog: Rsyslog; env: NodeJS.ProcessEnv }> {
  const dir = join(home, 'siem');
  const pki = ensureLocalPki(join(dir, 'pki'));
  const rsyslog = await startRsyslog({ dir, ...pki });
  // Severity low and up: findings, enforced verdicts and governance events, not every "allow".
  const destinations = [
    {
      name: 'local-rsyslog',
      type: 'syslog',
      host: '127.0.0.1',
      port: rsyslog.port,
      caFile: pki.caFile,
      body: 'cef',
      filter: { minSeverity: 'low' },
    },
  ];
  return { rsyslog, env: { SIEM_DESTINATIONS: JSON.stringify(destinations) } };
}
