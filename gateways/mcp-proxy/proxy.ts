import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import { isWardenError, WardenError } from '../../services/lib/errors.ts';
import type { Logger } from '../../services/lib/logger.ts';
import type { EventFactory } from './events.ts';
import type { ProxyMetrics } from './metrics.ts';
import { buildCatalog, type Catalog, type ServerTools } from './tool-catalog.ts';
import { approvalKey } from './tool-definitions.ts';
import type { ReviewedTool, ToolGovernance } from './tool-governance.ts';
import { PROXY_INFO, type UpstreamServer } from './upstreams.ts';
import { isDenied, type WardenDecision } from './warden-client.ts';

export interface ProxyDeps {
  readonly mode: 'mirror' | 'enforce';
  readonly failMode: 'closed' | 'open';
  readonly shadowing: 'namespace' | 'refuse';
  readonly upstreams: readonly UpstreamServer[];
  readonly governance: ToolGovernance;
  readonly events: EventFactory;
  readonly emit: (e: AgentEvent) => void;
  readonly check: (e: AgentEvent) => Promise<WardenDecision>;
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
}

/** Where the proxy's own data goes in `_meta` of a refused result (reverse-DNS prefix, as MCP asks). */
export const DECISION_META_KEY = 'dev.warden/decision';

type Args = Record<string, unknown> | undefined;

function refusal(
  code: 'MCP_PROXY_TOOL_BLOCKED' | 'MCP_PROXY_TOOL_UNAPPROVED' | 'MCP_PROXY_WARDEN_UNAVAILABLE',
  text: string,
  meta: Record<string, unknown>,
): CallToolResult {
  // A refusal is a tool execution error (isError), not a JSON-RPC error: the MCP spec reserves
  // protocol errors for unknown tools and malformed requests, and the model must read why it was
  // refused to choose what to do next.
  return { content: [{ type: 'text', text }], isError: true, _meta: { [DECISION_META_KEY]: { code, ...meta } } };
}

function describeDecision(d: WardenDecision): string {
  const evidence = d.findings
    .filter((f) => d.reasons.includes(f.type))
    .map((f) => `${f.type}: ${f.evidence}`)
    .slice(0, 5);
  const policy = d.policy ? ` (policy ${d.policy.id} v${d.policy.version})` : '';
  return `${d.action}: ${d.reasons.join(', ')}${policy}${evidence.length > 0 ? ` — ${evidence.join('; ')}` : ''}`;
}

/** JSON text of the parts of a result warden judges and may redact. */
function resultText(r: CallToolResult): string {
  return JSON.stringify({ content: r.content, structuredContent: r.structuredContent ?? null });
}

/**
 * The proxy's MCP logic, shared by every downstream session (stdio or Streamable HTTP): aggregates the
 * upstream servers' tools, mirrors initialize, tools/list and tools/call with their results to warden,
 * and in enforce mode asks warden's decision endpoint before forwarding a call and before returning a
 * result (block or redact).
 */
export class McpProxy {
  readonly #d: ProxyDeps;
  #catalog: Catalog = { tools: new Map(), shadowing: [] };
  readonly #lastTools = new Map<string, ServerTools>();
  readonly #servers = new Set<Server>();

  constructor(deps: ProxyDeps) {
    this.#d = deps;
  }

