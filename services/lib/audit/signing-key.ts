import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { WardenError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { sha256Hex } from './hash-chain.ts';

/**
 * Environment variables of the audit log, spread into a service's or the CLI's schema (like
 * ConnectionEnv), so names and defaults are defined once.
 */
export const AuditEnv = {
  WARDEN_ENV: Type.Union([Type.Literal('local'), Type.Literal('staging'), Type.Literal('production')], {
    default: 'local',
  }),
  AUDIT_SIGNING_KEY_FILE: Type.Optional(
    Type.String({ description: 'PEM (PKCS8) Ed25519 private key that signs checkpoints and bundle manifests' }),
  ),
  AUDIT_KEYS_DIR: Type.String({
    default: '.warden/keys',
    description: 'WARDEN_ENV=local only: where a dev signing key is generated when AUDIT_SIGNING_KEY_FILE is unset',
  }),
  AUDIT_CHECKPOINT_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
};

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key, as written to public-key.pem of a bundle. */
  publicKeyPem: string;
  /** First 16 hex characters of sha256(SPKI DER of the public key). */
  keyId: string;
}

export const LOCAL_KEY_FILE = 'audit-signing-key.pem';

export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

export function signingKeyFromPem(pem: string, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new WardenError('AUDIT_SIGNING_KEY_INVALID', `${source}: ${(err as Error).message}`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new WardenError('AUDIT_SIGNING_KEY_INVALID', `${source} holds a ${privateKey.asymmetricKeyType} key`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`public key is ${key.asymmetricKeyType}, not ed25519`);
  return key;
}

export function signBytes(key: SigningKey, data: Buffer | string): string {
  return sign(null, Buffer.from(data), key.privateKey).toString('base64');
}

export function verifyBytes(publicKey: KeyObject, data: Buffer | string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(data), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    // A malformed signature is simply not a valid one; the caller reports which object failed.
    return false;
  }
}

export interface LoadSigningKeyOptions {
  WARDEN_ENV: 'local' | 'staging' | 'production';
  AUDIT_SIGNING_KEY_FILE?: string | undefined;
  AUDIT_KEYS_DIR: string;
}

/**
 * AUDIT_SIGNING_KEY_FILE when set; otherwise, in WARDEN_ENV=local only, a key generated once under
 * AUDIT_KEYS_DIR (directory 0700, file 0600) and reused. Staging and production never generate.
 */
export function loadSigningKey(options: LoadSigningKeyOptions, log?: Logger): SigningKey {
  const file = options.AUDIT_SIGNING_KEY_FILE;
  if (file) {
    if (!existsSync(file)) {
      throw new WardenError('AUDIT_SIGNING_KEY_MISSING', `AUDIT_SIGNING_KEY_FILE=${file} does not exist`);
    }
    warnIfReadableByOthers(file, log);
    return signingKeyFromPem(readFileSync(file, 'utf8'), `AUDIT_SIGNING_KEY_FILE=${file}`);
  }
  if (options.WARDEN_ENV !== 'local') {
    throw new WardenError(
      'AUDIT_SIGNING_KEY_MISSING',
      `WARDEN_ENV=${options.WARDEN_ENV} requires AUDIT_SIGNING_KEY_FILE (a PKCS8 PEM Ed25519 private key)`,
    );
  }
  const dir = resolve(options.AUDIT_KEYS_DIR);
  const path = join(dir, LOCAL_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // wx: a second process generating at the same moment loses and reads the winner's key.
      writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      log?.warn(
        { path },
        'generated a local audit signing key (WARDEN_ENV=local); production sets AUDIT_SIGNING_KEY_FILE',
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // wx created the file before the write failed (ENOSPC): an empty or cut key left there would
        // be read as "the key" by every later start and fail it as invalid, a crash loop.
        rmSync(path, { force: true });
        const fix = code === 'ENOSPC' ? ' (disk full: free space in AUDIT_KEYS_DIR or set AUDIT_SIGNING_KEY_FILE)' : '';
        throw new WardenError('AUDIT_SIGNING_KEY_MISSING', `cannot write ${path}: ${(err as Error).message}${fix}`, {
          cause: err,
        });
      }
    }
  }
  return signingKeyFromPem(readFileSync(path, 'utf8'), path);
}

function warnIfReadableByOthers(file: string, log?: Logger): void {
  const mode = statSync(file).mode & 0o077;
  if (mode !== 0) log?.warn({ path: file, mode: mode.toString(8) }, 'audit signing key is readable by group/others');
}
