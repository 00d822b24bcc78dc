import { readFileSync } from 'node:fs';
import type { AgentEvent } from '../../../schemas/generated/agent-event.ts';
import type { Finding } from '../../../schemas/generated/finding.ts';
import type { Detector, DetectorConfig, DetectorFactory } from '../../detector.ts';
import { buildFinding } from '../../finding.ts';
import { type ChatGuardModel, type ChatGuardModelFile, loadChatGuardModel } from './model.ts';

const MODEL_URL = new URL('../model/chat-guard-lr.json', import.meta.url);
const ID = 'injection.chat_guard';

/** Reads the committed weights. Done once per factory call (worker start), never per event. */
export function readChatGuardModelFile(url: URL = MODEL_URL): ChatGuardModelFile {
  return JSON.parse(readFileSync(url, 'utf8')) as ChatGuardModelFile;
}

/**
 * `agent_id`, `tenant_id/agent_id` or `*`. Agent ids are unique per tenant only, so the qualified
 * form is the precise one; the bare form is for single-tenant set-ups.
 */
export function chatGuardSelects(selectors: readonly string[], e: Pick<AgentEvent, 'tenant_id' | 'agent_id'>): boolean {
  for (const s of selectors) {
    if (s === '*' || s === e.agent_id || s === `${e.tenant_id}/${e.agent_id}`) return true;
  }
  return false;
}

export function createChatGuardDetectorFromModel(model: ChatGuardModel, cfg: DetectorConfig): Detector {
  const version = `1.0.0+model.${model.version}`;
  const selectors = cfg.chatGuardAgents;
  function detect(e: AgentEvent): Finding[] {
    // Only what a user typed to a purpose-bound assistant: the request's prompt, never fetched
    // content or model output (see scripts/train-chat-guard-model.ts for why).
    const text = e.content?.text;
    if (e.kind !== 'model_request' || !text || !chatGuardSelects(selectors, e)) return [];
    const p = model.score(text, cfg.chatGuardMaxChars);
    if (p < model.threshold) return [];
    const scored = Math.min(text.length, cfg.chatGuardMaxChars);
    return [
      buildFinding(e, {
        detector: ID,
        detectorVersion: version,
        type: ID,
        severity: p >= 0.9 ? 'high' : 'medium',
        score: p,
        spans: [{ field: 'content.text', start: 0, end: text.length }],
        evidence: `chat-guard classifier p=${p.toFixed(3)} (threshold ${model.threshold})`,
        attributes: {
          channel: 'direct',
          probability: p.toFixed(4),
          ...(scored < text.length ? { scan_truncated: 'true', scanned_chars: String(scored) } : {}),
        },
      }),
    ];
  }
  return { id: ID, version, detect };
}

/**
 * Off-task / role-switch classifier for purpose-bound chat assistants, opt-in per agent through
 * `chatGuardAgents` (DETECT_CHAT_GUARD_AGENTS). The default chain leaves it out when no agent is
 * selected (registry.ts), so the model is only loaded when it can fire.
 */
export const createChatGuardDetector: DetectorFactory = (cfg) =>
  createChatGuardDetectorFromModel(loadChatGuardModel(readChatGuardModelFile()), cfg);
