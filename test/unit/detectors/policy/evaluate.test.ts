import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFinding } from '../../../../detectors/finding.ts';
import { DEFAULT_POLICY_EVAL_CONFIG } from '../../../../detectors/policy/config.ts';
import { inferDataClasses } from '../../../../detectors/policy/data-classes.ts';
import { POLICY_TYPES, stepPolicy } from '../../../../detectors/policy/evaluate.ts';
import type { Finding } from '../../../../schemas/generated/finding.ts';
import { type EventSpec, ev, T0 } from '../anomaly/simulate.ts';
import { fixturePolicy } from './policy-fixture.ts';

interface Case {
  name: string;
  event: Omit<EventSpec, 'ts' | 'session'>;
  expect: string[];
}

const cases = readFileSync(join(import.meta.dirname, '../../../fixtures/detectors/policy/cases.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

const policy = fixturePolicy();
const types = (spec: Omit<EventSpec, 'ts' | 'session'>, findings: Finding[] = [], p = policy) =>
  stepPolicy(undefined, ev({ ts: T0, session: 's', ...spec }), { policy: p, findings }).findings.map((f) => f.type);

function finding(type: string): Finding {
  return buildFinding(ev({ ts: T0, session: 's' }), {
    detector: type,
    detectorVersion: '1',
    type,
    severity: 'high',
    score: 1,
    spans: [],
    evidence: '****',
  });
}

describe('policy fixture cases', () => {
  for (const c of cases) {
    it(`${c.expect.length === 0 ? 'finds nothing' : `finds ${c.expect.join(', ')}`}: ${c.name}`, () => {
      expect(types(c.event).sort()).toEqual([...c.expect].sort());
    });
  }
});

describe('policy checks', () => {
  it('accepts a model by its system-qualified name', () => {
    expect(types({ model: 'gpt-4o' })).toEqual([]);
    expect(types({ model: 'gpt-4o-mini' })).toEqual([POLICY_TYPES.modelNotAllowed]);
  });

  it('treats null allow-lists as allow-all and empty ones as allow-nothing', () => {
    const open = fixturePolicy({ allowed_models: null, allowed_tools: null, allowed_destinations: null });
    expect(types({ model: 'any', tool: 'anything', mode: 'write', target: 'https://x.test' }, [], open)).toEqual([]);
    const closed = fixturePolicy({ allowed_tools: [] });
    expect(types({ tool: 'search', mode: 'read' }, [], closed)).toEqual([POLICY_TYPES.toolNotAllowed]);
  });

  it('treats an unreported tool mode as read unless the policy says otherwise', () => {
    expect(types({ tool: 'search', mode: null })).toEqual([]);
    const strict = { policy, config: { ...DEFAULT_POLICY_EVAL_CONFIG, unknownToolModeAsWrite: true } };
    const step = stepPolicy(undefined, ev({ ts: T0, session: 's', tool: 'search', mode: null }), strict);
    expect(step.findings.map((f) => f.evidence)).toEqual(['tool search write (mode not reported), granted read only']);
  });

  it('refuses an unparsable target when destinations are listed', () => {
    expect(types({ tool: 'search', mode: 'read', target: 'https://' })).toEqual([POLICY_TYPES.destinationNotAllowed]);
  });

  it('infers data classes from other detectors findings', () => {
    expect(inferDataClasses([finding('pii.email')])).toEqual(['personal']);
    expect(inferDataClasses([finding('pii.iban')]).sort()).toEqual(['financial', 'personal']);
    expect(inferDataClasses([finding('pii.payment_card')]).sort()).toEqual(['financial', 'personal']);
    expect(inferDataClasses([finding('secret.aws_access_key'), finding('injection.ml')])).toEqual(['credentials']);
  });

  it('flags a data class found by a detector but not allowed by the policy', () => {
    expect(types({}, [finding('pii.email')])).toEqual([]);
    const step = stepPolicy(undefined, ev({ ts: T0, session: 's' }), {
      policy,
      findings: [finding('pii.iban'), finding('secret.github_token')],
    });
    expect(step.findings.map((f) => [f.type, f.evidence])).toEqual([
      [POLICY_TYPES.dataClassNotAllowed, 'data classes financial, credentials not allowed'],
    ]);
  });

  it('stamps findings with the policy id and version', () => {
    const [f] = stepPolicy(undefined, ev({ ts: T0, session: 's', kind: 'scope_change' }), { policy }).findings;
    expect(f!.attributes).toMatchObject({ policy_id: 'pol-support-bot', policy_version: '3' });
  });

  it('finds nothing without a policy (built-in allow-all)', () => {
    const e = ev({ ts: T0, session: 's', tool: 'x', mode: 'write', target: 'https://y.test', model: 'z' });
    expect(stepPolicy(undefined, e, { policy: null }).findings).toEqual([]);
  });
});
