import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlRecord, Verdict } from '../../schemas/generated/index.ts';
import { controlKey } from '../../services/lib/control/control-state.ts';
import { createKafka, type Producer } from '../../services/lib/kafka/client.ts';
import { createLogger } from '../../services/lib/logger.ts';
import { AvroCodec, createRegistryClient } from '../../services/lib/serde/avro-codec.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const env = isolatedEnv('sdkpkg');
const config = loadProvisionConfig(env);
const log = createLogger('test', { level: 'warn' });

/**
 * The SDK as a user gets it: the three workspace packages built and packed, installed from their
 * tarballs into a project outside the repository (re2 compiles there, as on a user's machine), and
 * the plain-JavaScript example run against the local stack.
 */
describe('the SDK installed from its packed tarballs', () => {
  const project = mkdtempSync(join(tmpdir(), 'warden-sdk-user-'));
  let producer: Producer;
  let example: ChildProcess | undefined;

  beforeAll(async () => {
    await provision(config, log);
    producer = createKafka(config, log, 'test').producer({ idempotent: true });
    await producer.connect();
    const packed = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/pack-packages.ts'), '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(packed.status, packed.stderr).toBe(0);
    const tarballs = JSON.parse(packed.stdout) as { name: string; tarball: string }[];
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'warden-sdk-user',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.tarball}`])),
      }),
    );
    // --omit=optional: the librdkafka client needs system packages and a compile; without it the
    // SDK runs its subscriptions on kafkajs, which is what a plain `npm install` user gets.
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--omit=optional'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
    copyFileSync(join(ROOT, 'sdk/examples/enforce.mjs'), join(project, 'enforce.mjs'));
  }, 900_000);

  afterAll(async () => {
    example?.kill('SIGKILL');
    await producer?.disconnect();
    rmSync(project, { recursive: true, force: true });
  });

  it('checks inline, follows verdicts and turns a revocation into a deny, outside the repository', async () => {
    const registry = createRegistryClient(config);
    const verdicts = new AvroCodec(registry, config.KAFKA_TOPIC_PREFIX, 'verdicts');
    const control = new AvroCodec(registry, config.KAFKA_TOPIC_PREFIX, 'control');
    example = spawn(process.execPath, ['enforce.mjs'], {
      cwd: project,
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: config.KAFKA_BROKERS,
        SCHEMA_REGISTRY_URL: config.SCHEMA_REGISTRY_URL,
        KAFKA_TOPIC_PREFIX: config.KAFKA_TOPIC_PREFIX,
        WARDEN_TENANT: 'acme',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const steps: Record<string, { action: string; reasons?: string[]; redacted?: string | null }> = {};
    const lines = createInterface({ input: example.stdout! });
    const exited = new Promise<number | null>((resolve) => example!.once('exit', resolve));
    for await (const line of lines) {
      const step = JSON.parse(line) as { step: string; action: string };
      steps[step.step] = step;
      if (step.step === 'ready') {
        const block: Verdict = {
          verdict_id: 'v-sdkpkg-1',
          event_id: null,
          tenant_id: 'acme',
          agent_id: 'support-bot',
          session_id: 'sess-blocked',
          credential_id: null,
          action: 'block',
          scope: 'session',
          reasons: ['injection.override_instructions'],
          policy_id: 'p-1',
          policy_version: 1,
          issued_at: Date.now(),
          expires_at: null,
          latency_ms: 1,
          shadow_action: null,
          redacted_text: null,
          redacted_arguments: null,
        };
        const revocation: ControlRecord = {
          tenant_id: 'acme',
          agent_id: 'support-bot',
          issued_at: Date.now(),
          issued_by: 'sdk-package-test',
          payload: {
            'dev.warden.v1.Revocation': { credential_id: 'cred-leaked', reason: 'leaked in logs', expires_at: null },
          },
        };
        await producer.send({
          topic: verdicts.topic,
          messages: [{ key: 'acme:support-bot', value: await verdicts.encode(block) }],
        });
        await producer.send({
          topic: control.topic,
          messages: [{ key: controlKey(revocation, 'revocation'), value: await control.encode(revocation) }],
        });
      }
    }
    expect(await exited).toBe(0);
    expect(steps.inline).toMatchObject({ action: 'redact', reasons: ['pii.payment_card'] });
    expect(steps.inline!.redacted).not.toContain('4111');
    expect(steps.verdict?.action).toBe('block');
    expect(steps.revocation?.action).toBe('revoke_credential');
  }, 120_000);
});
