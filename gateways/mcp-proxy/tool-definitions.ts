import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Detector } from '../../detectors/detector.ts';
import { buildDetectorChain } from '../../detectors/registry.ts';
import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Finding } from '../../schemas/generated/finding.ts';

/** What of a tool the model reads and the proxy pins: a change to any of it is a new definition. */
export interface ToolDefinition {
  readonly server: string;
  readonly tool: Tool;
  /** sha256 hex of the canonical JSON of the pinned fields. */
  readonly sha256: string;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The fields a model sees: name, title, description, input/output schema and annotations. */
export function pinnedFields(tool: Tool): Record<string, unknown> {
  return {
    name: tool.name,
    title: tool.title ?? null,
    description: tool.description ?? null,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema ?? null,
    annotations: tool.annotations ?? null,
  };
}

/** Key order and whitespace do not change the hash; any character of a pinned field does. */
export function definitionHash(server: string, tool: Tool): string {
  const text = JSON.stringify(canonical({ server, ...pinnedFields(tool) }));
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function toDefinition(server: string, tool: Tool): ToolDefinition {
  return { server, tool, sha256: definitionHash(server, tool) };
}

/** Pin-store and approval identity of a tool: `<server>/<upstream tool name>`. */
export function toolKey(server: string, toolName: string): string {
  return `${server}/${toolName}`;
}

/**
 * The policy `actions` key that approves one definition (see README: approving a tool definition).
 * It names the tool so reviewers see what they approve, and carries 128 bits of the hash.
 */
export function approvalKey(d: ToolDefinition): string {
  return `mcp.tool_definition:${toolKey(d.server, d.tool.name)}:${d.sha256.slice(0, 32)}`;
}

/** Every string the model reads in a schema: keys, descriptions, titles, enum values, defaults. */
function schemaStrings(value: unknown, out: string[], depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') {
    out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) schemaStrings(v, out, depth + 1);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      schemaStrings(v, out, depth + 1);
    }
  }
}

/** The text scanned for hidden instructions: description first, then every string of the schemas. */
export function definitionText(tool: Tool): string {
  const parts: string[] = [];
  if (tool.title) parts.push(tool.title);
  if (tool.description) parts.push(tool.description);
  schemaStrings(tool.inputSchema, parts);
  if (tool.outputSchema) schemaStrings(tool.outputSchema, parts);
  return parts.join('\n');
}

export interface PoisoningVerdict {
  readonly poisoned: boolean;
  /** Injection findings on the definition text (masked evidence, as detectors emit it). */
  readonly findings: readonly Finding[];
}

/**
 * Tool poisoning check: warden's injection detectors (RE2 rules incl. invisible and tag Unicode, and
 * the classifier) on the definition text, judged as fetched content (kind tool_result), because a
 * description is text from a third party that the model reads as instructions.
 */
export class PoisoningScanner {
  readonly #chain: Detector[];

  constructor(chain: Detector[] = buildDetectorChain({ disabled: ['pii', 'secrets'] })) {
    this.#chain = chain;
  }

  scan(d: ToolDefinition, base: Pick<AgentEvent, 'tenant_id' | 'agent_id' | 'session_id'>): PoisoningVerdict {
    const text = definitionText(d.tool);
    const event: AgentEvent = {
      event_id: `tooldef-${d.sha256.slice(0, 26)}`,
      ts: Date.now(),
      tenant_id: base.tenant_id,
      agent_id: base.agent_id,
      agent_version: null,
      owner: null,
      environment: 'production',
      session_id: base.session_id,
      trace_id: null,
      span_id: null,
      kind: 'tool_result',
      model: null,
      tool: { name: d.tool.name, target: d.server, mode: null, arguments: null },
      content: { text, truncated: false, length: Buffer.byteLength(text), sha256: '' },
      usage: null,
      principal: null,
      source: { enforcement_point_id: 'mcp-proxy', mode: 'inline' },
      data_classes: [],
      attributes: {},
    };
    const findings = this.#chain.flatMap((det) => det.detect(event)).filter((f) => f.type.startsWith('injection.'));
    return { poisoned: findings.some(isPoisoningFinding), findings };
  }
}

/** Invisible/tag characters have no business in a tool definition at any severity; other rules from high up. */
export function isPoisoningFinding(f: Pick<Finding, 'type' | 'severity'>): boolean {
  if (f.type === 'injection.invisible_unicode') return true;
  return f.severity === 'high' || f.severity === 'critical';
}
