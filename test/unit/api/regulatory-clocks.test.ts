import { describe, expect, it } from 'vitest';
import {
  addMonthsUtc,
  type Clock,
  type ClockInput,
  clockStatus,
  doraClocks,
  gdprClocks,
  HOUR_MS,
  incidentClocks,
  nis2Clocks,
} from '../../../services/api/regulatory-clocks.ts';

const T0 = Date.parse('2026-03-10T08:30:00.000Z');
const H = HOUR_MS;
const input = (over: Partial<ClockInput> = {}): ClockInput => ({
  detected_at: T0,
  classified_at: {},
  notifications: [],
  ...over,
});
const byStage = (clocks: Clock[]) => Object.fromEntries(clocks.map((c) => [c.stage, c]));

describe('month arithmetic (UTC, same date and time, clamped to the last day)', () => {
  it.each([
    ['2026-01-15T10:00:00.000Z', '2026-02-15T10:00:00.000Z'],
    ['2026-01-31T23:59:59.999Z', '2026-02-28T23:59:59.999Z'],
    ['2028-01-31T12:00:00.000Z', '2028-02-29T12:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z'],
    ['2026-12-20T06:00:00.000Z', '2027-01-20T06:00:00.000Z'],
    ['2026-12-31T06:00:00.000Z', '2027-01-31T06:00:00.000Z'],
    ['2026-02-28T06:00:00.000Z', '2026-03-28T06:00:00.000Z'],
  ])('%s + 1 month = %s', (from, to) => {
    expect(new Date(addMonthsUtc(Date.parse(from), 1)).toISOString()).toBe(to);
  });
});

describe('clock status boundaries', () => {
  const span = { anchor: 0, deadline: 72 * H };
  it('is pending until a quarter of the period is left, due_soon until the deadline, overdue after', () => {
    expect(clockStatus(span, null, 0)).toBe('pending');
    expect(clockStatus(span, null, 54 * H - 1)).toBe('pending');
    expect(clockStatus(span, null, 54 * H)).toBe('due_soon');
    expect(clockStatus(span, null, 72 * H)).toBe('due_soon');
    expect(clockStatus(span, null, 72 * H + 1)).toBe('overdue');
  });
  it('is met when submitted at or before the deadline, overdue when submitted late', () => {
    expect(clockStatus(span, 72 * H, 100 * H)).toBe('met');
    expect(clockStatus(span, 0, 1)).toBe('met');
    expect(clockStatus(span, 72 * H + 1, 72 * H + 2)).toBe('overdue');
  });
});

describe('GDPR art. 33: 72 hours after awareness', () => {
  it('runs from detected_at', () => {
    const [c] = gdprClocks(input(), T0 + H);
    expect(c).toMatchObject({
      regime: 'gdpr',
      stage: 'notification',
      runs_from: 'detected_at',
      deadline: '2026-03-13T08:30:00.000Z',
      remaining_ms: 71 * H,
      status: 'pending',
      provisional: false,
      notified_at: null,
    });
  });
  it('is due soon in the last 18 hours, overdue after, met by a timely notification', () => {
    expect(gdprClocks(input(), T0 + 54 * H)[0]!.status).toBe('due_soon');
    expect(gdprClocks(input(), T0 + 72 * H + 1)[0]).toMatchObject({ status: 'overdue', remaining_ms: -1 });
    const sent = input({ notifications: [{ regime: 'gdpr', stage: 'notification', sent_at: T0 + 70 * H }] });
    expect(gdprClocks(sent, T0 + 200 * H)[0]).toMatchObject({
      status: 'met',
      notified_at: new Date(T0 + 70 * H).toISOString(),
    });
  });
  it('ignores notifications of another regime or stage', () => {
    const other = input({ notifications: [{ regime: 'nis2', stage: 'notification', sent_at: T0 + H }] });
    expect(gdprClocks(other, T0 + 80 * H)[0]!.status).toBe('overdue');
  });
});

describe('NIS2 art. 23(4): 24 h early warning, 72 h notification, final report a month after the notification', () => {
  it('counts the first two stages from detection and the final report provisionally from the notification deadline', () => {
    const c = byStage(nis2Clocks(input(), T0));
    expect(c.early_warning).toMatchObject({ deadline: '2026-03-11T08:30:00.000Z', status: 'pending' });
    expect(c.notification).toMatchObject({ deadline: '2026-03-13T08:30:00.000Z', status: 'pending' });
    expect(c.final_report).toMatchObject({
      runs_from: 'notification.deadline',
      provisional: true,
      deadline: '2026-04-13T08:30:00.000Z',
    });
  });
  it('runs the final report from the submitted notification', () => {
    const sent = input({
      notifications: [
        { regime: 'nis2', stage: 'early_warning', sent_at: T0 + 23 * H },
        { regime: 'nis2', stage: 'notification', sent_at: Date.parse('2026-03-11T12:00:00.000Z') },
      ],
    });
    const c = byStage(nis2Clocks(sent, T0 + 30 * H));
    expect(c.early_warning!.status).toBe('met');
    expect(c.notification!.status).toBe('met');
    expect(c.final_report).toMatchObject({
      runs_from: 'notification.sent_at',
      provisional: false,
      deadline: '2026-04-11T12:00:00.000Z',
      status: 'pending',
    });
  });
  it('marks the early warning overdue after 24 h and a late one as overdue, not met', () => {
    expect(byStage(nis2Clocks(input(), T0 + 24 * H + 1)).early_warning!.status).toBe('overdue');
    const late = input({ notifications: [{ regime: 'nis2', stage: 'early_warning', sent_at: T0 + 25 * H }] });
    expect(byStage(nis2Clocks(late, T0 + 26 * H)).early_warning).toMatchObject({ status: 'overdue' });
    // 6 h of the 24 left: due soon.
    expect(byStage(nis2Clocks(input(), T0 + 18 * H)).early_warning!.status).toBe('due_soon');
  });
  it('clamps a final report due on a missing day to the end of the month', () => {
    const jan31 = Date.parse('2026-01-31T09:00:00.000Z');
    const sent = input({
      detected_at: jan31 - 10 * H,
      notifications: [{ regime: 'nis2', stage: 'notification', sent_at: jan31 }],
    });
    expect(byStage(nis2Clocks(sent, jan31)).final_report!.deadline).toBe('2026-02-28T09:00:00.000Z');
  });
});

