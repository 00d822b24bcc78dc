import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Rsyslog, rsyslogInstalled, startRsyslog } from '../../deploy/local/rsyslog.ts';
import { makeTestPki, type TestPki } from './tls-certs.ts';

export type { Rsyslog };
export { rsyslogInstalled };

/**
 * rsyslog over TLS for a test: a throw-away CA and server certificate (openssl), imtcp with the gtls
 * driver reading octet-counted frames, every received message written to a file the test reads.
 */
export async function startTestRsyslog(o: { mutualTls?: boolean } = {}): Promise<{ rsyslog: Rsyslog; pki: TestPki }> {
  const pki = makeTestPki({ forwarder: { cn: 'warden-siem', trusted: true }, stranger: { cn: 'x', trusted: false } });
  const rsyslog = await startRsyslog({
    dir: mkdtempSync(join(tmpdir(), 'warden-rsyslog-')),
    caFile: pki.caCert,
    certFile: pki.serverCert,
    keyFile: pki.serverKey,
    ...(o.mutualTls ? { mutualTls: true } : {}),
  });
  return { rsyslog, pki };
}
