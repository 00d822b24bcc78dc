import type { AgentEvent } from '../../../schemas/generated/agent-event.ts';
import type { Finding } from '../../../schemas/generated/finding.ts';
import { buildFinding } from '../../finding.ts';
import { type ScannedField, truncationAttributes } from '../../text-fields.ts';
import { escalate } from '../escalation.ts';
import type { OnnxScore } from './classifier.ts';

export const ONNX_DETECTOR_ID = 'injection.onnx';

/**
 * Findings of the ONNX classifier for one event. The type is `injection.ml`, the built-in
 * classifier's: the two answer the same question (does this text try to steer the model?), and
 * policies, default actions and the evaluation key on the type. `detector` says which one judged
 * (`injection.onnx` with the model's digest, or `injection.ml` when the event fell back).
 */
export function onnxFindings(
  e: AgentEvent,
  fields: readonly ScannedField[],
  scores: readonly OnnxScore[],
  version: string,
  threshold: number,
): Finding[] {
  const out: Finding[] = [];
  fields.forEach((f, i) => {
    const s = scores[i]!;
    if (s.probability < threshold) return;
    const graded = escalate(e.kind, s.probability >= 0.9 ? 'high' : 'medium', s.probability);
    out.push(
      buildFinding(e, {
        detector: ONNX_DETECTOR_ID,
        detectorVersion: version,
        type: 'injection.ml',
        severity: graded.severity ?? 'medium',
        score: graded.score ?? s.probability,
        // The classifier judges the field as a whole.
        spans: [{ field: f.field, start: 0, end: f.text.length }],
        evidence: `onnx classifier p=${s.probability.toFixed(3)} (threshold ${threshold})`,
        attributes: {
          ...graded.attributes,
          ...truncationAttributes(f),
          probability: s.probability.toFixed(4),
          tokens: String(s.tokens),
          ...(s.truncated ? { tokens_truncated: 'true' } : {}),
        },
      }),
    );
  });
  return out;
}
