import { describe, expect, it } from 'vitest';
import { resolveEnforcerOptions } from '../../../sdk/config.ts';
import { WardenError } from '../../../services/lib/errors.ts';

describe('enforcer options', () => {
  it('fills defaults and switches the ML classifier off unless asked for', () => {
    const o = resolveEnforcerOptions({
      tenantId: 'acme',
      kafka: { KAFKA_BROKERS: '127.0.0.1:9092' },
      registry: 'http://127.0.0.1:8081/apis/ccompat/v7',
    });
    expect(o.agentIds).toBe('all');
    expect(o.disabled).toContain('injection.ml');
    expect(o.cacheMaxEntries).toBe(100_000);
    expect(o.kafka.KAFKA_CLIENT_ID).toBe('warden-sdk');
    expect(o.registry.SCHEMA_REGISTRY_URL).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
  });

  it('keeps the classifier when mlClassifier is true', () => {
    const o = resolveEnforcerOptions({
      tenantId: 'acme',
      kafka: { KAFKA_BROKERS: 'b:9092' },
      registry: 'http://r',
      detectors: { mlClassifier: true },
    });
    expect(o.disabled).not.toContain('injection.ml');
  });

  it('reports every invalid option at once, by name', () => {
    let caught: unknown;
    try {
      resolveEnforcerOptions({
        tenantId: '',
        agentIds: [],
        kafka: { KAFKA_BROKERS: '' },
        registry: 'not a url',
        cache: { maxEntries: 0 },
        startTimeoutMs: -1,
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WardenError);
    const e = caught as WardenError;
    expect(e.code).toBe('SDK_OPTIONS_INVALID');
    for (const name of [
      'tenantId',
      'agentIds',
      'kafka.KAFKA_BROKERS',
      'registry',
      'cache.maxEntries',
      'startTimeoutMs',
    ]) {
      expect(e.message).toContain(name);
    }
  });
});
