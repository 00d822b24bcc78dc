import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_KEY_FILE, loadSigningKey, signBytes, verifyBytes } from '../../../services/lib/audit/signing-key.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'warden-keys-'));

describe('audit signing key', () => {
  it('generates a local key once with 0600 permissions and reuses it', () => {
    const dir = join(tmp(), 'keys');
    const a = loadSigningKey({ WARDEN_ENV: 'local', AUDIT_KEYS_DIR: dir });
    const b = loadSigningKey({ WARDEN_ENV: 'local', AUDIT_KEYS_DIR: dir });
    expect(a.keyId).toBe(b.keyId);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(statSync(join(dir, LOCAL_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, LOCAL_KEY_FILE), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(verifyBytes(b.publicKey, 'hello', signBytes(a, 'hello'))).toBe(true);
    expect(verifyBytes(b.publicKey, 'hellO', signBytes(a, 'hello'))).toBe(false);
  });

  it('never generates a key outside local', () => {
    expect(() => loadSigningKey({ WARDEN_ENV: 'production', AUDIT_KEYS_DIR: tmp() })).toThrow(/AUDIT_SIGNING_KEY_FILE/);
  });

  it('loads AUDIT_SIGNING_KEY_FILE and refuses a missing file or a non-Ed25519 key', () => {
    const dir = tmp();
    const good = join(dir, 'good.pem');
    writeFileSync(good, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    const key = loadSigningKey({ WARDEN_ENV: 'production', AUDIT_SIGNING_KEY_FILE: good, AUDIT_KEYS_DIR: dir });
    expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    const rsa = join(dir, 'rsa.pem');
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    writeFileSync(rsa, rsaKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadSigningKey({ WARDEN_ENV: 'local', AUDIT_SIGNING_KEY_FILE: rsa, AUDIT_KEYS_DIR: dir })).toThrow(
      /rsa key/,
    );
    expect(() =>
      loadSigningKey({ WARDEN_ENV: 'local', AUDIT_SIGNING_KEY_FILE: join(dir, 'nope.pem'), AUDIT_KEYS_DIR: dir }),
    ).toThrow(/does not exist/);
  });
});
