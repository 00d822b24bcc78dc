import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { WardenError } from '../../services/lib/errors.ts';
import type { Logger } from '../../services/lib/logger.ts';
import { isStdioUpstream, type UpstreamConfig } from './config.ts';

export const PROXY_INFO = { name: 'warden-mcp-proxy', version: '0.1.0' } as const;

/** What the proxy needs of an upstream MCP server. */
export interface UpstreamServer {
  readonly name: string;
  /** Where calls go, for the events' tool.target. */
  readonly target: string;
  listTools(): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult>;
}

/** One upstream MCP server the proxy is a client of (stdio child process or Streamable HTTP). */
export class Upstream implements UpstreamServer {
  readonly name: string;
  /** Where calls go, for the events' tool.target: the URL, or the command line. */
  readonly target: string;
  #client: Client | null = null;
  #connecting: Promise<Client> | null = null;

  constructor(
    private readonly cfg: UpstreamConfig,
    private readonly timeoutMs: number,
    private readonly log: Logger,
    private readonly onToolsChanged: (server: string) => void,
  ) {
    this.name = cfg.name;
    this.target = isStdioUpstream(cfg) ? [cfg.command, ...cfg.args].join(' ') : cfg.url;
  }

  get connected(): boolean {
    return this.#client !== null;
  }

  /** Connects once; a failed attempt is retried on the next use instead of failing the proxy. */
  connect(): Promise<Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<Client> {
    const cfg = this.cfg;
    const transport = isStdioUpstream(cfg)
      ? new StdioClientTransport({
          command: cfg.command,
          args: cfg.args,
          // Only the SDK's safe defaults (PATH, HOME, …) and what the config names: the proxy's own
          // secrets never reach an upstream server.
          env: { ...getDefaultEnvironment(), ...cfg.env },
          ...(cfg.cwd ? { cwd: cfg.cwd } : {}),
          stderr: 'inherit',
        })
      : new StreamableHTTPClientTransport(new URL(cfg.url), { requestInit: { headers: cfg.headers } });
    const client = new Client(PROXY_INFO, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.onToolsChanged(this.name));
    client.onclose = () => {
      if (this.#client === client) {
        this.#client = null;
        this.log.warn({ server: this.name, code: 'MCP_PROXY_UPSTREAM_UNAVAILABLE' }, 'upstream connection closed');
      }
    };
    try {
      await client.connect(transport, { timeout: this.timeoutMs });
    } catch (err) {
      await client.close().catch(() => undefined);
      throw new WardenError(
        'MCP_PROXY_UPSTREAM_UNAVAILABLE',
        `${this.name} (${this.target}): ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.#client = client;
    this.log.info({ server: this.name, upstream: client.getServerVersion() }, 'upstream connected');
    return client;
  }

  /** Every tool of the server, following pagination. */
  async listTools(): Promise<Tool[]> {
    const client = await this.connect();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: this.timeoutMs });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
    const client = await this.connect();
    const result = await client.callTool(
      { name, ...(args === undefined ? {} : { arguments: args }) },
      CallToolResultSchema,
      { timeout: this.timeoutMs },
    );
    return result as CallToolResult;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.close();
  }
}
