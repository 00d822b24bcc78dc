import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { DetectorConfigError, resolveDetectorConfig } from '../../detectors/index.ts';
import { DEFAULT_PHONE_REGIONS } from '../../detectors/pii/phone-regions.ts';
import { ConnectionEnv } from '../lib/connections.ts';
import { readEnv, splitList } from '../lib/env-config.ts';
import { WardenError } from '../lib/errors.ts';
import type { OnnxInjectionSettings } from './onnx-injection-stage.ts';

const DetectEnv = Type.Object({
  ...ConnectionEnv,
  DETECT_GROUP_ID: Type.String({ default: 'warden-detect' }),
  DETECT_WORKER_THREADS: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: Math.max(1, availableParallelism()),
    description: 'piscina threads running the stateless detectors',
  }),
  DETECT_EVENTS_PER_TASK: Type.Integer({ minimum: 1, maximum: 10_000, default: 64 }),
  DETECT_MAX_BATCH_EVENTS: Type.Integer({
    minimum: 1,
    default: 2000,
    description: 'largest batch handed to eachBatch',
  }),
  DETECT_PARTITIONS_CONCURRENTLY: Type.Integer({ minimum: 1, maximum: 64, default: 3 }),
  // Every detector runs by default. The injection classifier's findings are recorded and alerted
  // on, not blocked on, unless a policy maps `injection.ml` to an action (default-actions.ts).
  DETECT_DISABLED_DETECTORS: Type.String({
    default: 'none',
    description: 'comma-separated detector or rule ids; `none` runs every detector',
  }),
  DETECT_PHONE_REGIONS: Type.String({
    default: DEFAULT_PHONE_REGIONS.join(','),
    description: 'ISO 3166 regions whose national phone formats pii.phone validates (+ numbers: any region)',
  }),
  DETECT_CHAT_GUARD_AGENTS: Type.String({
    default: 'none',
    description:
      'comma-separated agent_id, tenant_id/agent_id or * whose user prompts the chat guard scores (purpose-bound chat assistants); `none` for no agent',
  }),
  // A local ONNX text classifier (Prompt Guard / PIGuard class) in place of the built-in injection
  // classifier; detectors/injection/README.md "Plugging in a transformer classifier". Empty = off.
  DETECT_INJECTION_ONNX_MODEL: Type.String({
    default: '',
    description:
      'path of a local ONNX sequence classifier (input_ids, attention_mask → logits); empty = built-in classifier only',
  }),
  DETECT_INJECTION_ONNX_TOKENIZER: Type.String({
    default: '',
    description: "path of the model's Hugging Face tokenizer.json; empty = tokenizer.json beside the model",
  }),
  DETECT_INJECTION_ONNX_LABEL: Type.Integer({
    minimum: 0,
    maximum: 255,
    default: 1,
    description: 'index of the injection label in the logits (Prompt Guard 2 and PIGuard: 1)',
  }),
  DETECT_INJECTION_ONNX_THRESHOLD: Type.Number({
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description: 'softmax probability of the injection label from which an injection.ml finding is raised',
  }),
  DETECT_INJECTION_ONNX_MAX_TOKENS: Type.Integer({ minimum: 8, maximum: 8192, default: 512 }),
  DETECT_INJECTION_ONNX_BUDGET_MS: Type.Number({
    exclusiveMinimum: 0,
    maximum: 10_000,
    default: 20,
    description: 'model time per event of a task; a task that overruns n x this falls back to the built-in classifier',
  }),
  DETECT_INJECTION_ONNX_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 1024,
    default: 16,
    description: 'texts per ONNX run',
  }),
  DETECT_FROM_BEGINNING: Type.Boolean({ default: true }),
  DETECT_BASELINE_LOOKBACK_DAYS: Type.Integer({
    minimum: 0,
    maximum: 365,
    default: 7,
    description: 'days of ClickHouse history replayed per agent after a restart; 0 disables',
  }),
  DETECT_BASELINE_MAX_EVENTS: Type.Integer({ minimum: 1, default: 20_000, description: 'per agent' }),
  DETECT_METRICS_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 9464,
    description: 'Prometheus /metrics; 0 = off',
  }),
  METRICS_HOST: Type.String({ default: '127.0.0.1' }),
  // Fault injection for test/faults (issue 15 (d)): a worker has no hook a test could kill from
  // outside, so the worker itself exits, as a native crash or an out-of-memory abort would, on a task
  // holding an event whose content contains this text. Empty (the default) turns it off.
  DETECT_FAULT_WORKER_EXIT_ON_TEXT: Type.String({
    default: '',
    description: 'test/faults only: a worker thread exits on a task with an event whose content contains this text',
  }),
  VERDICT_LINGER_MS: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 0,
    description: 'producer linger for verdicts',
  }),
});

