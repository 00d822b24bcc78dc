import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDetectorConfig } from '../../../detectors/config.ts';
import { createInjectionRulesDetector } from '../../../detectors/injection/rules-detector.ts';
import { createPiiDetector } from '../../../detectors/pii/index.ts';
import { createSecretsDetector } from '../../../detectors/secrets/index.ts';
import type { DevWardenV1 } from '../../../schemas/generated/agent-event.ts';
import { makeEvent } from './event.ts';

interface Case {
  text: string;
  kind: DevWardenV1.EventKind;
  expect: string[];
}

const ROOT = join(import.meta.dirname, '../../fixtures/detectors');
const FAMILY_PREFIX: Record<string, string> = { pii: 'pii.', secrets: 'secret.', injection: 'injection.' };
const cfg = resolveDetectorConfig();
const chain = [createPiiDetector(cfg), createSecretsDetector(cfg), createInjectionRulesDetector(cfg)];

for (const family of Object.keys(FAMILY_PREFIX)) {
  const dir = join(ROOT, family);
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl') && !f.startsWith('synthetic'));
  describe(`${family} fixture cases`, () => {
    for (const file of files) {
      const cases = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Case);
      for (const c of cases) {
        const label = c.expect.length > 0 ? `finds ${c.expect.join(', ')}` : 'finds nothing';
        it(`${label} in ${JSON.stringify(c.text.slice(0, 60))}`, () => {
          const types = new Set(chain.flatMap((d) => d.detect(makeEvent(c.text, c.kind))).map((f) => f.type));
          const relevant = [...types].filter((t) => t.startsWith(FAMILY_PREFIX[family]!) || c.expect.includes(t));
          expect(relevant.sort()).toEqual([...c.expect].sort());
        });
      }
    }
  });
}
