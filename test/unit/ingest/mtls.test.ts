import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, DEV_API_KEYS, parseCertificateClients } from '../../../services/ingest/auth.ts';
import { loadIngestConfig } from '../../../services/ingest/config.ts';
import { EventPublisher } from '../../../services/ingest/event-publisher.ts';
import { EventValidator } from '../../../services/ingest/event-validation.ts';
import { IngestMetrics } from '../../../services/ingest/metrics.ts';
import { EventProducer } from '../../../services/ingest/producer.ts';
import { buildServer } from '../../../services/ingest/server.ts';
import { isWardenError } from '../../../services/lib/errors.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { makeTestPki, type TestPki } from '../../helpers/tls-certs.ts';
import { FakeKafkaProducer, silentLog } from './fakes.ts';

const EVENT = { ts: 1_795_694_400_000, tenant_id: 'acme', agent_id: 'bot', session_id: 's1', kind: 'model_request' };

interface Answer {
  status: number;
  body: { accepted?: number; code?: string; message?: string };
}

/** POST /v1/events over a real TLS connection, optionally with a client certificate and an API key. */
function post(pki: TestPki, port: number, client: string | null, apiKey?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const cert = client ? pki.clients[client]! : null;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/events',
        method: 'POST',
        ca: pki.read(pki.caCert),
        ...(cert ? { cert: pki.read(cert.cert), key: pki.read(cert.key) } : {}),
        headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify([EVENT]));
  });
}

describe('ingest over HTTPS with client certificates (mTLS)', () => {
  let pki: TestPki;
  let app: FastifyInstance;
  let port: number;
  const kafka = new FakeKafkaProducer();

  beforeAll(async () => {
    pki = makeTestPki({
      gateway: { cn: 'gw-eu-1', trusted: true },
      unlisted: { cn: 'gw-unknown', trusted: true },
      impostor: { cn: 'gw-eu-1', trusted: false },
    });
    const config = loadIngestConfig({
      WARDEN_ENV: 'production',
      INGEST_TLS_CERT_FILE: pki.serverCert,
      INGEST_TLS_KEY_FILE: pki.serverKey,
      INGEST_TLS_CLIENT_CA_FILE: pki.caCert,
      INGEST_MTLS_CLIENTS: 'gateway-eu-1:acme:gw-eu-1',
    });
    const metrics = new IngestMetrics();
    const producer = new EventProducer(kafka.asProducer(), {
      topic: 'warden.events.v1',
      maxInFlightBytes: 1_000_000,
      sendTimeoutMs: 5000,
      log: silentLog,
    });
    producer.start();
    await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
    app = buildServer({
      log: silentLog,
      // The dev keys stand in for configured keys: a key still works beside certificates.
      authenticator: new Authenticator(DEV_API_KEYS, config.certificateClients),
      validator: new EventValidator({ maxEventsPerRequest: 10, maxContentBytes: 1024 }),
      publisher: new EventPublisher(
        { encode: async (e: unknown) => Buffer.from(JSON.stringify(e)) } as never,
        producer,
        metrics,
      ),
      metrics,
      readiness: { check: async () => ({ kafka: true, registry: true }) },
      maxBodyBytes: 65536,
      maxEventsPerRequest: 10,
      retryAfterSeconds: 5,
      tls: config.tls,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('accepts a listed certificate signed by the client CA, as its enforcement point and tenant', async () => {
    const before = kafka.sent.length;
    const res = await post(pki, port, 'gateway');
    expect(res).toEqual({ status: 202, body: { accepted: 1 } });
    const sent = kafka.sent.slice(before).flatMap((s) => s.messages);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.value.toString()).source.enforcement_point_id).toBe('gateway-eu-1');
  });

  it('refuses a certificate with a listed CN from another CA, and a CA-signed one that is not listed', async () => {
    const impostor = await post(pki, port, 'impostor');
    expect(impostor.status).toBe(401);
    expect(impostor.body.message).toContain('no API key and no verified client certificate');
    const unlisted = await post(pki, port, 'unlisted');
    expect(unlisted.status).toBe(401);
    expect(unlisted.body.message).toContain('CN=gw-unknown is not in INGEST_MTLS_CLIENTS');
  });

  it('refuses a connection without a certificate or key, and lets an API key authenticate on its own', async () => {
    expect((await post(pki, port, null)).status).toBe(401);
    expect((await post(pki, port, null, 'warden-dev-key')).status).toBe(202);
    // A wrong key is refused even on a connection with a valid certificate.
    expect((await post(pki, port, 'gateway', 'not-a-key')).status).toBe(401);
  });

  it('refuses incomplete TLS settings at start-up, naming the variables', () => {
    const fail = (env: NodeJS.ProcessEnv) => {
      try {
        loadIngestConfig({ WARDEN_ENV: 'production', ...env });
      } catch (err) {
        if (isWardenError(err)) return err.message;
        throw err;
      }
      return 'accepted';
    };
    expect(fail({ INGEST_TLS_CERT_FILE: pki.serverCert, INGEST_MTLS_CLIENTS: 'a:b:c' })).toMatch(
      /INGEST_TLS_CERT_FILE and INGEST_TLS_KEY_FILE: set both[\s\S]*INGEST_MTLS_CLIENTS and INGEST_TLS_CLIENT_CA_FILE/,
    );
    expect(
      fail({
        INGEST_TLS_CERT_FILE: pki.serverCert,
        INGEST_TLS_KEY_FILE: '/nonexistent/key.pem',
        INGEST_API_KEYS: `ep:acme:${'0'.repeat(64)}`,
      }),
    ).toContain('INGEST_TLS_KEY_FILE: cannot read /nonexistent/key.pem (ENOENT)');
    expect(fail({})).toContain('INGEST_API_KEYS or INGEST_MTLS_CLIENTS: one is required');
    expect(() => parseCertificateClients('ep:acme:cn-1,ep2:acme:cn-1,bad', 'X')).toThrow(
      /X\[1\] \(ep2\): subject_cn cn-1 is listed twice[\s\S]*X\[2\]: must be/,
    );
  });
});
