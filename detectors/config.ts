import type { DetectorConfig } from './detector.ts';
import { DEFAULT_PHONE_REGIONS, unsupportedPhoneRegions } from './pii/phone-regions.ts';

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = Object.freeze({
  maxScanChars: 64 * 1024,
  maxFindingsPerRule: 100,
  genericSecretMinEntropyBits: 3.5,
  injectionMlThreshold: null,
  injectionMlMaxChars: 8 * 1024,
  maxDecodeChars: 4096,
  disabled: Object.freeze([]) as readonly string[],
  chatGuardAgents: Object.freeze([]) as readonly string[],
  chatGuardMaxChars: 4 * 1024,
  phoneRegions: DEFAULT_PHONE_REGIONS,
});

export class DetectorConfigError extends Error {
  readonly code = 'DETECTOR_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid detector config: ${problems.join('; ')}`);
    this.name = 'DetectorConfigError';
  }
}

function positiveInt(name: string, v: unknown, problems: string[]): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) problems.push(`${name} must be a positive integer`);
}

function inRange(name: string, v: unknown, lo: number, hi: number, problems: string[]): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    problems.push(`${name} must be a number in [${lo}, ${hi}]`);
  }
}

function phoneRegionProblems(v: unknown, problems: string[]): void {
  if (!Array.isArray(v) || v.length === 0 || v.some((r) => typeof r !== 'string')) {
    problems.push('phoneRegions must be a non-empty array of region codes such as DE, GB, US');
    return;
  }
  const unknown = unsupportedPhoneRegions(v as string[]);
  if (unknown.length > 0) {
    problems.push(
      `phoneRegions has codes libphonenumber does not know: ${unknown.join(', ')} (upper-case ISO 3166 alpha-2)`,
    );
  }
  const seen = new Set<string>();
  for (const r of v as string[]) {
    if (seen.has(r)) problems.push(`phoneRegions lists ${r} twice`);
    seen.add(r);
  }
}

const KNOWN_KEYS = new Set(Object.keys(DEFAULT_DETECTOR_CONFIG));

/** Merges overrides onto the defaults, reports every problem at once, and freezes the result. */
export function resolveDetectorConfig(overrides: Partial<DetectorConfig> = {}): DetectorConfig {
  const problems: string[] = [];
  for (const k of Object.keys(overrides)) if (!KNOWN_KEYS.has(k)) problems.push(`unknown option ${k}`);
  const cfg = { ...DEFAULT_DETECTOR_CONFIG, ...overrides };
  positiveInt('maxScanChars', cfg.maxScanChars, problems);
  positiveInt('maxFindingsPerRule', cfg.maxFindingsPerRule, problems);
  positiveInt('injectionMlMaxChars', cfg.injectionMlMaxChars, problems);
  positiveInt('maxDecodeChars', cfg.maxDecodeChars, problems);
  positiveInt('chatGuardMaxChars', cfg.chatGuardMaxChars, problems);
  inRange('genericSecretMinEntropyBits', cfg.genericSecretMinEntropyBits, 0, 8, problems);
  if (cfg.injectionMlThreshold !== null) inRange('injectionMlThreshold', cfg.injectionMlThreshold, 0, 1, problems);
  if (!Array.isArray(cfg.disabled) || cfg.disabled.some((d) => typeof d !== 'string')) {
    problems.push('disabled must be an array of detector ids');
  }
  if (!Array.isArray(cfg.chatGuardAgents) || cfg.chatGuardAgents.some((a) => typeof a !== 'string' || a === '')) {
    problems.push('chatGuardAgents must be an array of agent ids, tenant_id/agent_id or *');
  }
  phoneRegionProblems(cfg.phoneRegions, problems);
  if (problems.length > 0) throw new DetectorConfigError(problems);
  return Object.freeze({
    ...cfg,
    disabled: Object.freeze([...cfg.disabled]),
    chatGuardAgents: Object.freeze([...cfg.chatGuardAgents]),
    phoneRegions: Object.freeze([...cfg.phoneRegions]),
  });
}
