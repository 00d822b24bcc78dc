import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly dir: string;
  /** Paths of PEM files. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** name -> { cert, key } paths of client certificates. */
  readonly clients: Record<string, { cert: string; key: string }>;
  read(path: string): Buffer;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  ]);
}

function leaf(dir: string, name: string, cn: string, signer: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${signer}.pem`,
    '-CAkey',
    `${signer}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

/**
 * A throw-away PKI made with the openssl CLI for TLS tests: a CA, a server certificate for
 * 127.0.0.1/localhost, and client certificates (`clients`: name -> [subject CN, signed by the
 * test CA or by an unrelated one]).
 */
export function makeTestPki(clients: Record<string, { cn: string; trusted: boolean }>): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pki-'));
  ca(dir, 'ca');
  ca(dir, 'other-ca');
  leaf(dir, 'server', 'localhost', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  const out: Record<string, { cert: string; key: string }> = {};
  for (const [name, c] of Object.entries(clients)) {
    leaf(dir, name, c.cn, c.trusted ? 'ca' : 'other-ca', 'extendedKeyUsage=clientAuth\n');
    out[name] = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  }
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clients: out,
    read: (path) => readFileSync(path),
  };
}
