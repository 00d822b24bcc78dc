import { describe, expect, it } from 'vitest';
import { resolveDetectorConfig } from '../../../detectors/config.ts';
import { createSecretsDetector } from '../../../detectors/secrets/index.ts';
import { decodeJwtPart } from '../../../detectors/secrets/jwt.ts';
import { isPlaceholder } from '../../../detectors/secrets/placeholder.ts';
import { makeEvent } from './event.ts';

const d = createSecretsDetector(resolveDetectorConfig());
const types = (text: string) => d.detect(makeEvent(text, 'tool_call')).map((f) => f.type);

describe('secrets', () => {
  it('prefers a specific token over secret.generic on the same span', () => {
    expect(types('token=ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8')).toEqual(['secret.github_token']);
  });
  it('marks the AWS documentation example key as low severity', () => {
    const [f] = d.detect(makeEvent('AKIAIOSFODNN7EXAMPLE'));
    expect(f!.severity).toBe('low');
  });
  it('never puts the clear secret in evidence', () => {
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const [f] = d.detect(makeEvent(`key ${secret}`));
    expect(f!.evidence).not.toContain(secret.slice(8));
    expect(f!.evidence.endsWith('…')).toBe(true);
  });
  it('covers only the password of a connection string and keeps the host in evidence', () => {
    const text = 'postgres://admin:S3cr3tP4ss!@db.internal:5432/app';
    const [f] = d.detect(makeEvent(text));
    expect(text.slice(f!.spans[0]!.start, f!.spans[0]!.end)).toBe('S3cr3tP4ss!');
    expect(f!.evidence).toBe('postgres://a***:****@db.internal');
  });
  it('extends a PEM block span to its END line', () => {
    const text = 'x -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY----- y';
    const [f] = d.detect(makeEvent(text));
    expect(text.slice(f!.spans[0]!.start, f!.spans[0]!.end).endsWith('-----END EC PRIVATE KEY-----')).toBe(true);
    expect(f!.attributes['key_kind']).toBe('ec');
  });
  it('requires a JWT header that decodes to JSON with alg', () => {
    expect(decodeJwtPart('eyJhbGciOiJIUzI1NiJ9')).toEqual({ alg: 'HS256' });
    expect(decodeJwtPart('eyJ!!')).toBeNull();
  });
  it('treats templates and stand-ins as placeholders', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the input under test
    for (const v of ['${TOKEN}', '<your-key>', 'xxxxxxxxxxxx', 'changeme123', 'YOUR_API_KEY']) {
      expect(isPlaceholder(v)).toBe(true);
    }
    expect(isPlaceholder('a8F3kL9qZ2xW7vB4nM6pR1tY5uI0oE3s')).toBe(false);
  });
  it('ignores low-entropy values next to key names', () => {
    expect(types('api_key=aaaaaaaaaaaaaaaaaaaa1 secret: 1234567812345678')).toEqual([]);
  });
});
