import { describe, expect, it } from 'vitest';
import { loadSiemConfig } from '../../../services/siem/config.ts';

const syslog = { name: 'soc', type: 'syslog', host: 'siem.example' };

function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadSiemConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('config was accepted');
}

describe('SIEM config', () => {
  it('fills destination defaults and keeps secrets out of the JSON', () => {
    const c = loadSiemConfig({
      SIEM_DESTINATIONS: JSON.stringify([
        syslog,
        { name: 'splunk', type: 'hec', url: 'https://splunk:8088', tokenEnv: 'HEC_TOKEN', ack: true },
        { name: 'hook', type: 'webhook', url: 'https://x.example/in', secretEnv: 'HOOK_KEY' },
      ]),
      HEC_TOKEN: 'tok',
      HOOK_KEY: '0123456789abcdef',
    });
    expect(c.sources).toEqual(['findings', 'verdicts', 'incidents', 'clock_warnings', 'audit_checkpoints']);
    expect(c.SIEM_GROUP_ID).toBe('warden-siem');
    expect(c.destinations[0]).toMatchObject({ port: 6514, body: 'cef', maxAttempts: 8, bufferMaxRecords: 10_000 });
    expect(c.destinations[1]).toMatchObject({ token: 'tok', ack: true, ackTimeoutMs: 60_000 });
    expect(c.destinations[2]).toMatchObject({ secret: '0123456789abcdef', body: 'ocsf' });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('says how to configure destinations when there are none', () => {
    expect(errorOf({})).toMatch(/SIEM_DESTINATIONS: no destinations; set it to a JSON array .* SIEM_DESTINATIONS_FILE/);
  });

  it('reports every problem at once, each with where it is and what to change', () => {
    const msg = errorOf({
      SIEM_SOURCES: 'findings,events',
      SIEM_DESTINATIONS: JSON.stringify([
        { ...syslog, caFile: '/nonexistent/ca.pem' },
        { ...syslog },
        { name: 'splunk', type: 'hec', url: 'https://splunk:8088', tokenEnv: 'NOT_SET_ANYWHERE' },
        { name: 'hook', type: 'webhook', url: 'https://x', secretEnv: 'SHORT' },
      ]),
      SHORT: 'abc',
    });
    expect(msg).toContain('SIEM_SOURCES: unknown source "events"');
    expect(msg).toContain('SIEM_DESTINATIONS/0/caFile: cannot read /nonexistent/ca.pem');
    expect(msg).toContain('SIEM_DESTINATIONS/1/name: "soc" is used twice');
    expect(msg).toContain(
      'SIEM_DESTINATIONS/2/tokenEnv: NOT_SET_ANYWHERE is not set; put the HEC token in that variable',
    );
    expect(msg).toContain('SIEM_DESTINATIONS/3/secretEnv: SHORT must hold the HMAC key (at least 16 characters)');
  });

  it('rejects unknown fields, types and malformed JSON by path', () => {
    expect(errorOf({ SIEM_DESTINATIONS: '[{"name":"x",' })).toMatch(/SIEM_DESTINATIONS: not JSON/);
    expect(errorOf({ SIEM_DESTINATIONS: JSON.stringify([{ name: 'x', type: 'kafka' }]) })).toContain(
      'SIEM_DESTINATIONS/0/type: must be "syslog", "hec" or "webhook" (got "kafka")',
    );
    expect(errorOf({ SIEM_DESTINATIONS: JSON.stringify([{ ...syslog, prot: 1 }]) })).toMatch(/SIEM_DESTINATIONS/);
    expect(
      errorOf({ SIEM_DESTINATIONS: JSON.stringify([{ ...syslog, backoffInitialMs: 500, backoffMaxMs: 100 }]) }),
    ).toContain('backoffMaxMs: must be >= backoffInitialMs');
    expect(errorOf({ SIEM_DESTINATIONS: JSON.stringify([{ ...syslog, certFile: '/a' }]) })).toContain(
      'certFile and keyFile go together',
    );
  });

  it('refuses both the inline and the file form at once', () => {
    expect(errorOf({ SIEM_DESTINATIONS: '[]', SIEM_DESTINATIONS_FILE: '/x.json' })).toContain('keep one');
  });
});
