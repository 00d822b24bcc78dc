/**
 * Prints the API_KEYS entry of a governance API key (only the sha256 is configured):
 *
 *   tsx services/api/hash-key.ts --generate ciso-laptop acme analyst   # makes a random key
 *   printf %s "$KEY" | tsx services/api/hash-key.ts - ciso-laptop acme analyst
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hashApiKey } from '../lib/api-keys.ts';
import { isRole, ROLES } from './auth.ts';

const [first, keyId, tenant, role] = process.argv.slice(2);
if (first === undefined || keyId === undefined || tenant === undefined || role === undefined || !isRole(role)) {
  process.stderr.write(`usage: hash-key.ts <--generate | -> key_id tenant_id <${ROLES.join('|')}>\n`);
  process.exit(64);
}
let key: string;
if (first === '--generate') {
  key = `wdn_${randomBytes(24).toString('base64url')}`;
  process.stdout.write(`key:   ${key}\n`);
} else {
  key = readFileSync(0, 'utf8').trim();
}
process.stdout.write(`entry: ${keyId}:${tenant}:${role}:${hashApiKey(key).toString('hex')}\n`);
