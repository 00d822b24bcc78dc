import { performance } from 'node:perf_hooks';
import { buildFinding, type Detector, redact } from '../../detectors/index.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import type { DetectionResult, EventDetection } from './detection-task.ts';

// Only spans that hide a value are masked; classifier findings cover whole texts and mean "block", not "mask".
const MASKED_FAMILIES = ['pii.', 'secret.'];

/** Type of the finding that records a detector which threw, so the failure is visible in evidence too. */
export const DETECTOR_ERROR_TYPE = 'detector.error';

/**
 * The one runner that times and guards every stateless detector. A detector that throws does not
 * lose the event: the event gets a `detector.error` finding and the detector's id in `failed`, and
 * the policy's fail_mode turns that into a decision.
 */
export function runDetectors(chain: readonly Detector[], events: readonly AgentEvent[]): DetectionResult {
  const detectorMicros: Record<string, number> = {};
  const detections = events.map((event): EventDetection => {
    const findings: Finding[] = [];
    const failed: string[] = [];
    for (const detector of chain) {
      const started = performance.now();
      try {
        findings.push(...detector.detect(event));
      } catch (err) {
        failed.push(detector.id);
        findings.push(
          buildFinding(event, {
            detector: detector.id,
            detectorVersion: detector.version,
            type: DETECTOR_ERROR_TYPE,
            severity: 'high',
            score: 1,
            spans: [],
            // The error's name only: a message could quote the content that made the detector fail.
            evidence: `detector ${detector.id} failed (${(err as Error)?.name ?? 'error'})`,
          }),
        );
      }
      detectorMicros[detector.id] = (detectorMicros[detector.id] ?? 0) + (performance.now() - started) * 1000;
    }
    const maskable = findings.filter((f) => MASKED_FAMILIES.some((p) => f.type.startsWith(p)));
    const types = new Set(maskable.map((f) => f.type));
    return {
      findings,
      failed,
      redactedText: event.content ? redact(event.content.text, maskable, 'content.text', types).text : null,
      redactedArguments: event.tool?.arguments
        ? redact(event.tool.arguments, maskable, 'tool.arguments', types).text
        : null,
    };
  });
  return { detections, detectorMicros };
}
