/**
 * Commit bookkeeping for one source partition. A record is done when every destination it was
 * routed to delivered or dead-lettered it; destinations finish out of order (each has its own
 * queue), so the committable offset is the first record not yet done: everything before it is
 * done everywhere. A lagging destination therefore holds the partition's commit back (never the
 * other destinations' deliveries); after a restart the partition is re-read from there and the
 * fast destinations see those records again: at-least-once, duplicates only in that window.
 */
export class OffsetTracker {
  /** Offsets in read order with the number of destinations still working on each. */
  private readonly pending: { offset: bigint; open: number }[] = [];
  private head = 0;
  private next: bigint | null = null;
  private dirty = false;

  /** Registers a read record; `open` = number of destinations it goes to (0 = done at once). */
  add(offset: bigint, open: number): { offset: bigint; open: number } {
    const entry = { offset, open };
    this.pending.push(entry);
    if (open === 0) this.advance();
    return entry;
  }

  /** One destination finished with the entry. */
  settle(entry: { open: number }): void {
    entry.open -= 1;
    if (entry.open === 0) this.advance();
  }

  private advance(): void {
    let moved = false;
    while (this.head < this.pending.length && this.pending[this.head]!.open <= 0) {
      this.next = this.pending[this.head]!.offset + 1n;
      this.head++;
      moved = true;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (moved) this.dirty = true;
  }

  /** The offset to commit (next to read) if it moved since the last call, else null. */
  takeCommit(): bigint | null {
    if (!this.dirty || this.next === null) return null;
    this.dirty = false;
    return this.next;
  }

  /** The last takeCommit() was not committed: offer it again. */
  retryCommit(): void {
    this.dirty = true;
  }

  /** Records read but not done everywhere. */
  get open(): number {
    return this.pending.length - this.head;
  }
}
