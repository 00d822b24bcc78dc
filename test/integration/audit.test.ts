import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceCommand } from '../../cli/commands/evidence.ts';
import { AuditLog, readStreamRecords } from '../../services/lib/audit/audit-log.ts';
import { Checkpointer, readCheckpoints } from '../../services/lib/audit/checkpoint.ts';
import { exportBundle, verifyBundle } from '../../services/lib/audit/evidence-bundle.ts';
import { verifyChain } from '../../services/lib/audit/hash-chain.ts';
import { loadSigningKey, type SigningKey } from '../../services/lib/audit/signing-key.ts';
import { type ClickHouseClient, createClickHouse } from '../../services/lib/clickhouse/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

const env = isolatedEnv('audit');
const config = loadProvisionConfig(env);
const log = createLogger('test', { level: 'warn' });
const STREAMS = ['tenant:acme/approvals', 'tenant:acme/policies', 'tenant:acme/session:s1'];
const tmp = (label: string) => mkdtempSync(join(tmpdir(), `warden-${label}-`));

describe('audit log and evidence bundles on real ClickHouse', () => {
  let ch: ClickHouseClient;
  let key: SigningKey;
  const keysDir = tmp('keys');

  beforeAll(async () => {
    await provision(config, log);
    ch = createClickHouse(config);
    key = loadSigningKey({ WARDEN_ENV: 'local', AUDIT_KEYS_DIR: keysDir }, log);
    // Session rows of tenant acme and, with the same session id, of tenant globex (must stay out).
    const event = (tenant: string, id: string) => ({
      event_id: id,
      ts: '2026-11-26 12:00:00.000',
      tenant_id: tenant,
      agent_id: 'bot',
      environment: 'production',
      session_id: 's1',
      kind: 'model_request',
      enforcement_point_id: 'gw',
      source_mode: 'mirror',
      data_classes: [],
      attributes: {},
    });
    await ch.insert({
      table: 'events',
      values: [event('acme', 'e-acme'), event('globex', 'e-globex')],
      format: 'JSONEachRow',
    });
  });

  afterAll(async () => {
    await ch?.command({ query: `DROP DATABASE IF EXISTS ${config.CLICKHOUSE_DATABASE}` });
    await ch?.close();
  });

  it('appends 200 records to 3 streams concurrently, gap-free and linked', async () => {
    const audit = new AuditLog({ clickhouse: ch, log });
    const appends = Array.from({ length: 200 }, (_, i) =>
      audit.append(STREAMS[i % 3]!, {
        actor: `user:u${i % 7}`,
        action: 'scope.change',
        subject: `agent:bot-${i % 5}`,
        payload: { n: i, masked_email: 'j***@example.com' },
      }),
    );
    const records = await Promise.all(appends);
    for (const stream of STREAMS) {
      const mine = records.filter((r) => r.stream === stream).map((r) => r.seq);
      expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
      const stored = await readStreamRecords(ch, stream);
      expect(stored.length).toBe(mine.length);
      expect(verifyChain(stream, stored)).toEqual([]);
    }
  });

  it('a new AuditLog instance (a restart) continues each chain from ClickHouse', async () => {
    const before = await readStreamRecords(ch, STREAMS[0]!);
    const restarted = new AuditLog({ clickhouse: ch, log });
    const next = await restarted.append(STREAMS[0]!, {
      actor: 'user:admin',
      action: 'scope.approve',
      subject: 'agent:bot-1',
    });
    expect(next.seq).toBe(before.length + 1);
    expect(next.prev_hash).toBe(before.at(-1)!.hash);
    expect(verifyChain(STREAMS[0]!, await readStreamRecords(ch, STREAMS[0]!))).toEqual([]);
  });

  it('signs checkpoints only for streams that grew', async () => {
    const checkpointer = new Checkpointer({ clickhouse: ch, key, log });
    const first = await checkpointer.checkpointAll('acme');
    expect(first.map((c) => c.stream).sort()).toEqual([...STREAMS].sort());
    expect(await checkpointer.checkpointAll('acme')).toEqual([]);
    expect((await readCheckpoints(ch, STREAMS[1]!)).at(-1)).toEqual(first.find((c) => c.stream === STREAMS[1]));
  });

  it('exports a bundle that verifies offline, and names a tampered record', async () => {
    const out = join(tmp('bundle'), 'acme');
    const result = await exportBundle({
      clickhouse: ch,
      tenant: 'acme',
      session: 's1',
      streams: ['approvals', 'policies'],
      outDir: out,
      key,
      checkpointer: new Checkpointer({ clickhouse: ch, key, log }),
      log,
    });
    expect(result.manifest.streams.map((s) => s.stream)).toEqual([...STREAMS].sort());
    expect(result.manifest.counts).toMatchObject({ records: 201, events: 1 });
    expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).toContain('e-acme');
    expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).not.toContain('e-globex');
    expect(verifyBundle(out, { expectedKeyId: key.keyId })).toMatchObject({ ok: true, problems: [] });

    const path = join(out, 'records.jsonl');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const target = lines.findIndex((l) => l.includes('"stream":"tenant:acme/policies"') && l.includes('"seq":17,'));
    lines[target] = lines[target]!.replace('"action":"scope.change"', '"action":"scope.revert"');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const tampered = verifyBundle(out);
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toContainEqual(
      expect.objectContaining({ check: 'record', stream: 'tenant:acme/policies', seq: 17 }),
    );
  });

  it('the CLI exports and verifies, exiting non-zero on a tampered bundle', async () => {
    const out = join(tmp('cli'), 'bundle');
    const cliEnv = { ...env, AUDIT_KEYS_DIR: keysDir, LOG_LEVEL: 'silent' };
    const text: string[] = [];
    const io = { env: cliEnv, out: (t: string) => text.push(t), err: (t: string) => text.push(t) };
    expect(await evidenceCommand(['export', '--tenant', 'acme', '--out', out, '--json'], io)).toBe(0);
    const exported = JSON.parse(text.join('')) as { manifest: { streams: unknown[] } };
    expect(exported.manifest.streams).toHaveLength(3);
    text.length = 0;
    expect(await evidenceCommand(['verify', out, '--key-id', key.keyId], io)).toBe(0);
    expect(text.join('')).toMatch(/^OK: /);
    const path = join(out, 'records.jsonl');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    lines.splice(10, 1);
    writeFileSync(path, `${lines.join('\n')}\n`);
    text.length = 0;
    expect(await evidenceCommand(['verify', out, '--json'], io)).toBe(1);
    const verdict = JSON.parse(text.join('')) as { ok: boolean; problems: Array<{ stream?: string; seq?: number }> };
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toContainEqual(expect.objectContaining({ stream: 'tenant:acme/approvals', seq: 11 }));
  });

  it('refuses to checkpoint a chain edited in ClickHouse, and the export names the record', async () => {
    const stream = 'tenant:acme/incidents';
    const audit = new AuditLog({ clickhouse: ch, log });
    for (let i = 0; i < 5; i++)
      await audit.append(stream, { actor: 'user:bob', action: 'incident.open', subject: `inc-${i}` });
    // An insider rewrites seq 3 in place (a mutation keeps the stored hash, as an edit by SQL would).
    await ch.command({
      query: `ALTER TABLE audit_log UPDATE actor = 'user:mallory' WHERE stream = '${stream}' AND seq = 3`,
      clickhouse_settings: { mutations_sync: '2' },
    });
    const checkpointer = new Checkpointer({ clickhouse: ch, key, log });
    await expect(checkpointer.checkpoint(stream)).rejects.toMatchObject({ code: 'AUDIT_CHAIN_BROKEN' });
    const out = join(tmp('broken'), 'b');
    const result = await exportBundle({
      clickhouse: ch,
      tenant: 'acme',
      streams: ['incidents'],
      outDir: out,
      key,
      checkpointer,
      log,
    });
    expect(result.warnings.join()).toMatch(/seq 3/);
    expect(verifyBundle(out).problems).toContainEqual(expect.objectContaining({ check: 'record', stream, seq: 3 }));
  });

  it('a retried insert with the same deduplication token is stored once', async () => {
    const row = {
      tenant_id: 'acme',
      stream: 'tenant:acme/dedup',
      seq: 1,
      ts: '2026-11-26T12:00:00.000Z',
      actor: 'a',
      action: 'b',
      subject: 'c',
      payload: '{}',
      prev_hash: '0'.repeat(64),
      hash: 'x',
    };
    for (let i = 0; i < 2; i++) {
      await ch.insert({
        table: 'audit_log',
        values: [row],
        format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: 'tok-1' },
      });
    }
    expect(await readStreamRecords(ch, 'tenant:acme/dedup')).toHaveLength(1);
    const raw = await (
      await ch.query({
        query: "SELECT count() AS n FROM audit_log WHERE stream = 'tenant:acme/dedup'",
        format: 'JSONEachRow',
      })
    ).json<{ n: number }>();
    expect(Number(raw[0]!.n)).toBe(1);
  });
});
