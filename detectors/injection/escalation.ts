import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Severity } from '../finding.ts';
import { raiseSeverity } from '../finding.ts';
import type { Accepted } from '../pattern-detector.ts';

/** Content the agent fetched or was handed (web pages, files, API replies), not typed by its principal. */
export function isIndirectChannel(kind: AgentEvent['kind']): boolean {
  return kind === 'tool_result' || kind === 'data_access';
}

/**
 * Instructions inside fetched content are more dangerous than the same words typed by a user:
 * one severity step up and a higher score on indirect channels.
 */
export function escalate(kind: AgentEvent['kind'], severity: Severity, score: number, extra?: Accepted): Accepted {
  const indirect = isIndirectChannel(kind);
  // Object.assign, not `{ ...extra, severity, … }`: properties after a spread are ~1.5 µs each on
  // Node 20's V8 (see detectors/policy/decide.ts), and this runs for every injection finding.
  return Object.assign({}, extra, {
    severity: indirect ? raiseSeverity(severity) : severity,
    score: indirect ? Math.min(1, score + 0.05) : score,
    attributes: Object.assign({}, extra?.attributes, { channel: indirect ? 'indirect' : 'direct' }),
  });
}
