import { performance } from 'node:perf_hooks';
import type { DetectorConfig } from '../../detectors/index.ts';
import {
  loadOnnxClassifier,
  type OnnxClassifier,
  type OnnxClassifierOptions,
  OnnxLoadError,
} from '../../detectors/injection/onnx/classifier.ts';
import { ONNX_DETECTOR_ID, onnxFindings } from '../../detectors/injection/onnx/findings.ts';
import { scannedFields } from '../../detectors/text-fields.ts';
import type { AgentEvent, Finding } from '../../schemas/generated/index.ts';
import type { Logger } from '../../schemas/runtime/logger.ts';

/** Passed to workers in WorkerSettings; validated by services/detect/config.ts. */
export interface OnnxInjectionSettings {
  readonly modelPath: string;
  readonly tokenizerPath: string;
  readonly injectionLabel: number;
  readonly threshold: number;
  readonly maxTokens: number;
  /** Per event of a task: a task of n events may spend n x this on the model before it falls back. */
  readonly budgetMsPerEvent: number;
  /** Texts per ONNX run. */
  readonly batchSize: number;
}

/**
 * Why events were judged by the built-in classifier instead: the load failures of
 * OnnxLoadError, `budget` (the task's model time ran out), `busy` (a run that overran is still
 * occupying the session) and `error` (a run failed).
 */
export type OnnxFallbackReason = OnnxLoadError['reason'] | 'budget' | 'busy' | 'error';

export interface OnnxStageResult {
  /** Per event, in order: the ONNX classifier's findings, or null when the event falls back. */
  readonly findings: (Finding[] | null)[];
  readonly fallbacks: Partial<Record<OnnxFallbackReason, number>>;
  readonly micros: number;
}

export interface OnnxStage {
  scan(events: readonly AgentEvent[]): Promise<OnnxStageResult>;
  close(): Promise<void>;
}

export interface OnnxStageDeps {
  readonly log: Logger;
  /** Resolves after `ms`; tests substitute one that has already run out. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Tests substitute a classifier; production loads the configured files. */
  readonly load?: (opts: OnnxClassifierOptions) => Promise<OnnxClassifier>;
}

const TIMED_OUT = Symbol('timed out');

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

// What the operator changes for each load failure: the one log line they see must say which variable.
const UNSET = 'or unset DETECT_INJECTION_ONNX_MODEL to run the built-in classifier only';
const LOAD_FIXES: Record<OnnxLoadError['reason'], string> = {
  runtime_missing: `install onnxruntime-node for this platform (npm run setup), ${UNSET}`,
  model_missing: `point DETECT_INJECTION_ONNX_MODEL and DETECT_INJECTION_ONNX_TOKENIZER (default: tokenizer.json beside the model) at readable files, ${UNSET}`,
  model_invalid: `DETECT_INJECTION_ONNX_MODEL must name an ONNX sequence classifier with inputs input_ids and attention_mask, ${UNSET}`,
  tokenizer_invalid: `DETECT_INJECTION_ONNX_TOKENIZER must name the model's Hugging Face tokenizer.json, ${UNSET}`,
};

/**
 * The ONNX injection classifier of one worker thread. ONNX Runtime's run is asynchronous, so it
 * cannot be a synchronous Detector: the worker runs the synchronous chain without `injection.ml`,
 * then this stage, and the built-in classifier for every event this stage hands back (null).
 * The model is loaded on the first task; if it cannot be, every event falls back, for the
 * thread's lifetime, after one warning that says why.
 */
export function createOnnxStage(settings: OnnxInjectionSettings, cfg: DetectorConfig, deps: OnnxStageDeps): OnnxStage {
  const sleep = deps.sleep ?? defaultSleep;
  const load = deps.load ?? loadOnnxClassifier;
  let classifier: Promise<OnnxClassifier | OnnxLoadError['reason']> | undefined;
  // A run that lost the race against its budget keeps the session busy until it ends (ONNX Runtime
  // cannot abandon a run); tasks meanwhile fall back instead of queueing behind it.
  let overrunInFlight = false;

  function loaded(): Promise<OnnxClassifier | OnnxLoadError['reason']> {
    classifier ??= load({
      modelPath: settings.modelPath,
      tokenizerPath: settings.tokenizerPath,
      injectionLabel: settings.injectionLabel,
      maxTokens: settings.maxTokens,
    }).then(
      (c) => {
        deps.log.info(
          { model: c.modelName, version: c.version, inputs: c.inputNames, prefixTokenising: c.prefixTokenising },
          'onnx injection classifier loaded',
        );
        return c;
      },
      (err: unknown) => {
        const reason = err instanceof OnnxLoadError ? err.reason : 'model_invalid';
        deps.log.warn(
          {
            err,
            code: 'DETECT_ONNX_UNAVAILABLE',
            reason,
            model: settings.modelPath,
            tokenizer: settings.tokenizerPath,
          },
          `onnx injection classifier unavailable: the built-in classifier judges every event; ${LOAD_FIXES[reason]}`,
        );
        return reason;
      },
    );
    return classifier;
  }

  async function runAll(c: OnnxClassifier, texts: string[]) {
    const scores = [];
    for (let i = 0; i < texts.length; i += settings.batchSize) {
      scores.push(...(await c.score(texts.slice(i, i + settings.batchSize))));
    }
    return scores;
  }

  async function scan(events: readonly AgentEvent[]): Promise<OnnxStageResult> {
    const started = performance.now();
    const fallBack = (reason: OnnxFallbackReason): OnnxStageResult => ({
      findings: events.map(() => null),
      fallbacks: { [reason]: events.length },
      micros: (performance.now() - started) * 1000,
    });
    const c = await loaded();
    if (typeof c === 'string') return fallBack(c);
    if (overrunInFlight) return fallBack('busy');
    const fields = events.map((e) => scannedFields(e, cfg.maxScanChars));
    const texts = fields.flatMap((fs) => fs.map((f) => f.text));
    const run = runAll(c, texts);
    const outcome = await Promise.race([
      run,
      sleep(settings.budgetMsPerEvent * events.length).then(() => TIMED_OUT),
    ]).catch((err: unknown) => {
      deps.log.warn({ err, code: 'DETECT_ONNX_RUN_FAILED' }, 'onnx injection classifier failed on a task');
      return 'error' as const;
    });
    if (outcome === 'error') return fallBack('error');
    if (typeof outcome === 'symbol') {
      overrunInFlight = true;
      run.then(
        () => (overrunInFlight = false),
        () => (overrunInFlight = false),
      );
      return fallBack('budget');
    }
    let next = 0;
    const findings = events.map((e, i) => {
      const fs = fields[i]!;
      const scores = outcome.slice(next, next + fs.length);
      next += fs.length;
      return onnxFindings(e, fs, scores, c.version, settings.threshold);
    });
    return { findings, fallbacks: {}, micros: (performance.now() - started) * 1000 };
  }

  return {
    scan,
    async close() {
      const c = await classifier;
      if (c !== undefined && typeof c !== 'string') await c.release();
    },
  };
}

export { ONNX_DETECTOR_ID };
