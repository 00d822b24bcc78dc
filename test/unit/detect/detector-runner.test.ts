import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../../deploy/demo/fleet.ts';
import type { Detector } from '../../../detectors/index.ts';
import { buildDetectorChain } from '../../../detectors/index.ts';
import { decide } from '../../../detectors/policy/index.ts';
import { DETECTOR_ERROR_TYPE, runDetectors } from '../../../services/detect/detector-runner.ts';

const throwing: Detector = {
  id: 'broken',
  version: '0.0.1',
  detect() {
    throw new TypeError('boom: jane.doe@example.com');
  },
};

describe('detector runner', () => {
  const event = generateFleet({ ...DEFAULT_FLEET, piiRate: 1 }, 1_764_000_000_000).next().value!.event;
  event.content = { ...event.content!, text: 'Mail jane.doe@example.com the report.' };

  it('turns a throwing detector into an error finding and keeps the other detectors findings', () => {
    const chain = [throwing, ...buildDetectorChain({ disabled: ['injection.ml'] })];
    const { detections } = runDetectors(chain, [event]);
    const d = detections[0]!;
    expect(d.failed).toEqual(['broken']);
    expect(d.findings.map((f) => f.type)).toContain(DETECTOR_ERROR_TYPE);
    expect(d.findings.map((f) => f.type)).toContain('pii.email');
    expect(JSON.stringify(d.findings)).not.toContain('jane.doe@example.com');
  });

  it('masks PII in the text it returns for forwarding and storage', () => {
    const { detections } = runDetectors(buildDetectorChain({ disabled: ['injection.ml'] }), [event]);
    expect(detections[0]!.redactedText).toBe('Mail [REDACTED:pii.email] the report.');
  });

  it('blocks the event when a detector failed under the default fail-closed policy', () => {
    const { detections } = runDetectors([throwing], [event]);
    const decision = decide(detections[0]!.findings, null, { failed: detections[0]!.failed });
    expect(decision.action).toBe('block');
    expect(decision.reasons).toContain('detector.failed');
  });
});
