/**
 * `warden`: the command-line tool on the governance API (services/api).
 *
 *   tsx cli/warden.ts agents [--running] [--personal-data] [--json]
 *   tsx cli/warden.ts revoke <agent> [--credential <id>] --reason <text>
 *   tsx cli/warden.ts quarantine <agent> --reason <text> [--lift]
 *   tsx cli/warden.ts evidence …
 *   tsx cli/warden.ts siem sample --format ocsf|cef|hec|syslog [--kind …] [--json]
 *
 * WARDEN_API_URL (default http://127.0.0.1:8090) and WARDEN_API_KEY (default: the local dev admin
 * key, accepted only by an API running with WARDEN_ENV=local). Exit codes: 0 ok, 1 failed (API
 * unreachable or server error), 2 usage, 3 authentication or role refused, 4 not found.
 */
import { EXIT } from './lib/api-client.ts';

type Command = (args: string[]) => Promise<number>;

/** Subcommands of `warden siem`, one line each, loaded on demand like the commands. */
const SIEM_COMMANDS: Record<string, () => Promise<Command>> = {
  sample: async () => (await import('./commands/siem-sample.ts')).siemSampleCommand,
  status: async () => (await import('./commands/siem-status.ts')).siemStatusCommand,
};

/** A command group: the first argument picks the subcommand. */
function group(name: string, subcommands: Record<string, () => Promise<Command>>): Command {
  return async ([sub, ...rest]) => {
    const load = sub === undefined ? undefined : subcommands[sub];
    if (load === undefined) {
      process.stderr.write(`usage: warden ${name} ${Object.keys(subcommands).join('|')} [options]\n`);
      return EXIT.usage;
    }
    return (await load())(rest);
  };
}

// Commands are loaded on demand, so one command's dependencies never slow down or break another.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  agents: {
    summary: 'inventory: agents seen in traffic or registered, running now, shadow, personal data',
    load: async () => (await import('./commands/agents.ts')).agentsCommand,
  },
  revoke: {
    summary: 'revoke one or every credential of an agent (enforcement points deny it within seconds)',
    load: async () => (await import('./commands/revoke.ts')).revokeCommand,
  },
  quarantine: {
    summary: 'block every call of an agent, or lift that with --lift',
    load: async () => (await import('./commands/revoke.ts')).quarantineCommand,
  },
  evidence: {
    summary: 'export or verify a signed evidence bundle',
    load: async () => (await import('./commands/evidence.ts')).evidenceCommand,
  },
  session: {
    summary: 'reconstruct a session: every event, finding, verdict and policy version, in order',
    load: async () => (await import('./commands/session.ts')).sessionCommand,
  },
  violations: {
    summary: 'policy violations of a period per agent and type, with outcome counts and masked evidence',
    load: async () => (await import('./commands/violations.ts')).violationsCommand,
  },
  report: {
    summary: 'GDPR art. 30 record of processing per agent (table, --json or --markdown)',
    load: async () => (await import('./commands/report.ts')).reportCommand,
  },
  incident: {
    summary: 'incidents with GDPR / NIS2 / DORA notification clocks; draft notifications',
    load: async () => (await import('./commands/incident.ts')).incidentCommand,
  },
  policy: {
    summary: 'agent policy: show current and history, suggest least privilege from traffic, list pending changes',
    load: async () => (await import('./commands/policy.ts')).policyCommand,
  },
  approve: {
    summary: 'approve (a second person, approver key) or --reject a pending policy change',
    load: async () => (await import('./commands/policy.ts')).approveCommand,
  },
  siem: {
    summary: 'SIEM forwarder: delivery per destination (status), sample records in each format (sample)',
    load: async () => group('siem', SIEM_COMMANDS),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return (
    `usage: warden <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'environment: WARDEN_API_URL (default http://127.0.0.1:8090), WARDEN_API_KEY (default: local dev admin key)\n' +
    'exit codes: 0 ok, 1 failed, 2 usage, 3 key refused, 4 not found\n'
  );
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`warden: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return EXIT.usage;
  }
  return (await command.load())(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`warden: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = EXIT.failed;
  },
);
