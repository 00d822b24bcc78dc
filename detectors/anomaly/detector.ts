import type { Detector, DetectorFactory } from '../detector.ts';
import { type AnomalyConfig, DEFAULT_ANOMALY_CONFIG } from './config.ts';
import { ANOMALY_VERSION } from './findings.ts';
import type { AnomalyState } from './state.ts';
import { stepAnomaly } from './step.ts';

/**
 * `Detector` view of the anomaly model: findings for one event given the agent's state from
 * `ctx.agentState`. The new state is dropped here; a runner that owns state calls `stepAnomaly`
 * directly and keeps `step.state`.
 */
export function createAnomalyDetectorWith(cfg: AnomalyConfig = DEFAULT_ANOMALY_CONFIG): Detector<AnomalyState> {
  return {
    id: 'anomaly',
    version: ANOMALY_VERSION,
    detect: (e, ctx) => stepAnomaly(ctx?.agentState, e, cfg).findings,
  };
}

/** Registry-shaped factory: the anomaly model ignores the shared scan settings. */
export const createAnomalyDetector: DetectorFactory<AnomalyState> = () => createAnomalyDetectorWith();
