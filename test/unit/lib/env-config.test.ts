import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../../deploy/local/stack/config.ts';
import { readEnv } from '../../../services/lib/env-config.ts';
import { WardenError } from '../../../services/lib/errors.ts';
import { loadSinkConfig } from '../../../services/sink/config.ts';

describe('environment configuration', () => {
  it('runs locally with no variables set', () => {
    const config = loadSinkConfig({});
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.CLICKHOUSE_URL).toBe('http://127.0.0.1:8123');
    expect(config.topics).toEqual(['events', 'findings', 'verdicts']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('converts strings to the declared types', () => {
    const config = loadSinkConfig({ SINK_MAX_WAIT_MS: '250', KAFKA_SSL: 'true' });
    expect(config.SINK_MAX_WAIT_MS).toBe(250);
    expect(config.KAFKA_SSL).toBe(true);
  });

  it('reports every invalid variable at once, with the value it got', () => {
    let caught: unknown;
    try {
      loadStackConfig({ KAFKA_PORT: 'ninety', CLICKHOUSE_HTTP_PORT: '70000', KAFKA_HEAP: 'lots' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WardenError);
    const err = caught as WardenError;
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('KAFKA_PORT');
    expect(err.message).toContain('"ninety"');
    expect(err.message).toContain('CLICKHOUSE_HTTP_PORT');
    expect(err.message).toContain('KAFKA_HEAP');
  });

  it('rejects a ClickHouse database name that could inject SQL', () => {
    expect(() => loadSinkConfig({ CLICKHOUSE_DATABASE: 'warden; DROP TABLE events' })).toThrow(/CLICKHOUSE_DATABASE/);
  });

  it('treats an empty variable as unset', () => {
    expect(readEnv(Type.Object({ A: Type.String({ default: 'x' }) }), { A: '' }).A).toBe('x');
  });
});
