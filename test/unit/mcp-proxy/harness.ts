import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { EventFactory } from '../../../gateways/mcp-proxy/events.ts';
import { ProxyMetrics } from '../../../gateways/mcp-proxy/metrics.ts';
import { PinStore } from '../../../gateways/mcp-proxy/pin-store.ts';
import { McpProxy } from '../../../gateways/mcp-proxy/proxy.ts';
import { PoisoningScanner } from '../../../gateways/mcp-proxy/tool-definitions.ts';
import { ToolGovernance } from '../../../gateways/mcp-proxy/tool-governance.ts';
import type { UpstreamServer } from '../../../gateways/mcp-proxy/upstreams.ts';
import type { AgentPolicyView, WardenDecision } from '../../../gateways/mcp-proxy/warden-client.ts';
import type { AgentEvent } from '../../../schemas/generated/agent-event.ts';
import { createLogger } from '../../../services/lib/logger.ts';

/** An upstream that is a real McpServer (official SDK) behind an in-memory transport pair: no network. */
export async function inMemoryUpstream(name: string, server: McpServer): Promise<UpstreamServer & { client: Client }> {
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 'proxy-under-test', version: '0' });
  await client.connect(a);
  return {
    name,
    target: `memory://${name}`,
    client,
    async listTools(): Promise<Tool[]> {
      return (await client.listTools()).tools;
    },
    async callTool(tool, args): Promise<CallToolResult> {
      return (await client.callTool({ name: tool, ...(args ? { arguments: args } : {}) })) as CallToolResult;
    },
  };
}

export interface Harness {
  proxy: McpProxy;
  events: AgentEvent[];
  metrics: ProxyMetrics;
  pins: PinStore;
  /** A real MCP client connected to the proxy's server for one session. */
  connect(): Promise<Client>;
}

export interface HarnessOptions {
  mode?: 'mirror' | 'enforce';
  failMode?: 'closed' | 'open';
  shadowing?: 'namespace' | 'refuse';
  check?: (e: AgentEvent) => Promise<WardenDecision>;
  policy?: () => Promise<AgentPolicyView | null>;
  dataDir?: string;
}

export const allow = async (e: AgentEvent): Promise<WardenDecision> => ({
  event_id: e.event_id,
  action: 'allow',
  reasons: [],
  findings: [],
});

export function buildHarness(upstreams: UpstreamServer[], o: HarnessOptions = {}): Harness {
  const log = createLogger('test', { level: 'silent' });
  const metrics = new ProxyMetrics();
  const events: AgentEvent[] = [];
  const emit = (e: AgentEvent) => events.push(e);
  const mode = o.mode ?? 'enforce';
  const factory = new EventFactory(
    {
      tenant_id: 'acme',
      agent_id: 'agent-1',
      agent_version: null,
      owner: null,
      environment: 'test',
      enforcement_point_id: 'mcp-proxy',
      mode,
    },
    64 * 1024,
  );
  const pins = new PinStore(o.dataDir ?? mkdtempSync(join(tmpdir(), 'mcp-proxy-unit-')), 'acme', 'agent-1');
  const governance = new ToolGovernance({
    pins,
    scanner: new PoisoningScanner(),
    events: factory,
    emit,
    policy: o.policy ?? (async () => null),
    agentId: 'agent-1',
    tenantId: 'acme',
    refreshMs: 0,
    log,
    metrics,
  });
  const proxy = new McpProxy({
    mode,
    failMode: o.failMode ?? 'closed',
    shadowing: o.shadowing ?? 'namespace',
    upstreams,
    governance,
    events: factory,
    emit,
    check: o.check ?? allow,
    log,
    metrics,
  });
  let n = 0;
  return {
    proxy,
    events,
    metrics,
    pins,
    async connect() {
      const [a, b] = InMemoryTransport.createLinkedPair();
      n += 1;
      await proxy.createServer('stdio', `session-${n}`).connect(b);
      const client = new Client({ name: 'agent-client', version: '1.0.0' });
      await client.connect(a);
      return client;
    },
  };
}
