import type { AgentEvent, DevWardenV1 } from '../../../schemas/generated/agent-event.ts';

/** A minimal valid AgentEvent carrying `text` as content (and optionally tool arguments). */
export function makeEvent(
  text: string | null,
  kind: DevWardenV1.EventKind = 'model_request',
  toolArguments: string | null = null,
  eventId = '01JDXK6V7Q4M2N8P0R5S3T9W1Y',
): AgentEvent {
  return {
    event_id: eventId,
    ts: 1_764_000_000_000,
    tenant_id: 'tenant-a',
    agent_id: 'agent-1',
    agent_version: null,
    owner: null,
    environment: 'test',
    session_id: 'session-1',
    trace_id: null,
    span_id: null,
    kind,
    model: null,
    tool: toolArguments === null ? null : { name: 'http.get', target: null, mode: null, arguments: toolArguments },
    content: text === null ? null : { text, truncated: false, length: text.length, sha256: '' },
    usage: null,
    principal: null,
    source: { enforcement_point_id: 'ep-1', mode: 'inline' },
    data_classes: [],
    attributes: {},
  };
}
