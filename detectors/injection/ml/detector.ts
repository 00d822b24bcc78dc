import { readFileSync } from 'node:fs';
import type { AgentEvent } from '../../../schemas/generated/agent-event.ts';
import type { Finding } from '../../../schemas/generated/finding.ts';
import type { Detector, DetectorConfig, DetectorFactory } from '../../detector.ts';
import { buildFinding } from '../../finding.ts';
import { scannedFields, truncationAttributes } from '../../text-fields.ts';
import { escalate, isIndirectChannel } from '../escalation.ts';
import { type InjectionModel, type InjectionModelFile, loadInjectionModel } from './model.ts';

const MODEL_URL = new URL('../model/injection-lr.json', import.meta.url);

/** Reads the committed weights. Done once per factory call (worker start), never per event. */
export function readInjectionModelFile(url: URL = MODEL_URL): InjectionModelFile {
  return JSON.parse(readFileSync(url, 'utf8')) as InjectionModelFile;
}

export function createInjectionMlDetectorFromModel(model: InjectionModel, cfg: DetectorConfig): Detector {
  const version = `1.0.0+model.${model.version}`;
  function detect(e: AgentEvent): Finding[] {
    const out: Finding[] = [];
    for (const f of scannedFields(e, cfg.maxScanChars)) {
      const s = model.score(f.text, cfg.injectionMlMaxChars);
      // Fetched content has its own threshold (lower base rate, max over windows) unless config overrides.
      const threshold =
        cfg.injectionMlThreshold ?? (isIndirectChannel(e.kind) ? model.thresholdIndirect : model.thresholdDirect);
      if (s.probability < threshold) continue;
      const graded = escalate(e.kind, s.probability >= 0.9 ? 'high' : 'medium', s.probability);
      out.push(
        buildFinding(e, {
          detector: 'injection.ml',
          detectorVersion: version,
          type: 'injection.ml',
          severity: graded.severity ?? 'medium',
          score: graded.score ?? s.probability,
          // The classifier judges the field as a whole.
          spans: [{ field: f.field, start: 0, end: f.text.length }],
          evidence: `classifier p=${s.probability.toFixed(3)} (threshold ${threshold})`,
          attributes: {
            ...graded.attributes,
            ...truncationAttributes(f),
            probability: s.probability.toFixed(4),
            windows: String(s.windows),
          },
        }),
      );
    }
    return out;
  }
  return { id: 'injection.ml', version, detect };
}

/** Logistic-regression injection classifier over hashed n-grams; see scripts/train-injection-model.ts. */
export const createInjectionMlDetector: DetectorFactory = (cfg) =>
  createInjectionMlDetectorFromModel(loadInjectionModel(readInjectionModelFile()), cfg);
