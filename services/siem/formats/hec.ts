import type { ProductMeta, SiemRecord } from '../record.ts';
import { tenantOf } from '../record.ts';
import { recordTimeMs, severityOf } from './facts.ts';
import { type OcsfRecord, toOcsf } from './ocsf.ts';

/**
 * One Splunk HTTP Event Collector event for `/services/collector/event` (a batch is these
 * objects concatenated). `event` is the OCSF record; `fields` are indexed fields, so a search can
 * filter on tenant, kind and severity without parsing the JSON.
 */
export interface HecEvent {
  /** Epoch seconds with the milliseconds as a fraction, as HEC documents `time`. */
  time: number;
  host: string;
  source: string;
  sourcetype: string;
  index?: string;
  fields: { tenant_id: string; record_kind: string; severity: string };
  event: OcsfRecord;
}

export interface HecOptions {
  index?: string;
  /** Default `ocsf:warden`. */
  sourcetype?: string;
  /** Default the product name. */
  source?: string;
  host: string;
}

export const DEFAULT_HEC_SOURCETYPE = 'ocsf:warden';

export function toHecEvent(r: SiemRecord, meta: ProductMeta, o: HecOptions): HecEvent {
  const out: HecEvent = {
    time: recordTimeMs(r) / 1000,
    host: o.host,
    source: o.source ?? meta.product,
    sourcetype: o.sourcetype ?? DEFAULT_HEC_SOURCETYPE,
    fields: { tenant_id: tenantOf(r), record_kind: r.kind, severity: severityOf(r) },
    event: toOcsf(r, meta),
  };
  if (o.index !== undefined) out.index = o.index;
  return out;
}
