/**
 * Prints the sha256 of a new ingest API key, for INGEST_API_KEYS (only the hash is configured):
 *
 *   tsx services/ingest/hash-key.ts <key> [enforcement_point_id tenant_id]
 *   tsx services/ingest/hash-key.ts --generate gw-eu-1 acme    # also makes a random key
 *
 * With the ids it prints the whole entry (enforcement_point_id:tenant_id:hash). Reading the key from an
 * argument leaves it in shell history; pipe it instead: `printf %s "$KEY" | tsx services/ingest/hash-key.ts -`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hashApiKey } from './auth.ts';

const [first, ep, tenant] = process.argv.slice(2);
if (first === undefined || first === '--help') {
  process.stderr.write('usage: hash-key.ts <key | - | --generate> [enforcement_point_id tenant_id]\n');
  process.exit(first === undefined ? 64 : 0);
}
let key: string;
if (first === '--generate') {
  key = `wdn_${randomBytes(24).toString('base64url')}`;
  process.stdout.write(`key:   ${key}\n`);
} else if (first === '-') {
  key = readFileSync(0, 'utf8').trim();
} else {
  key = first;
}
const hash = hashApiKey(key).toString('hex');
process.stdout.write(ep && tenant ? `entry: ${ep}:${tenant}:${hash}\n` : `${hash}\n`);
