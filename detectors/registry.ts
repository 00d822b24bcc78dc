import { resolveDetectorConfig } from './config.ts';
import type { ChainShared, Detector, DetectorConfig, DetectorFactory } from './detector.ts';
import { createChatGuardDetector } from './injection/chat-guard/detector.ts';
import { createInjectionMlDetector } from './injection/ml/detector.ts';
import { createInjectionRulesDetector } from './injection/rules-detector.ts';
import { PatternPrefilter } from './pattern-prefilter.ts';
import { createPiiDetector } from './pii/index.ts';
import { createSecretsDetector } from './secrets/index.ts';

/** Stateless detector families, in chain order. Anomaly and policy detectors join here later. */
export const DEFAULT_FACTORIES: Readonly<Record<string, DetectorFactory>> = Object.freeze({
  pii: createPiiDetector,
  secrets: createSecretsDetector,
  'injection.rules': createInjectionRulesDetector,
  'injection.ml': createInjectionMlDetector,
  'injection.chat_guard': createChatGuardDetector,
});

/**
 * Builds the default chain. `cfg.disabled` may name a whole family (`pii`, `injection.ml`) or a
 * single rule id / finding type (`pii.ip_address`), which the pattern detectors drop at build time.
 * The chat guard is opt-in: it joins the chain only when some agent is selected for it.
 */
export function buildDetectorChain(
  overrides: Partial<DetectorConfig> = {},
  factories: Readonly<Record<string, DetectorFactory>> = DEFAULT_FACTORIES,
): Detector[] {
  const cfg = resolveDetectorConfig(overrides);
  const shared: ChainShared = { prefilter: new PatternPrefilter() };
  return Object.entries(factories)
    .filter(([id]) => !cfg.disabled.includes(id) && (id !== 'injection.chat_guard' || cfg.chatGuardAgents.length > 0))
    .map(([, factory]) => factory(cfg, shared));
}