describe('DORA art. 19 and RTS 2025/301 art. 5', () => {
  it('gives the initial notification 4 h from classification when that is within 24 h of detection', () => {
    const c = byStage(doraClocks(input({ classified_at: { dora: T0 + 2 * H } }), T0 + 2 * H));
    expect(c.initial_notification).toMatchObject({
      runs_from: 'classified_at',
      deadline: new Date(T0 + 6 * H).toISOString(),
      remaining_ms: 4 * H,
      status: 'pending',
    });
  });
  it('caps the initial notification at 24 h after detection', () => {
    const c = byStage(doraClocks(input({ classified_at: { dora: T0 + 22 * H } }), T0 + 22 * H));
    expect(c.initial_notification).toMatchObject({
      runs_from: 'detected_at',
      deadline: new Date(T0 + 24 * H).toISOString(),
      status: 'due_soon',
    });
    // Exactly at the 20 h boundary both rules give the same instant.
    const edge = byStage(doraClocks(input({ classified_at: { dora: T0 + 20 * H } }), T0 + 20 * H));
    expect(edge.initial_notification!.deadline).toBe(new Date(T0 + 24 * H).toISOString());
  });
  it('runs the intermediate report 72 h from the initial notification, provisionally from its deadline', () => {
    const classified = { dora: T0 + H };
    const before = byStage(doraClocks(input({ classified_at: classified }), T0 + H));
    expect(before.intermediate_report).toMatchObject({
      provisional: true,
      runs_from: 'initial_notification.deadline',
      deadline: new Date(T0 + 5 * H + 72 * H).toISOString(),
    });
    const sent = input({
      classified_at: classified,
      notifications: [{ regime: 'dora', stage: 'initial_notification', sent_at: T0 + 3 * H }],
    });
    const after = byStage(doraClocks(sent, T0 + 4 * H));
    expect(after.initial_notification!.status).toBe('met');
    expect(after.intermediate_report).toMatchObject({
      provisional: false,
      runs_from: 'initial_notification.sent_at',
      deadline: new Date(T0 + 75 * H).toISOString(),
    });
  });
  it('runs the final report a month after the latest intermediate report', () => {
    const first = Date.parse('2026-03-12T10:00:00.000Z');
    const updated = Date.parse('2026-03-31T10:00:00.000Z');
    const sent = input({
      classified_at: { dora: T0 + H },
      notifications: [
        { regime: 'dora', stage: 'initial_notification', sent_at: T0 + 2 * H },
        { regime: 'dora', stage: 'intermediate_report', sent_at: updated },
        { regime: 'dora', stage: 'intermediate_report', sent_at: first },
      ],
    });
    const c = byStage(doraClocks(sent, updated));
    expect(c.intermediate_report).toMatchObject({ status: 'met', notified_at: new Date(first).toISOString() });
    expect(c.final_report).toMatchObject({
      runs_from: 'intermediate_report.sent_at',
      deadline: '2026-04-30T10:00:00.000Z',
    });
  });
  it('is overdue when the initial notification is late', () => {
    const sent = input({
      classified_at: { dora: T0 },
      notifications: [{ regime: 'dora', stage: 'initial_notification', sent_at: T0 + 4 * H + 1 }],
    });
    expect(byStage(doraClocks(sent, T0 + 5 * H)).initial_notification!.status).toBe('overdue');
  });
});

describe('incidentClocks', () => {
  it('returns only the clocks of the regimes the incident is classified under', () => {
    expect(incidentClocks(input(), T0)).toEqual([]);
    const all = incidentClocks(input({ classified_at: { gdpr: T0, nis2: T0, dora: T0 } }), T0);
    expect(all.map((c) => `${c.regime}/${c.stage}`)).toEqual([
      'gdpr/notification',
      'nis2/early_warning',
      'nis2/notification',
      'nis2/final_report',
      'dora/initial_notification',
      'dora/intermediate_report',
      'dora/final_report',
    ]);
  });
});
