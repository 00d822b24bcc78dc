import { incidentClocks, type Regime } from '../../api/regulatory-clocks.ts';
import type { ClickHouseClient } from '../../lib/clickhouse/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { SiemSource } from '../config.ts';
import type { Origin } from '../delivery.ts';
import type { DestinationMetrics } from '../metrics.ts';
import type { SiemRecord } from '../record.ts';
import type { Router } from '../router.ts';

export interface ClickHouseSourceDeps {
  clickhouse: ClickHouseClient;
  router: Router;
  metrics: DestinationMetrics;
  log: Logger;
  sources: readonly SiemSource[];
  pollIntervalMs: number;
  clockWarningMs: number;
  /** Cursor owner (SIEM_GROUP_ID). */
  cursorName: string;
  now?: () => number;
}

const PAGE = 500;

interface Pending {
  record: SiemRecord;
  origin: Origin;
  /** What to persist once the record is done everywhere. */
  position: { source: string; position: string };
}

/**
 * Governance events that live in ClickHouse, not Kafka: incident openings (incidents, version 1),
 * audit-log checkpoints, and regulatory clock warnings computed from open incidents with the API's
 * own clock rules. Each poll forwards a page of rows after the durable cursor (siem_cursors) and
 * moves the cursor only when every destination delivered or dead-lettered the page, so a restart
 * resends at most that page (at-least-once). A clock warning is sent once per status (due_soon,
 * overdue) of each stage.
 */
