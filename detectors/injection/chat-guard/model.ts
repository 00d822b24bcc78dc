import { normaliseInto } from '../ml/features.ts';
import { decodeInt16 } from '../ml/model.ts';
import { CHAT_FEATURE_BITS, CHAT_FEATURE_DIM, forEachChatFeature } from './features.ts';

/** The JSON written by scripts/train-chat-guard-model.ts. */
export interface ChatGuardModelFile {
  readonly format: 'warden.chat-guard-lr.v1';
  readonly version: string;
  readonly featureBits: number;
  readonly bias: number;
  /** Decision threshold chosen by cross-validation on training data (max F1 at FPR <= 2 %). */
  readonly threshold: number;
  /** Dense weights quantised to int16 (little-endian), base64; weight = value * weightScale. */
  readonly weightScale: number;
  readonly weightsInt16: string;
  readonly training: Readonly<Record<string, unknown>>;
}

export interface ChatGuardModel {
  readonly version: string;
  readonly threshold: number;
  /** Probability that the message tries to take the assistant off its task; first `maxChars` only. */
  score(text: string, maxChars: number): number;
}

export type ChatGuardParams = Pick<ChatGuardModelFile, 'bias' | 'threshold' | 'version' | 'weightScale'>;

export function loadChatGuardModel(file: ChatGuardModelFile): ChatGuardModel {
  if (file.format !== 'warden.chat-guard-lr.v1') throw new Error(`unknown chat-guard model format ${file.format}`);
  if (file.featureBits !== CHAT_FEATURE_BITS)
    throw new Error('chat-guard model feature size does not match features.ts');
  return createChatGuardModel(decodeInt16(file.weightsInt16, CHAT_FEATURE_DIM, 'chat-guard model'), file);
}

/**
 * Logistic regression over the set of hashed features of the whole message, x = 1 / sqrt(distinct
 * features). De-duplication uses a per-instance stamp array (detect() is synchronous), so a call
 * allocates nothing once its buffers have grown to the largest message seen.
 */
export function createChatGuardModel(weights: Int16Array, params: ChatGuardParams): ChatGuardModel {
  if (weights.length !== CHAT_FEATURE_DIM) throw new Error('chat-guard model weights have the wrong size');
  const { bias, weightScale } = params;
  const stamps = new Uint32Array(CHAT_FEATURE_DIM);
  let stamp = 0;
  let norm = new Uint16Array(1024);
  let sum = 0;
  let count = 0;
  const add = (f: number): void => {
    if (stamps[f] === stamp) return;
    stamps[f] = stamp;
    sum += weights[f]!;
    count++;
  };

  function score(text: string, maxChars: number): number {
    const cap = Math.min(text.length, maxChars);
    if (norm.length < cap + 2) norm = new Uint16Array(cap + 2);
    const n = normaliseInto(text, maxChars, norm);
    if (++stamp === 0xffffffff) {
      stamps.fill(0);
      stamp = 1;
    }
    sum = 0;
    count = 0;
    forEachChatFeature(norm, n, add);
    const z = count > 0 ? bias + (weightScale * sum) / Math.sqrt(count) : bias;
    return 1 / (1 + Math.exp(-z));
  }

  return { version: params.version, threshold: params.threshold, score };
}
