import { parseArgs } from 'node:util';
import type { PublishedControl } from '../../services/api/control-publisher.ts';
import { CliError, EXIT } from '../lib/api-client.ts';
import { type CliContext, processContext, runCommand } from '../lib/io.ts';

export const REVOKE_USAGE = 'warden revoke <agent> [--credential <id>] --reason <text> [--json]';
export const QUARANTINE_USAGE = 'warden quarantine <agent> --reason <text> [--lift] [--json]';

function oneAgent(positionals: string[]): string {
  const [agent, ...rest] = positionals;
  if (agent === undefined || rest.length > 0) throw new CliError('name exactly one agent', EXIT.usage);
  return agent;
}

function needReason(reason: string | undefined): string {
  if (!reason?.trim()) throw new CliError('--reason is required (it is recorded with the control record)', EXIT.usage);
  return reason;
}

export function renderPublished(verb: string, p: PublishedControl): string {
  return (
    `${verb} agent ${p.record.agent_id} of tenant ${p.record.tenant_id}\n` +
    `  control record ${p.key} on ${p.topic} (partition ${p.partition}, offset ${p.offset ?? '?'})\n` +
    `  acknowledged by Kafka at ${p.produced_at} (${p.produce_ms} ms); enforcement points apply it on receipt\n`
  );
}

/** `warden revoke`: revokes one credential, or every credential, of an agent (POST /v1/agents/:id/revoke). */
export async function revokeCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, REVOKE_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        credential: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    const agent = oneAgent(positionals);
    const body = {
      reason: needReason(values.reason),
      ...(values.credential ? { credential_id: values.credential } : {}),
    };
    const result = await ctx.client.request<PublishedControl>(
      'POST',
      `/v1/agents/${encodeURIComponent(agent)}/revoke`,
      body,
    );
    const verb = values.credential ? `revoked credential ${values.credential} of` : 'revoked every credential of';
    ctx.out(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderPublished(verb, result));
    return EXIT.ok;
  });
}

/** `warden quarantine`: blocks every call of an agent, or lifts that with --lift (POST /v1/agents/:id/quarantine). */
export async function quarantineCommand(args: string[], ctx: CliContext = processContext()): Promise<number> {
  return runCommand(ctx, QUARANTINE_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      options: {
        reason: { type: 'string' },
        lift: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    const agent = oneAgent(positionals);
    const result = await ctx.client.request<PublishedControl>(
      'POST',
      `/v1/agents/${encodeURIComponent(agent)}/quarantine`,
      { reason: needReason(values.reason), active: !values.lift },
    );
    ctx.out(
      values.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : renderPublished(values.lift ? 'lifted quarantine of' : 'quarantined', result),
    );
    return EXIT.ok;
  });
}
