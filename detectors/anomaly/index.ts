export { CALL_KINDS, eventCostUsd, eventTokens, isCall } from './agent-activity.ts';
export {
  type AnomalyConfig,
  AnomalyConfigError,
  anomalyConfigFromThresholds,
  DEFAULT_ANOMALY_CONFIG,
  resolveAnomalyConfig,
  THRESHOLD_KEYS as ANOMALY_THRESHOLD_KEYS,
} from './config.ts';
export { createAnomalyDetector, createAnomalyDetectorWith } from './detector.ts';
export { ANOMALY_TYPES, ANOMALY_VERSION } from './findings.ts';
export { type BoundParams, MAD_TO_SIGMA, type RobustStats, robustStats, upperBound } from './robust-stats.ts';
export {
  ANOMALY_STATE_VERSION,
  type AnomalyState,
  AnomalyStateError,
  deserializeAnomalyState,
  emptyAnomalyState,
  serializeAnomalyState,
} from './state.ts';
export { type AnomalyStep, completeSession, stepAnomaly, stepAnomalyInPlace } from './step.ts';
