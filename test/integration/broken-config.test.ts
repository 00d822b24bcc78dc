import { describe, expect, it } from 'vitest';
import { createLogger } from '../../services/lib/logger.ts';
import { loadProvisionConfig } from '../../services/provision/config.ts';
import { provision } from '../../services/provision/provision.ts';
import { isolatedEnv } from '../helpers/isolated-env.ts';

const log = createLogger('test', { level: 'silent' });

describe('a broken configuration fails fast and names the problem', () => {
  it('names KAFKA_BROKERS when no broker answers', async () => {
    const config = loadProvisionConfig({
      ...isolatedEnv('nokafka'),
      KAFKA_BROKERS: '127.0.0.1:1',
      KAFKA_CONNECT_TIMEOUT_MS: '500',
    });
    await expect(provision(config, log)).rejects.toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      message: expect.stringContaining('KAFKA_BROKERS=127.0.0.1:1'),
    });
  });

  it('names SCHEMA_REGISTRY_URL when the registry is on the wrong port', async () => {
    const config = loadProvisionConfig({
      ...isolatedEnv('noreg'),
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9/apis/ccompat/v7',
    });
    await expect(provision(config, log)).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: expect.stringContaining('SCHEMA_REGISTRY_URL=http://127.0.0.1:9'),
    });
  });

  it('names CLICKHOUSE_URL when ClickHouse is on the wrong port', async () => {
    const config = loadProvisionConfig({ ...isolatedEnv('noch'), CLICKHOUSE_URL: 'http://127.0.0.1:9' });
    await expect(provision(config, log)).rejects.toMatchObject({
      code: 'CLICKHOUSE_UNREACHABLE',
      message: expect.stringContaining('CLICKHOUSE_URL=http://127.0.0.1:9'),
    });
  });
});
