/**
 * Regulatory notification clocks of an incident (docs/incidents.md explains the reading of each
 * article). Pure: every function takes the time as an argument, so tests pin the arithmetic.
 *
 * Deadlines are computed strictly: hours from the exact instant of the triggering event, months to
 * the same date and time of day in the following month (clamped to the month's last day), in UTC.
 * Regulation 1182/71 (periods, dates and time limits) would let an hour- or month-period run to the
 * end of the hour or day; warden does not use that margin.
 */

export const REGIMES = ['gdpr', 'nis2', 'dora'] as const;
export type Regime = (typeof REGIMES)[number];

/** Stages of each regime, in the order they fall due. */
export const STAGES = {
  gdpr: ['notification'],
  nis2: ['early_warning', 'notification', 'final_report'],
  dora: ['initial_notification', 'intermediate_report', 'final_report'],
} as const satisfies Record<Regime, readonly string[]>;

export type Stage = (typeof STAGES)[Regime][number];
export type ClockStatus = 'pending' | 'due_soon' | 'overdue' | 'met';

/** What the incident's classification flags mean for each regime. */
export const REGIME_FLAG = {
  gdpr: 'gdpr_personal_data_breach',
  nis2: 'nis2_significant',
  dora: 'dora_major_ict',
} as const satisfies Record<Regime, string>;

export const HOUR_MS = 3_600_000;

/** A clock is due soon once this share of its period (anchor to deadline) is left. */
export const DUE_SOON_SHARE = 0.25;

export interface NotificationSent {
  regime: Regime;
  stage: Stage;
  /** When the notification or report was submitted (epoch ms). */
  sent_at: number;
}

export interface ClockInput {
  detected_at: number;
  /** When each regime's classification flag was set (null or absent = not classified under it). */
  classified_at: Partial<Record<Regime, number | null>>;
  notifications: readonly NotificationSent[];
}

export interface Clock {
  regime: Regime;
  stage: Stage;
  /** Article (and RTS) the deadline comes from. */
  basis: string;
  /** The event the period runs from, e.g. `detected_at`, `classified_at`, `notification.sent_at`. */
  runs_from: string;
  anchor_at: string;
  deadline: string;
  deadline_ms: number;
  /** deadline - now; negative once past. */
  remaining_ms: number;
  status: ClockStatus;
  /**
   * true while the anchor is a previous stage's deadline because that stage has not been submitted
   * yet: the real deadline will be earlier or equal once it is.
   */
  provisional: boolean;
  /** Submission that satisfied (or, late, answered) this stage; null when none is recorded. */
  notified_at: string | null;
}

export function isStageOf(regime: Regime, stage: string): stage is Stage {
  return (STAGES[regime] as readonly string[]).includes(stage);
}

export function isRegime(value: string): value is Regime {
  return (REGIMES as readonly string[]).includes(value);
}

/** `months` calendar months after `ms` (UTC), same time of day; a missing day becomes the month's last. */
export function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

interface Span {
  anchor: number;
  runsFrom: string;
  deadline: number;
  provisional: boolean;
}

/** Status of a stage at `now`: met if submitted by the deadline, overdue once past it without. */
export function clockStatus(span: Pick<Span, 'anchor' | 'deadline'>, notifiedAt: number | null, now: number) {
  if (notifiedAt !== null && notifiedAt <= span.deadline) return 'met' as const;
  if (notifiedAt !== null || now > span.deadline) return 'overdue' as const;
  const remaining = span.deadline - now;
  const period = Math.max(0, span.deadline - span.anchor);
  return remaining <= period * DUE_SOON_SHARE ? ('due_soon' as const) : ('pending' as const);
}

function sentTimes(input: ClockInput, regime: Regime, stage: Stage): number[] {
  return input.notifications
    .filter((n) => n.regime === regime && n.stage === stage)
    .map((n) => n.sent_at)
    .sort((a, b) => a - b);
}

/** The earliest submission of a stage counts for its own deadline. */
function firstSent(input: ClockInput, regime: Regime, stage: Stage): number | null {
  return sentTimes(input, regime, stage)[0] ?? null;
}

function build(regime: Regime, stage: Stage, basis: string, span: Span, sent: number | null, now: number): Clock {
  return {
    regime,
    stage,
    basis,
    runs_from: span.runsFrom,
    anchor_at: new Date(span.anchor).toISOString(),
    deadline: new Date(span.deadline).toISOString(),
    deadline_ms: span.deadline,
    remaining_ms: span.deadline - now,
    status: clockStatus(span, sent, now),
    provisional: span.provisional,
    notified_at: sent === null ? null : new Date(sent).toISOString(),
  };
}

