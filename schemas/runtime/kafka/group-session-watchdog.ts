/**
 * Notices a consumer whose group session was lost and never came back. librdkafka can get stuck
 * after a broker restart with its requests to the group coordinator queued and never sent
 * ("GroupCoordinator: Timed out 0 in-flight, 0 retry-queued, 2 out-queue" every 30 s, the group
 * lagging for good; seen in test/e2e/broker-restart.test.ts, and reported upstream in several
 * forms). The only cure found is a new consumer, which the adapter builds when `stuck()` says so.
 */
export class GroupSessionWatchdog {
  private lostAt: number | null = null;

  constructor(
    private readonly stuckAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A librdkafka log line, by facility: SESSTMOUT means the group session timed out. */
  observe(facility: string | undefined): void {
    if (facility === 'SESSTMOUT' && this.lostAt === null) this.lostAt = this.now();
  }

  /** The group assigned partitions to this consumer: the session is back. */
  rejoined(): void {
    this.lostAt = null;
  }

  /** The session has been gone for longer than a rejoin takes: rebuild the consumer. */
  stuck(): boolean {
    return this.lostAt !== null && this.now() - this.lostAt >= this.stuckAfterMs;
  }

  /** Milliseconds since the session was lost, or null. */
  lostForMs(): number | null {
    return this.lostAt === null ? null : this.now() - this.lostAt;
  }
}
