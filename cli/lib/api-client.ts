/**
 * The warden CLI's client of the governance API (services/api). Every failure becomes a CliError
 * whose message names the cause and the fix, and whose exit code tells scripts what happened.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, notFound: 4 } as const;

/** The local dev admin key (services/api/auth.ts); accepted only by an API running with WARDEN_ENV=local. */
export const LOCAL_DEV_ADMIN_KEY = 'warden-dev-admin-key';
export const DEFAULT_API_URL = 'http://127.0.0.1:8090';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ApiErrorBody {
  code: string;
  message: string;
  statusCode: number;
}

export interface ClientSettings {
  url: string;
  key: string;
  keyFromEnv: boolean;
}

export function clientSettings(env: NodeJS.ProcessEnv): ClientSettings {
  const key = env.WARDEN_API_KEY?.trim();
  return {
    url: (env.WARDEN_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, ''),
    key: key || LOCAL_DEV_ADMIN_KEY,
    keyFromEnv: Boolean(key),
  };
}

export class ApiClient {
  constructor(
    private readonly settings: ClientSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.settings.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.settings.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      const cause = causeOf(err);
      throw new CliError(
        `cannot reach the warden API at ${this.settings.url} (${cause}). ` +
          'Start it (tsx services/api/main.ts) or point WARDEN_API_URL at a running one.',
        EXIT.failed,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new CliError(
        `the API at ${this.settings.url} answered ${res.status} with a body that is not JSON`,
        EXIT.failed,
      );
    }
    if (res.ok) return parsed as T;
    throw this.errorFor(res.status, parsed as Partial<ApiErrorBody> | null);
  }

  private errorFor(status: number, body: Partial<ApiErrorBody> | null): CliError {
    const what = body?.code ? `${body.code}: ${body.message ?? ''}` : `HTTP ${status}`;
    if (status === 401) {
      const fix = this.settings.keyFromEnv
        ? 'WARDEN_API_KEY is not a key the API knows; ask an admin for one (its sha256 goes in API_KEYS).'
        : 'WARDEN_API_KEY is unset, so the local dev admin key was sent; set WARDEN_API_KEY to your key.';
      return new CliError(`${what}. ${fix}`, EXIT.auth);
    }
    if (status === 403) return new CliError(`${what}. Use a key with one of the roles named above.`, EXIT.auth);
    if (status === 404)
      return new CliError(`${what}. List the agents of your tenant with: warden agents`, EXIT.notFound);
    if (status === 400) return new CliError(`${what}. Check the command's arguments (warden help).`, EXIT.usage);
    return new CliError(
      `${what}. The API or its backing store has a problem; retry, then check its logs.`,
      EXIT.failed,
    );
  }
}

/** fetch() wraps the socket error: ECONNREFUSED, ENOTFOUND, a timeout … */
function causeOf(err: unknown): string {
  const c = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
}