export type DetectConfig = ReturnType<typeof loadDetectConfig>;

export function loadDetectConfig(env: NodeJS.ProcessEnv = process.env) {
  const values = readEnv(DetectEnv, env);
  return Object.freeze({
    ...values,
    disabledDetectors: splitList(values.DETECT_DISABLED_DETECTORS).filter((d) => d !== 'none'),
    chatGuardAgents: splitList(values.DETECT_CHAT_GUARD_AGENTS).filter((a) => a !== 'none'),
    phoneRegions: phoneRegions(values.DETECT_PHONE_REGIONS),
    injectionOnnx: injectionOnnx(values),
  });
}

/**
 * The ONNX classifier's worker settings, or undefined when none is configured. The files are not
 * checked here: a missing or broken model makes the workers fall back with a warning that names the
 * variable to fix (and count it in detect_injection_onnx_fallbacks_total) rather than keep detect
 * from starting. A tokenizer without a model is refused: it can only mean the model was forgotten,
 * and ignoring it would leave the operator believing the ONNX classifier runs.
 */
function injectionOnnx(values: Static<typeof DetectEnv>): OnnxInjectionSettings | undefined {
  const model = values.DETECT_INJECTION_ONNX_MODEL.trim();
  const tokenizer = values.DETECT_INJECTION_ONNX_TOKENIZER.trim();
  if (model === '' && tokenizer !== '') {
    throw new WardenError(
      'CONFIG_INVALID',
      '\n  - DETECT_INJECTION_ONNX_TOKENIZER: set, but DETECT_INJECTION_ONNX_MODEL is empty; set DETECT_INJECTION_ONNX_MODEL to the ONNX model file to use the ONNX classifier, or unset DETECT_INJECTION_ONNX_TOKENIZER',
    );
  }
  if (model === '') return undefined;
  return Object.freeze({
    modelPath: resolve(model),
    tokenizerPath: resolve(tokenizer === '' ? join(dirname(model), 'tokenizer.json') : tokenizer),
    injectionLabel: values.DETECT_INJECTION_ONNX_LABEL,
    threshold: values.DETECT_INJECTION_ONNX_THRESHOLD,
    maxTokens: values.DETECT_INJECTION_ONNX_MAX_TOKENS,
    budgetMsPerEvent: values.DETECT_INJECTION_ONNX_BUDGET_MS,
    batchSize: values.DETECT_INJECTION_ONNX_BATCH_SIZE,
  });
}

/** Checked here, at start-up, rather than when the first worker thread builds its chain. */
function phoneRegions(raw: string): string[] {
  const regions = splitList(raw).map((r) => r.toUpperCase());
  try {
    return [...resolveDetectorConfig({ phoneRegions: regions }).phoneRegions];
  } catch (err) {
    if (!(err instanceof DetectorConfigError)) throw err;
    throw new WardenError('CONFIG_INVALID', `\n  - DETECT_PHONE_REGIONS: ${err.problems.join('; ')}`);
  }
}
