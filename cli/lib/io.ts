import { ApiClient, CliError, clientSettings, EXIT } from './api-client.ts';

/** What a command needs from the outside world, so tests run commands without a terminal or network. */
export interface CliContext {
  out: (text: string) => void;
  err: (text: string) => void;
  client: ApiClient;
}

export function processContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    client: new ApiClient(clientSettings(env)),
  };
}

/** Runs a command body: CliErrors and argument errors become a message on stderr and an exit code. */
export async function runCommand(ctx: CliContext, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CliError) {
      ctx.err(`warden: ${err.message}\n`);
      if (err.exitCode === EXIT.usage) ctx.err(`usage: ${usage}\n`);
      return err.exitCode;
    }
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      ctx.err(`warden: ${(err as Error).message}\nusage: ${usage}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
