import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ulid } from 'ulid';
import type { AgentEvent } from '../../schemas/generated/agent-event.ts';
import type { Logger } from '../../services/lib/logger.ts';
import type { ProxyConfig } from './config.ts';
import { EventFactory } from './events.ts';
import { type RunningHttpListener, startHttpListener } from './http-listener.ts';
import { ProxyMetrics } from './metrics.ts';
import { MirrorQueue } from './mirror-queue.ts';
import { PinStore } from './pin-store.ts';
import { McpProxy } from './proxy.ts';
import { PoisoningScanner } from './tool-definitions.ts';
import { ToolGovernance } from './tool-governance.ts';
import { Upstream } from './upstreams.ts';
import { WardenClient } from './warden-client.ts';

export interface RunningMcpProxy {
  /** Streamable HTTP endpoint, when listen.http is configured. */
  readonly httpUrl: string | null;
  readonly proxy: McpProxy;
  readonly metrics: ProxyMetrics;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Streams for the stdio listener; the process's own stdin/stdout by default. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout?: NodeJS.WritableStream;
}

/** Builds every part from the config and starts the listeners; main.ts and tests call it. */
export async function startMcpProxy(
  config: Readonly<ProxyConfig>,
  log: Logger,
  o: StartOptions = {},
): Promise<RunningMcpProxy> {
  const metrics = new ProxyMetrics();
  const warden = new WardenClient({
    ...(config.warden.decision_url ? { decisionUrl: config.warden.decision_url.replace(/\/$/, '') } : {}),
    ingestUrl: config.warden.ingest_url.replace(/\/$/, ''),
    ...(config.warden.api_url ? { apiUrl: config.warden.api_url.replace(/\/$/, '') } : {}),
    wardenKey: config.wardenKey,
    apiKey: config.apiKey,
    timeoutMs: config.warden.timeout_ms,
  });
  const mirror = new MirrorQueue(warden, {
    maxQueue: config.mirror.max_queue,
    maxBatch: config.mirror.max_batch,
    flushIntervalMs: config.mirror.flush_interval_ms,
    log: log.child({ component: 'mirror' }),
    metrics,
  });
  const emit = (e: AgentEvent) => mirror.push(e);
  const events = new EventFactory(
    {
      tenant_id: config.tenant_id,
      agent_id: config.agent_id,
      agent_version: config.agent_version ?? null,
      owner: config.owner ?? null,
      environment: config.environment,
      enforcement_point_id: config.enforcement_point_id,
      mode: config.mode,
    },
    config.mirror.max_content_chars,
  );
  const pins = new PinStore(config.dataDir, config.tenant_id, config.agent_id);
  const governance = new ToolGovernance({
    pins,
    scanner: new PoisoningScanner(),
    events,
    emit,
    policy: () => warden.agentPolicy(config.agent_id),
    agentId: config.agent_id,
    tenantId: config.tenant_id,
    refreshMs: config.warden.approval_refresh_ms,
    log: log.child({ component: 'tool-governance' }),
    metrics,
  });
  let proxy: McpProxy | null = null;
  const upstreams = config.servers.map(
    (s) =>
      new Upstream(s, config.upstream_timeout_ms, log.child({ component: 'upstream' }), () => {
        void proxy?.toolsChanged();
      }),
  );
  proxy = new McpProxy({
    mode: config.mode,
    failMode: config.fail_mode,
    shadowing: config.shadowing,
    upstreams,
    governance,
    events,
    emit,
    check: (e) => warden.check(e),
    log: log.child({ component: 'proxy' }),
    metrics,
  });
  // Connect eagerly so a broken server shows in the log at start; a failed one is retried on use.
  await Promise.all(
    upstreams.map((u) =>
      u.connect().catch((err: unknown) => {
        log.error({ err, server: u.name, code: 'MCP_PROXY_UPSTREAM_UNAVAILABLE' }, 'upstream not available yet');
      }),
    ),
  );

  let http: RunningHttpListener | null = null;
  if (config.listen.http) {
    const h = config.listen.http;
    http = await startHttpListener({
      host: h.host,
      port: h.port,
      path: h.path,
      keyHashes: h.api_key_sha256.map((x) => Buffer.from(x, 'hex')),
      maxBodyBytes: h.max_body_bytes,
      sessionIdleMs: h.session_idle_ms,
      proxy,
      metrics,
      log: log.child({ component: 'http' }),
    });
  }
  if (config.listen.stdio) {
    const server = proxy.createServer('stdio', `stdio-${ulid()}`);
    const transport = new StdioServerTransport(
      (o.stdin ?? process.stdin) as NodeJS.ReadStream,
      (o.stdout ?? process.stdout) as NodeJS.WriteStream,
    );
    await server.connect(transport);
  }
  log.info(
    {
      mode: config.mode,
      http: http?.url ?? null,
      stdio: config.listen.stdio,
      servers: upstreams.map((u) => u.name),
      pins: pins.path,
    },
    'MCP proxy ready',
  );
  const running = proxy;
  return {
    httpUrl: http?.url ?? null,
    proxy: running,
    metrics,
    async stop() {
      await http?.close();
      await running.close();
      await Promise.allSettled(upstreams.map((u) => u.close()));
      await mirror.drain(5000);
      log.info('MCP proxy stopped');
    },
  };
}