export class ClickHouseSource {
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private wakeStop: (() => void) | null = null;
  private readonly stopSignal: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly deps: ClickHouseSourceDeps) {
    this.now = deps.now ?? Date.now;
    this.stopSignal = new Promise((resolve) => {
      this.wakeStop = resolve;
    });
  }

  async start(): Promise<void> {
    // Fail at start, with the fix, if the migration that holds the cursors has not run.
    await this.deps.clickhouse
      .query({ query: 'SELECT count() FROM siem_cursors', format: 'JSONEachRow' })
      .catch((err: Error) => {
        throw new Error(
          `ClickHouse table siem_cursors is missing (apply the migrations: npm run provision): ${err.message}`,
          {
            cause: err,
          },
        );
      });
    for (const s of this.deps.sources) {
      if (s === 'incidents') this.loops.push(this.loop(s, () => this.incidents()));
      if (s === 'audit_checkpoints') this.loops.push(this.loop(s, () => this.checkpoints()));
      if (s === 'clock_warnings') this.loops.push(this.loop(s, () => this.clockWarnings()));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeStop?.();
    await Promise.all(this.loops);
  }

  /** Cursors are written as pages finish; nothing is held back at stop. */
  async flushCursors(): Promise<void> {}

  private async loop(source: string, page: () => Promise<Pending[]>): Promise<void> {
    while (!this.stopped) {
      let more = false;
      try {
        const rows = await page();
        if (rows.length > 0) await this.forward(source, rows);
        more = rows.length >= PAGE;
        this.deps.metrics.sourcePolled(source);
      } catch (err) {
        this.deps.log.warn({ err, source }, 'ClickHouse source poll failed; retrying next interval');
      }
      if (!more && !this.stopped) {
        await Promise.race([new Promise((r) => setTimeout(r, this.deps.pollIntervalMs)), this.stopSignal]);
      }
    }
  }

  private async forward(source: string, rows: Pending[]): Promise<void> {
    let open = rows.length;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const done = () => {
      open -= 1;
      if (open === 0) allDone();
    };
    for (const p of rows) await this.deps.router.route(source, p.record, p.origin, done, async () => {});
    await finished;
    // The last position of each cursor key in the page (clock warnings: one key per warning).
    const latest = new Map<string, string>();
    for (const p of rows) latest.set(p.position.source, p.position.position);
    await this.deps.clickhouse.insert({
      table: 'siem_cursors',
      format: 'JSONEachRow',
      values: [...latest.entries()].map(([s, position]) => ({
        consumer: this.deps.cursorName,
        source: s,
        position,
        updated_at: new Date(this.now()).toISOString(),
      })),
    });
  }

  private async cursor(source: string): Promise<string | null> {
    const rows = await (
      await this.deps.clickhouse.query({
        query: 'SELECT position FROM siem_cursors FINAL WHERE consumer = {c:String} AND source = {s:String}',
        query_params: { c: this.deps.cursorName, s: source },
        format: 'JSONEachRow',
      })
    ).json<{ position: string }>();
    return rows[0]?.position ?? null;
  }

  private async incidents(): Promise<Pending[]> {
    const at = (await this.cursor('incidents')) ?? '0|';
    const [msText, id] = splitOnce(at);
    const rows = await (
      await this.deps.clickhouse.query({
        query: `SELECT tenant_id, incident_id, title, opened_by, agent_ids, finding_ids,
                  toUnixTimestamp64Milli(detected_at) AS detected_ms, toUnixTimestamp64Milli(opened_at) AS opened_ms,
                  gdpr_personal_data_breach, nis2_significant, dora_major_ict
                FROM incidents
                WHERE version = 1 AND (toUnixTimestamp64Milli(opened_at), incident_id) > ({ms:Int64}, {id:String})
                ORDER BY opened_at, incident_id LIMIT ${PAGE}`,
        query_params: { ms: Number(msText), id },
        format: 'JSONEachRow',
      })
    ).json<{
      tenant_id: string;
      incident_id: string;
      title: string;
      opened_by: string;
      agent_ids: string[];
      finding_ids: string[];
      detected_ms: string | number;
      opened_ms: string | number;
      gdpr_personal_data_breach: boolean | number;
      nis2_significant: boolean | number;
      dora_major_ict: boolean | number;
    }>();
    return rows.map((r) => {
      const incident = {
        tenant_id: r.tenant_id,
        incident_id: r.incident_id,
        title: r.title,
        detected_at: new Date(Number(r.detected_ms)).toISOString(),
        opened_at: new Date(Number(r.opened_ms)).toISOString(),
        opened_by: r.opened_by,
        agent_ids: r.agent_ids,
        finding_ids: r.finding_ids,
        gdpr_personal_data_breach: Boolean(r.gdpr_personal_data_breach),
        nis2_significant: Boolean(r.nis2_significant),
        dora_major_ict: Boolean(r.dora_major_ict),
      };
      const position = `${Number(r.opened_ms)}|${r.incident_id}`;
      return {
        record: { kind: 'incident_opened', incident },
        origin: jsonOrigin('clickhouse:incidents', position, `${r.tenant_id}:${r.incident_id}`, incident),
        position: { source: 'incidents', position },
      };
    });
  }

  private async checkpoints(): Promise<Pending[]> {
    const at = (await this.cursor('audit_checkpoints')) ?? '0|';
    const [msText, key] = splitOnce(at);
    const rows = await (
      await this.deps.clickhouse.query({
        query: `SELECT tenant_id, stream, seq, hash, toUnixTimestamp64Milli(ts) AS ts_ms, key_id, signature,
                  toUnixTimestamp64Milli(inserted_at) AS at_ms
                FROM audit_checkpoints
                WHERE (toUnixTimestamp64Milli(inserted_at), concat(stream, '#', toString(seq))) > ({ms:Int64}, {key:String})
                ORDER BY inserted_at, stream, seq LIMIT ${PAGE}`,
        query_params: { ms: Number(msText), key },
        format: 'JSONEachRow',
      })
    ).json<{
      tenant_id: string;
      stream: string;
      seq: string | number;
      hash: string;
      ts_ms: string | number;
      key_id: string;
      signature: string;
      at_ms: string | number;
    }>();
    return rows.map((r) => {
      const checkpoint = {
        tenant_id: r.tenant_id,
        stream: r.stream,
        seq: Number(r.seq),
        hash: r.hash,
        ts: new Date(Number(r.ts_ms)).toISOString(),
        key_id: r.key_id,
        signature: r.signature,
      };
      const position = `${Number(r.at_ms)}|${r.stream}#${r.seq}`;
      return {
        record: { kind: 'audit_checkpoint', checkpoint },
        origin: jsonOrigin('clickhouse:audit_checkpoints', position, r.stream, checkpoint),
        position: { source: 'audit_checkpoints', position },
      };
    });
  }

  private async clockWarnings(): Promise<Pending[]> {
    const now = this.now();
    const rows = await (
      await this.deps.clickhouse.query({
        query: `SELECT tenant_id, incident_id, toUnixTimestamp64Milli(detected_at) AS detected_ms,
                  gdpr_personal_data_breach AS gdpr, nis2_significant AS nis2, dora_major_ict AS dora,
                  toUnixTimestamp64Milli(gdpr_classified_at) AS gdpr_ms, toUnixTimestamp64Milli(nis2_classified_at) AS nis2_ms,
                  toUnixTimestamp64Milli(dora_classified_at) AS dora_ms, notifications
                FROM incidents FINAL
                WHERE gdpr_personal_data_breach OR nis2_significant OR dora_major_ict`,
        format: 'JSONEachRow',
      })
    ).json<{
      tenant_id: string;
      incident_id: string;
      detected_ms: string | number;
      gdpr: boolean | number;
      nis2: boolean | number;
      dora: boolean | number;
      gdpr_ms: string | number | null;
      nis2_ms: string | number | null;
      dora_ms: string | number | null;
      notifications: string;
    }>();
    const sent = new Set(
      (
        await (
          await this.deps.clickhouse.query({
            query: `SELECT source FROM siem_cursors FINAL WHERE consumer = {c:String} AND startsWith(source, 'clock:')`,
            query_params: { c: this.deps.cursorName },
            format: 'JSONEachRow',
          })
        ).json<{ source: string }>()
      ).map((r) => r.source),
    );
    const out: Pending[] = [];
    const num = (v: string | number | null) => (v === null ? null : Number(v));
    for (const r of rows) {
      const notes = JSON.parse(r.notifications || '[]') as { regime: Regime; stage: string; sent_at: string }[];
      const clocks = incidentClocks(
        {
          detected_at: Number(r.detected_ms),
          classified_at: {
            gdpr: r.gdpr ? num(r.gdpr_ms) : null,
            nis2: r.nis2 ? num(r.nis2_ms) : null,
            dora: r.dora ? num(r.dora_ms) : null,
          },
          notifications: notes.map((n) => ({
            regime: n.regime,
            stage: n.stage as never,
            sent_at: Date.parse(n.sent_at),
          })),
        },
        now,
      );
      for (const c of clocks) {
        const warn = c.status === 'overdue' || (c.status === 'due_soon' && c.remaining_ms <= this.deps.clockWarningMs);
        if (!warn && !(c.status === 'pending' && c.remaining_ms <= this.deps.clockWarningMs)) continue;
        const status = c.status === 'overdue' ? 'overdue' : 'due_soon';
        const key = `clock:${r.tenant_id}/${r.incident_id}/${c.regime}/${c.stage}/${status}`;
        if (sent.has(key)) continue;
        const warning = {
          tenant_id: r.tenant_id,
          incident_id: r.incident_id,
          regime: c.regime,
          stage: c.stage,
          basis: c.basis,
          deadline: c.deadline,
          remaining_ms: c.remaining_ms,
          status,
        };
        out.push({
          record: { kind: 'clock_warning', warning },
          origin: jsonOrigin('clickhouse:incidents', key, `${r.tenant_id}:${r.incident_id}`, warning),
          position: { source: key, position: String(now) },
        });
      }
    }
    return out;
  }
}

function splitOnce(s: string): [string, string] {
  const i = s.indexOf('|');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function jsonOrigin(topic: string, offset: string, key: string, value: unknown): Origin {
  return { topic, partition: -1, offset, key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)) };
}
