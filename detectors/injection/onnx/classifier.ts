import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { createTruncatingEncoder, type TruncatingEncoder, UnsupportedTokenizerError } from './truncating-encoder.ts';

/**
 * A local ONNX text classifier (a Prompt Guard- or PIGuard-class export, or the tiny test fixture of
 * scripts/train-onnx-fixture.py) and its Hugging Face tokenizer.json. Files are read from disk once;
 * nothing is ever fetched from a model hub.
 *
 * Expected signature, the one `optimum` / `transformers.onnx` sequence-classification exports have:
 * inputs `input_ids` and `attention_mask` (int64, [batch, sequence]) and, when the model declares
 * it, `token_type_ids` (fed zeros: one segment); output `logits` (float32, [batch, labels]), or the
 * first output when none is called `logits`. The probability of the injection label is the softmax
 * over the logits at `injectionLabel` (Prompt Guard 2: 1 = MALICIOUS; Prompt Guard 1: 2 = INJECTION
 * or 1 = JAILBREAK; PIGuard: 1 = injection), so multi-label heads work as well as binary ones.
 */
export interface OnnxClassifierOptions {
  readonly modelPath: string;
  readonly tokenizerPath: string;
  readonly injectionLabel: number;
  /**
   * Tokens per text including the special tokens; longer texts keep their first tokens (and the
   * special tokens), as Hugging Face truncation does. Only a prefix of a long text is tokenised.
   */
  readonly maxTokens: number;
  /** Threads ONNX Runtime may use per session; 1 in a worker pool, where the pool gives parallelism. */
  readonly intraOpThreads?: number;
}

export interface OnnxScore {
  readonly probability: number;
  readonly tokens: number;
  readonly truncated: boolean;
}

export interface OnnxClassifier {
  /** `onnx:<model file>@<first 12 hex digits of its SHA-256>`: which weights judged, for evidence. */
  readonly version: string;
  readonly modelName: string;
  readonly inputNames: readonly string[];
  /** Whether long texts are tokenised by prefix (false: whole, when the tokenizer failed the check). */
  readonly prefixTokenising: boolean;
  /** One score per text, in order; texts are scored as one padded batch. */
  score(texts: readonly string[]): Promise<OnnxScore[]>;
  release(): Promise<void>;
}

/** Why a classifier could not be built: a bounded set, used as the fallback metric's `reason`. */
export type OnnxLoadFailure = 'runtime_missing' | 'model_missing' | 'tokenizer_invalid' | 'model_invalid';

export class OnnxLoadError extends Error {
  constructor(
    readonly reason: OnnxLoadFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OnnxLoadError';
  }
}

type Ort = typeof import('onnxruntime-node');

export async function loadOnnxClassifier(opts: OnnxClassifierOptions): Promise<OnnxClassifier> {
  if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 3) throw new Error('maxTokens must be an integer >= 3');
  if (!Number.isInteger(opts.injectionLabel) || opts.injectionLabel < 0) {
    throw new Error('injectionLabel must be a non-negative integer');
  }
  // onnxruntime-node is an optional dependency (its native binaries may be missing on a platform):
  // imported here, not at module load, so its absence is a reason to fall back, not a crash.
  let ort: Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    throw new OnnxLoadError('runtime_missing', 'onnxruntime-node could not be loaded', { cause: err });
  }
  const [modelBytes, tokenizerText] = await Promise.all([
    readFile(opts.modelPath).catch((err: unknown) => {
      throw new OnnxLoadError('model_missing', `model file ${opts.modelPath} could not be read`, { cause: err });
    }),
    readFile(opts.tokenizerPath, 'utf8').catch((err: unknown) => {
      throw new OnnxLoadError('model_missing', `tokenizer file ${opts.tokenizerPath} could not be read`, {
        cause: err,
      });
    }),
  ]);
  let encoder: TruncatingEncoder;
  try {
    encoder = createTruncatingEncoder(new Tokenizer(JSON.parse(tokenizerText) as object, {}), opts.maxTokens);
  } catch (err) {
    if (err instanceof UnsupportedTokenizerError) {
      throw new OnnxLoadError('tokenizer_invalid', `${opts.tokenizerPath}: ${err.message}`, { cause: err });
    }
    throw new OnnxLoadError('tokenizer_invalid', `${opts.tokenizerPath} is not a tokenizer.json`, { cause: err });
  }
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, {
      intraOpNumThreads: opts.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new OnnxLoadError('model_invalid', `${opts.modelPath} is not a loadable ONNX model`, { cause: err });
  }
  for (const required of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(required)) {
      await session.release();
      throw new OnnxLoadError(
        'model_invalid',
        `${opts.modelPath} has inputs [${session.inputNames.join(', ')}]; a text classifier needs input_ids and attention_mask`,
      );
    }
  }
  const output = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
  const withTokenTypes = session.inputNames.includes('token_type_ids');
  const digest = createHash('sha256').update(modelBytes).digest('hex').slice(0, 12);
  const modelName = basename(opts.modelPath);
  async function score(texts: readonly string[]): Promise<OnnxScore[]> {
    if (texts.length === 0) return [];
    const encoded = texts.map((t) => encoder.encode(t));
    const seq = Math.max(1, ...encoded.map((e) => e.ids.length));
    const ids = new BigInt64Array(texts.length * seq); // padding id 0, masked out
    const mask = new BigInt64Array(texts.length * seq);
    encoded.forEach((e, row) => {
      for (let i = 0; i < e.ids.length; i++) {
        ids[row * seq + i] = BigInt(e.ids[i]!);
        mask[row * seq + i] = 1n;
      }
    });
    const dims = [texts.length, seq];
    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    };
    if (withTokenTypes) feeds['token_type_ids'] = new ort.Tensor('int64', new BigInt64Array(texts.length * seq), dims);
    const result = await session.run(feeds, [output]);
    const logits = result[output]!;
    const labels = logits.dims[logits.dims.length - 1] ?? 0;
    if (logits.dims.length !== 2 || logits.dims[0] !== texts.length || opts.injectionLabel >= labels) {
      throw new Error(
        `model output ${output} has shape [${logits.dims.join(', ')}], label ${opts.injectionLabel} needed`,
      );
    }
    const data = logits.data as Float32Array;
    return encoded.map((e, row) => ({
      probability: softmaxAt(data, row * labels, labels, opts.injectionLabel),
      tokens: e.ids.length,
      truncated: e.truncated,
    }));
  }

  return {
    version: `onnx:${modelName}@${digest}`,
    modelName,
    inputNames: [...session.inputNames],
    prefixTokenising: encoder.prefixTokenising,
    score,
    release: () => session.release(),
  };
}

/** Softmax of one row of logits, at one label; shifted by the row's max so large logits do not overflow. */
export function softmaxAt(data: ArrayLike<number>, offset: number, width: number, label: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < width; i++) max = Math.max(max, data[offset + i]!);
  let sum = 0;
  for (let i = 0; i < width; i++) sum += Math.exp(data[offset + i]! - max);
  return Math.exp(data[offset + label]! - max) / sum;
}
