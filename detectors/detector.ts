import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { Finding } from '../schemas/generated/finding.ts';
import type { PatternPrefilter } from './pattern-prefilter.ts';

/**
 * Per-call context. Stateless detectors ignore it; stateful ones (anomaly, policy) receive the
 * per-agent state owned by the partition's consumer here, so `detect` stays pure.
 */
export interface DetectContext<S = unknown> {
  readonly agentState?: S;
}

export interface Detector<S = unknown> {
  /** Stable id, e.g. `pii` or `injection.ml`. Findings carry the id of the rule that fired. */
  readonly id: string;
  readonly version: string;
  /** Synchronous, pure, no I/O, never logs. */
  detect(e: AgentEvent, ctx?: DetectContext<S>): Finding[];
}

/** Settings shared by the built-in detectors. Units are in the names. */
export interface DetectorConfig {
  /** Largest prefix of each scanned field (content.text, tool.arguments) looked at, in UTF-16 code units. */
  readonly maxScanChars: number;
  /** Cap on findings one rule may emit per field, so a hostile payload cannot blow up the output. */
  readonly maxFindingsPerRule: number;
  /** Shannon entropy (bits/char) a value next to a key-like name needs to count as a generic secret. */
  readonly genericSecretMinEntropyBits: number;
  /** Injection classifier decision threshold, probability in [0, 1]; null uses the model's own (chosen by CV). */
  readonly injectionMlThreshold: number | null;
  /** Largest prefix of text the injection classifier scores, in UTF-16 code units. */
  readonly injectionMlMaxChars: number;
  /** Largest encoded chunk (base64 / hex) decoded and re-scanned by the encoded-payload rule, in characters. */
  readonly maxDecodeChars: number;
  /** Detector or rule ids to switch off, e.g. `pii.ip_address`, `injection.ml`. */
  readonly disabled: readonly string[];
  /**
   * Agents whose user prompts the chat guard (injection.chat_guard) scores: `agent_id`,
   * `tenant_id/agent_id` or `*`. Empty (the default) runs it for none.
   */
  readonly chatGuardAgents: readonly string[];
  /** Largest prefix of a user prompt the chat guard scores, in UTF-16 code units. */
  readonly chatGuardMaxChars: number;
  /**
   * ISO 3166 regions (libphonenumber codes) whose national formats the phone detector validates,
   * in order of preference for numbers valid in several. `+` numbers are validated for any region.
   */
  readonly phoneRegions: readonly string[];
}

/** What the detectors of one chain share; built once per chain by `buildDetectorChain`. */
export interface ChainShared {
  /** One UTF-8 encoding and one RE2.Set pass per field for every pattern detector of the chain. */
  readonly prefilter: PatternPrefilter;
}

export type DetectorFactory<S = unknown> = (cfg: DetectorConfig, shared?: ChainShared) => Detector<S>;