  /** Lists every upstream (a failing one keeps its last known tools) and reviews the definitions. */
  async refresh(sessionId: string): Promise<ReviewedTool[]> {
    const lists = await Promise.all(
      this.#d.upstreams.map(async (u): Promise<ServerTools> => {
        try {
          const tools = { server: u.name, tools: await u.listTools() };
          this.#lastTools.set(u.name, tools);
          return tools;
        } catch (err) {
          this.#d.log.error(
            { err, server: u.name, code: isWardenError(err) ? err.code : 'MCP_PROXY_UPSTREAM_UNAVAILABLE' },
            'tools/list failed upstream; using its last known tools',
          );
          return this.#lastTools.get(u.name) ?? { server: u.name, tools: [] };
        }
      }),
    );
    this.#catalog = buildCatalog(lists, this.#d.shadowing);
    return this.#d.governance.review(this.#catalog, sessionId);
  }

  /** Tools the agent is shown: in enforce mode an unapproved definition is withheld, so the model never reads it. */
  async listTools(sessionId: string): Promise<Tool[]> {
    const reviewed = await this.refresh(sessionId);
    const visible: Tool[] = [];
    for (const r of reviewed) {
      if (this.#d.mode === 'enforce' && !(await this.#d.governance.approved(r, sessionId))) continue;
      visible.push({ ...r.exposed.tool, name: r.exposed.name });
    }
    this.#d.emit(
      this.#d.events.build({
        kind: 'tool_result',
        sessionId,
        tool: { name: 'tools/list', target: null },
        text: JSON.stringify(
          reviewed.map((r) => ({
            name: r.exposed.name,
            server: r.exposed.server,
            sha256: r.definition.sha256,
            state: r.state,
          })),
        ),
        attributes: {
          'mcp.method': 'tools/list',
          'mcp.tools_offered': String(reviewed.length),
          'mcp.tools_exposed': String(visible.length),
        },
      }),
    );
    return visible;
  }

  async callTool(sessionId: string, name: string, args: Args): Promise<CallToolResult> {
    let reviewed = this.#d.governance.get(name);
    if (reviewed === undefined) {
      await this.refresh(sessionId);
      reviewed = this.#d.governance.get(name);
    }
    if (reviewed === undefined) {
      this.#d.metrics.toolCalls.inc({ outcome: 'unknown' });
      const err = new WardenError('MCP_PROXY_TOOL_UNKNOWN', name);
      throw new McpError(ErrorCode.InvalidParams, `${err.code}: ${err.message}`);
    }
    const { exposed } = reviewed;
    const upstream = this.#d.upstreams.find((u) => u.name === exposed.server)!;
    const tool = { name: exposed.tool.name, target: upstream.target };
    const attributes = { 'mcp.method': 'tools/call', 'mcp.server': exposed.server, 'mcp.exposed_name': exposed.name };
    const call = this.#d.events.build({
      kind: 'tool_call',
      sessionId,
      tool: { ...tool, arguments: JSON.stringify(args ?? {}) },
      attributes,
    });

    if (!(await this.#d.governance.approved(reviewed, sessionId))) {
      const why =
        reviewed.state === 'changed'
          ? `the definition of ${exposed.name} changed since it was approved (rug pull: sha256 ${reviewed.previousSha256?.slice(0, 12)} → ${reviewed.definition.sha256.slice(0, 12)})`
          : `the definition of ${exposed.name} carries hidden instructions (tool poisoning: ${[...new Set(reviewed.poisoning.findings.map((f) => f.type))].join(', ')})`;
      const finding = reviewed.state === 'changed' ? 'mcp.tool_rug_pull' : 'mcp.tool_poisoning';
      if (this.#d.mode === 'enforce') {
        this.#d.metrics.toolCalls.inc({ outcome: 'unapproved' });
        this.#d.emit({
          ...call,
          attributes: { ...call.attributes, 'mcp.outcome': 'unapproved', 'mcp.finding': finding },
        });
        const key = approvalKey(reviewed.definition);
        return refusal(
          'MCP_PROXY_TOOL_UNAPPROVED',
          `Refused by warden: ${why}. It stays blocked until re-approved through four-eyes (policy action ${key} = allow).`,
          { reasons: [finding], approval_key: key, event_id: call.event_id },
        );
      }
    }

    let forwardArgs = args;
    if (this.#d.mode === 'enforce') {
      const decided = await this.#decide(call);
      if ('refused' in decided) {
        this.#d.emit({ ...call, attributes: { ...call.attributes, ...decided.attributes } });
        return decided.refused;
      }
      if (decided.decision.action === 'redact' && decided.decision.redactedArguments !== undefined) {
        try {
          forwardArgs = JSON.parse(decided.decision.redactedArguments) as Args;
        } catch {
          this.#d.metrics.toolCalls.inc({ outcome: 'blocked' });
          return refusal('MCP_PROXY_TOOL_BLOCKED', 'Refused by warden: the redacted arguments are no longer JSON.', {
            action: 'block',
            reasons: decided.decision.reasons,
            event_id: call.event_id,
          });
        }
      }
      this.#d.emit({ ...call, attributes: { ...call.attributes, 'warden.action': decided.decision.action } });
    } else this.#d.emit(call);

    let result: CallToolResult;
    try {
      result = await upstream.callTool(exposed.tool.name, forwardArgs);
    } catch (err) {
      this.#d.metrics.toolCalls.inc({ outcome: 'upstream_error' });
      if (err instanceof McpError) throw err;
      const e = new WardenError('MCP_PROXY_UPSTREAM_UNAVAILABLE', `${exposed.server}: ${(err as Error).message}`, {
        cause: err,
      });
      this.#d.log.error({ err, code: e.code, server: exposed.server }, 'upstream tools/call failed');
      throw new McpError(ErrorCode.InternalError, `${e.code}: ${e.message}`);
    }
    return this.#judgeResult(sessionId, tool, attributes, call.event_id, result, forwardArgs !== args);
  }

  async #judgeResult(
    sessionId: string,
    tool: { name: string; target: string },
    attributes: Record<string, string>,
    callEventId: string,
    result: CallToolResult,
    argsRedacted: boolean,
  ): Promise<CallToolResult> {
    const event = this.#d.events.build({
      kind: 'tool_result',
      sessionId,
      tool,
      text: resultText(result),
      attributes: { ...attributes, 'mcp.call_event_id': callEventId, 'mcp.is_error': String(result.isError === true) },
    });
    if (this.#d.mode !== 'enforce') {
      this.#d.emit(event);
      this.#d.metrics.toolCalls.inc({ outcome: 'forwarded' });
      return result;
    }
    const decided = await this.#decide(event);
    if ('refused' in decided) {
      this.#d.emit({ ...event, attributes: { ...event.attributes, ...decided.attributes } });
      return decided.refused;
    }
    this.#d.emit({ ...event, attributes: { ...event.attributes, 'warden.action': decided.decision.action } });
    const redacted = decided.decision.action === 'redact' ? decided.decision.redactedText : undefined;
    if (redacted !== undefined) {
      try {
        const parsed = JSON.parse(redacted) as { content: CallToolResult['content']; structuredContent: unknown };
        this.#d.metrics.toolCalls.inc({ outcome: 'redacted' });
        return {
          ...result,
          content: parsed.content,
          ...(parsed.structuredContent === null
            ? {}
            : { structuredContent: parsed.structuredContent as CallToolResult['structuredContent'] }),
        };
      } catch {
        this.#d.metrics.toolCalls.inc({ outcome: 'blocked' });
        return refusal('MCP_PROXY_TOOL_BLOCKED', 'Result withheld by warden: the redacted result is no longer JSON.', {
          action: 'block',
          reasons: decided.decision.reasons,
          event_id: event.event_id,
        });
      }
    }
    this.#d.metrics.toolCalls.inc({ outcome: argsRedacted ? 'redacted' : 'forwarded' });
    return result;
  }

  /** Warden's decision, or the refusal to return (denied, or no decision with fail_mode closed). */
  async #decide(
    event: AgentEvent,
  ): Promise<{ decision: WardenDecision } | { refused: CallToolResult; attributes: Record<string, string> }> {
    const what = event.kind === 'tool_call' ? 'call' : 'result';
    let decision: WardenDecision;
    try {
      decision = await this.#d.check(event);
    } catch (err) {
      this.#d.metrics.decisionErrors.inc();
      const code = isWardenError(err) ? err.code : 'MCP_PROXY_WARDEN_UNAVAILABLE';
      this.#d.log.error({ err, code, event_id: event.event_id }, 'no decision from warden');
      if (this.#d.failMode === 'open')
        return { decision: { event_id: event.event_id, action: 'allow', reasons: [], findings: [] } };
      this.#d.metrics.toolCalls.inc({ outcome: 'blocked' });
      return {
        refused: refusal(
          'MCP_PROXY_WARDEN_UNAVAILABLE',
          `Refused: warden's decision endpoint did not answer, and this proxy fails closed (${(err as Error).message}).`,
          { action: 'block', reasons: ['MCP_PROXY_WARDEN_UNAVAILABLE'], event_id: event.event_id },
        ),
        attributes: { 'mcp.outcome': 'no_decision' },
      };
    }
    if (!isDenied(decision)) return { decision };
    this.#d.metrics.toolCalls.inc({ outcome: 'blocked' });
    const text =
      what === 'call'
        ? `Blocked by warden (${describeDecision(decision)}). The call was not forwarded.`
        : `Result withheld by warden (${describeDecision(decision)}).`;
    return {
      refused: refusal('MCP_PROXY_TOOL_BLOCKED', text, {
        action: decision.action,
        reasons: decision.reasons,
        event_id: event.event_id,
        ...(decision.policy ? { policy: decision.policy } : {}),
      }),
      attributes: {
        'mcp.outcome': 'blocked',
        'warden.action': decision.action,
        'warden.reasons': decision.reasons.join(','),
      },
    };
  }

  /** An MCP server for one downstream session; `sessionId` is the MCP session id (made up for stdio, which has none). */
  createServer(transport: 'stdio' | 'http', sessionId: string): Server {
    const server = new Server(PROXY_INFO, {
      capabilities: { tools: { listChanged: true } },
      instructions: 'Tools of several MCP servers, governed by warden: calls and results are checked and recorded.',
    });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await this.listTools(sessionId) }));
    server.setRequestHandler(CallToolRequestSchema, async (req) =>
      this.callTool(sessionId, req.params.name, req.params.arguments),
    );
    server.oninitialized = () => {
      const client = server.getClientVersion();
      this.#d.emit(
        this.#d.events.build({
          kind: 'agent_start',
          sessionId,
          attributes: {
            'mcp.method': 'initialize',
            'mcp.transport': transport,
            'mcp.client.name': client?.name ?? '',
            'mcp.client.version': client?.version ?? '',
            'mcp.upstreams': this.#d.upstreams.map((u) => u.name).join(','),
          },
        }),
      );
    };
    server.onclose = () => {
      this.#servers.delete(server);
    };
    this.#servers.add(server);
    return server;
  }

  /** Tells every downstream session that the tool list changed (an upstream said so). */
  async toolsChanged(): Promise<void> {
    await Promise.allSettled([...this.#servers].map((s) => s.sendToolListChanged()));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#servers].map((s) => s.close()));
  }
}