/** A period that runs from a previous stage's submission, or provisionally from its deadline. */
function after(prev: { deadline: number }, sent: number | null, stage: string): Omit<Span, 'deadline'> {
  return sent === null
    ? { anchor: prev.deadline, runsFrom: `${stage}.deadline`, provisional: true }
    : { anchor: sent, runsFrom: `${stage}.sent_at`, provisional: false };
}

/** GDPR art. 33(1): the supervisory authority within 72 h of becoming aware (= detected_at). */
export function gdprClocks(input: ClockInput, now: number): Clock[] {
  const anchor = input.detected_at;
  const span = { anchor, runsFrom: 'detected_at', deadline: anchor + 72 * HOUR_MS, provisional: false };
  return [build('gdpr', 'notification', 'GDPR art. 33(1)', span, firstSent(input, 'gdpr', 'notification'), now)];
}

/** NIS2 art. 23(4): early warning 24 h and notification 72 h after awareness; final report one month after the notification. */
export function nis2Clocks(input: ClockInput, now: number): Clock[] {
  const aware = input.detected_at;
  const early = { anchor: aware, runsFrom: 'detected_at', deadline: aware + 24 * HOUR_MS, provisional: false };
  const notif = { anchor: aware, runsFrom: 'detected_at', deadline: aware + 72 * HOUR_MS, provisional: false };
  const notifSent = firstSent(input, 'nis2', 'notification');
  const finalFrom = after(notif, notifSent, 'notification');
  const final = { ...finalFrom, deadline: addMonthsUtc(finalFrom.anchor, 1) };
  return [
    build('nis2', 'early_warning', 'NIS2 art. 23(4)(a)', early, firstSent(input, 'nis2', 'early_warning'), now),
    build('nis2', 'notification', 'NIS2 art. 23(4)(b)', notif, notifSent, now),
    build('nis2', 'final_report', 'NIS2 art. 23(4)(d)', final, firstSent(input, 'nis2', 'final_report'), now),
  ];
}

/**
 * DORA art. 19(4) with Delegated Regulation (EU) 2025/301 art. 5: initial notification within 4 h of
 * classification as major and no later than 24 h after awareness; intermediate report within 72 h of
 * the initial notification; final report one month after the latest intermediate report.
 */
export function doraClocks(input: ClockInput, now: number): Clock[] {
  const classified = input.classified_at.dora ?? input.detected_at;
  const byClass = classified + 4 * HOUR_MS;
  const byAware = input.detected_at + 24 * HOUR_MS;
  const initial =
    byClass <= byAware
      ? { anchor: classified, runsFrom: 'classified_at', deadline: byClass, provisional: false }
      : { anchor: input.detected_at, runsFrom: 'detected_at', deadline: byAware, provisional: false };
  const initialSent = firstSent(input, 'dora', 'initial_notification');
  const interFrom = after(initial, initialSent, 'initial_notification');
  const inter = { ...interFrom, deadline: interFrom.anchor + 72 * HOUR_MS };
  const interTimes = sentTimes(input, 'dora', 'intermediate_report');
  // The final report runs from the latest (updated) intermediate report.
  const finalFrom = after(inter, interTimes.at(-1) ?? null, 'intermediate_report');
  const final = { ...finalFrom, deadline: addMonthsUtc(finalFrom.anchor, 1) };
  return [
    build('dora', 'initial_notification', 'DORA art. 19(4)(a); RTS 2025/301 art. 5(1)(a)', initial, initialSent, now),
    build(
      'dora',
      'intermediate_report',
      'DORA art. 19(4)(b); RTS 2025/301 art. 5(1)(b)',
      inter,
      interTimes[0] ?? null,
      now,
    ),
    build(
      'dora',
      'final_report',
      'DORA art. 19(4)(c); RTS 2025/301 art. 5(1)(c)',
      final,
      firstSent(input, 'dora', 'final_report'),
      now,
    ),
  ];
}

/** Every clock of the regimes the incident is classified under, in regime then stage order. */
export function incidentClocks(input: ClockInput, now: number): Clock[] {
  const clocks: Clock[] = [];
  if (input.classified_at.gdpr != null) clocks.push(...gdprClocks(input, now));
  if (input.classified_at.nis2 != null) clocks.push(...nis2Clocks(input, now));
  if (input.classified_at.dora != null) clocks.push(...doraClocks(input, now));
  return clocks;
}

export function hasOverdue(clocks: readonly Clock[]): boolean {
  return clocks.some((c) => c.status === 'overdue');
}
