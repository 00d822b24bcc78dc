import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isConfigId } from '../../services/lib/api-keys.ts';
import { readEnv } from '../../services/lib/env-config.ts';
import { WardenError } from '../../services/lib/errors.ts';

/** Names of upstream servers become tool-name prefixes (`<server>__<tool>`), so they stay short and plain. */
const SERVER_NAME = '^[A-Za-z0-9_-]{1,32}$';

const StdioServer = Type.Object(
  {
    name: Type.String({ pattern: SERVER_NAME, description: 'Short name; prefix of its tools when namespaced' }),
    command: Type.String({ minLength: 1, description: 'Executable of a stdio MCP server' }),
    args: Type.Array(Type.String(), { default: [] }),
    env: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Extra environment of the server' }),
    cwd: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const HttpServer = Type.Object(
  {
    name: Type.String({ pattern: SERVER_NAME }),
    url: Type.String({ pattern: '^https?://', description: 'Streamable HTTP endpoint of an MCP server' }),
    headers: Type.Record(Type.String(), Type.String(), {
      default: {},
      description: 'Extra request headers; a value `env:NAME` is read from the environment variable NAME',
    }),
  },
  { additionalProperties: false },
);

/** The config file (JSON). Units are in the names; unknown fields are refused, not ignored. */
export const ProxyFileSchema = Type.Object(
  {
    tenant_id: Type.String({ minLength: 1, maxLength: 128 }),
    agent_id: Type.String({ minLength: 1, maxLength: 200, description: 'The agent whose MCP traffic this is' }),
    agent_version: Type.Optional(Type.String({ minLength: 1 })),
    owner: Type.Optional(Type.String({ minLength: 1 })),
    environment: Type.String({ default: 'production' }),
    enforcement_point_id: Type.String({ default: 'mcp-proxy', description: 'source.enforcement_point_id' }),
    mode: Type.Union([Type.Literal('mirror'), Type.Literal('enforce')], {
      default: 'enforce',
      description: 'mirror: observe only; enforce: ask warden before every call and result',
    }),
    fail_mode: Type.Union([Type.Literal('closed'), Type.Literal('open')], {
      default: 'closed',
      description: 'enforce mode, decision endpoint down: closed refuses calls, open forwards them',
    }),
    shadowing: Type.Union([Type.Literal('namespace'), Type.Literal('refuse')], {
      default: 'namespace',
      description: 'A tool name offered by several servers: expose each as <server>__<tool>, or expose none',
    }),
    data_dir: Type.String({ default: '.warden/mcp-proxy', description: 'Pin store; relative to the config file' }),
    listen: Type.Object(
      {
        stdio: Type.Boolean({ default: true, description: "Serve the agent's MCP client on stdin/stdout" }),
        http: Type.Optional(
          Type.Object(
            {
              host: Type.String({ default: '127.0.0.1' }),
              port: Type.Integer({ minimum: 0, maximum: 65535, default: 8930, description: '0 picks a free port' }),
              path: Type.String({ default: '/mcp', pattern: '^/' }),
              api_key_sha256: Type.Array(Type.String({ pattern: '^[0-9a-fA-F]{64}$' }), {
                minItems: 1,
                description: 'sha256 of each key MCP clients may present as Authorization: Bearer <key>',
              }),
              max_body_bytes: Type.Integer({ minimum: 1024, default: 4 * 1024 * 1024 }),
              session_idle_ms: Type.Integer({
                minimum: 1000,
                default: 30 * 60_000,
                description: 'A session without requests for this long is closed (clients that vanish without DELETE)',
              }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    warden: Type.Object(
      {
        decision_url: Type.Optional(Type.String({ pattern: '^https?://', description: 'services/decision base URL' })),
        ingest_url: Type.String({ pattern: '^https?://', description: 'services/ingest base URL' }),
        api_url: Type.Optional(
          Type.String({ pattern: '^https?://', description: 'services/api base URL, where approvals are read' }),
        ),
        timeout_ms: Type.Integer({ minimum: 10, default: 2000, description: 'Per decision/approval request' }),
        approval_refresh_ms: Type.Integer({
          minimum: 0,
          default: 5000,
          description: 'How long an approval lookup is reused before the API is asked again',
        }),
      },
      { additionalProperties: false },
    ),
    mirror: Type.Object(
      {
        max_queue: Type.Integer({ minimum: 1, default: 10_000, description: 'Events waiting for ingest' }),
        max_batch: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
        flush_interval_ms: Type.Integer({ minimum: 1, default: 200 }),
        max_content_chars: Type.Integer({ minimum: 256, default: 64 * 1024 }),
      },
      { additionalProperties: false, default: {} },
    ),
    upstream_timeout_ms: Type.Integer({ minimum: 100, default: 60_000, description: 'Per upstream request' }),
    servers: Type.Array(Type.Union([StdioServer, HttpServer]), { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type ProxyFile = Static<typeof ProxyFileSchema>;
export type UpstreamConfig = ProxyFile['servers'][number];
export type StdioUpstream = Static<typeof StdioServer>;
export type HttpUpstream = Static<typeof HttpServer>;

export function isStdioUpstream(s: UpstreamConfig): s is StdioUpstream {
  return 'command' in s;
}

/** Secrets and the file's path come from the environment, never from the file. */
const ProxyEnv = Type.Object({
  MCP_PROXY_CONFIG: Type.Optional(Type.String({ minLength: 1, description: 'Path of the JSON config file' })),
  MCP_PROXY_WARDEN_KEY: Type.String({
    minLength: 1,
    description: 'Enforcement-point key for the decision and ingest APIs (INGEST_API_KEYS / DECISION_API_KEYS)',
  }),
  MCP_PROXY_API_KEY: Type.Optional(
    Type.String({ minLength: 1, description: 'Governance API key (role analyst) to read tool approvals' }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export interface ProxyConfig extends ProxyFile {
  /** Absolute data directory. */
  readonly dataDir: string;
  readonly wardenKey: string;
  readonly apiKey: string | null;
  readonly logLevel: string;
  readonly configPath: string;
}

/** Allowed values of a union of literals, for a message better than "Expected union value". */
function literals(schema: { anyOf?: { const?: unknown }[] }): string | null {
  const values = schema.anyOf?.map((s) => s.const);
  return values?.every((v) => typeof v === 'string') ? values.join(', ') : null;
}

function problemsOf(value: unknown): string[] {
  const out: string[] = [];
  for (const e of Value.Errors(ProxyFileSchema, value)) {
    const at = e.path || '(root)';
    const server = /^\/servers\/(\d+)$/.exec(e.path);
    if (server) {
      // Say what is wrong with the entry as the kind it looks like, not that it matches neither kind.
      const entry = (value as { servers: unknown[] }).servers[Number(server[1])];
      const kind = entry !== null && typeof entry === 'object' && 'command' in entry ? StdioServer : HttpServer;
      if (entry === null || typeof entry !== 'object' || (!('command' in entry) && !('url' in entry))) {
        out.push(`${at}: needs command (a stdio server) or url (a Streamable HTTP server)`);
      } else for (const sub of Value.Errors(kind, entry)) out.push(`${at}${sub.path}: ${sub.message}`);
      continue;
    }
    const allowed = literals(e.schema as { anyOf?: { const?: unknown }[] });
    out.push(`${at}: ${allowed ? `must be one of ${allowed} (got ${JSON.stringify(e.value)})` : e.message}`);
  }
  return [...new Set(out)];
}

/** Cross-field rules the schema cannot say; every problem is collected. */
function semanticProblems(f: ProxyFile, apiKey: string | null): string[] {
  const out: string[] = [];
  if (!isConfigId(f.tenant_id)) out.push('/tenant_id: may hold only letters, digits, . _ -');
  if (!isConfigId(f.enforcement_point_id)) out.push('/enforcement_point_id: may hold only letters, digits, . _ -');
  const seen = new Set<string>();
  f.servers.forEach((s, i) => {
    if (seen.has(s.name)) out.push(`/servers/${i}/name: ${s.name} is used twice`);
    seen.add(s.name);
  });
  if (f.mode === 'enforce' && f.warden.decision_url === undefined) {
    out.push('/warden/decision_url: required with mode enforce (the proxy asks it before every call)');
  }
  if (!f.listen.stdio && f.listen.http === undefined) out.push('/listen: enable stdio, http or both');
  if (f.warden.api_url !== undefined && apiKey === null) {
    out.push('MCP_PROXY_API_KEY: required when warden.api_url is set (approvals are read with it)');
  }
  return out;
}

/**
 * Reads the config file named by `--config <path>` or MCP_PROXY_CONFIG, validates it with its defaults,
 * and the environment; reports every problem at once and returns a frozen result.
 */
export function loadProxyConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Readonly<ProxyConfig> {
  const e = readEnv(ProxyEnv, env);
  const flag = argv.indexOf('--config');
  const path = flag >= 0 ? argv[flag + 1] : e.MCP_PROXY_CONFIG;
  if (path === undefined || path.length === 0) {
    throw new WardenError('CONFIG_INVALID', '\n  - pass --config <file.json> or set MCP_PROXY_CONFIG');
  }
  const configPath = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (err) {
    throw new WardenError('CONFIG_INVALID', `\n  - ${configPath}: ${(err as Error).message}`, { cause: err });
  }
  return parseProxyConfig(
    raw,
    configPath,
    { wardenKey: e.MCP_PROXY_WARDEN_KEY, apiKey: e.MCP_PROXY_API_KEY ?? null, logLevel: e.LOG_LEVEL },
    env,
  );
}

/** Validates a parsed config file; `configPath` anchors a relative data_dir. */
export function parseProxyConfig(
  raw: unknown,
  configPath: string,
  secrets: { wardenKey: string; apiKey: string | null; logLevel?: string },
  env: NodeJS.ProcessEnv = {},
): Readonly<ProxyConfig> {
  const withDefaults = Value.Default(ProxyFileSchema, structuredClone(raw));
  const problems = problemsOf(withDefaults);
  if (problems.length === 0) problems.push(...semanticProblems(withDefaults as ProxyFile, secrets.apiKey));
  if (problems.length > 0) {
    throw new WardenError('CONFIG_INVALID', `${configPath}:\n  - ${problems.join('\n  - ')}`);
  }
  const parsed = withDefaults as ProxyFile;
  const file: ProxyFile = {
    ...parsed,
    servers: parsed.servers.map((s) => (isStdioUpstream(s) ? s : { ...s, headers: resolveHeaders(s.headers, env) })),
  };
  const base = resolve(configPath, '..');
  return Object.freeze({
    ...file,
    dataDir: isAbsolute(file.data_dir) ? file.data_dir : resolve(base, file.data_dir),
    wardenKey: secrets.wardenKey,
    apiKey: secrets.apiKey,
    logLevel: secrets.logLevel ?? 'info',
    configPath,
  });
}

/** Header values `env:NAME` read NAME from the environment, so tokens stay out of the file. */
export function resolveHeaders(
  headers: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!v.startsWith('env:')) {
      out[k] = v;
      continue;
    }
    const value = env[v.slice(4)];
    if (value === undefined) {
      throw new WardenError('CONFIG_INVALID', `header ${k}: environment variable ${v.slice(4)} is not set`);
    }
    out[k] = value;
  }
  return out;
}
