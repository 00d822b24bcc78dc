import { describe, expect, it } from 'vitest';
import {
  CommitVerifier,
  type CommitVerifierClient,
  type TopicPartitionOffset,
} from '../../../schemas/runtime/kafka/commit-verifier.ts';

/**
 * A group coordinator as the verifier sees it: what it stores, which partitions this member owns,
 * and commits that it may drop (a coordinator move while the commit was in flight).
 */
class Coordinator implements CommitVerifierClient {
  readonly stored = new Map<string, bigint>();
  owned: { topic: string; partition: number }[] = [];
  dropNext = 0;
  commits: TopicPartitionOffset[][] = [];
  /** Runs between the fetch and its answer: a commit arriving while the OffsetFetch is in flight. */
  duringFetch: (() => void) | null = null;

  store(o: TopicPartitionOffset): void {
    this.stored.set(`${o.topic}/${o.partition}`, BigInt(o.offset));
  }

  assigned() {
    return this.owned;
  }

  async committed(partitions: { topic: string; partition: number }[]) {
    const answer = partitions.map((p) => ({
      ...p,
      offset: String(this.stored.get(`${p.topic}/${p.partition}`) ?? -1001),
    }));
    this.duringFetch?.();
    this.duringFetch = null;
    return answer;
  }

  async commit(offsets: TopicPartitionOffset[]) {
    this.commits.push(offsets.map((o) => ({ ...o })));
    if (this.dropNext > 0) {
      this.dropNext--;
      return;
    }
    for (const o of offsets) this.store(o);
  }
}

const tp = (partition: number, offset: number): TopicPartitionOffset => ({
  topic: 'warden.events.v1',
  partition,
  offset: String(offset),
});

describe('CommitVerifier', () => {
  it('commits again an offset the coordinator never stored', async () => {
    const c = new Coordinator();
    c.owned = [tp(0, 0), tp(1, 0)];
    const v = new CommitVerifier();
    // Partition 0's commit lands, partition 1's is lost with the coordinator.
    c.store(tp(0, 120));
    v.committing([tp(0, 120), tp(1, 80)]);

    const first = await v.verify(c);
    expect(first.resent).toEqual([tp(1, 80)]);
    expect(first.confirmed).toBe(1);
    expect(c.stored.get('warden.events.v1/1')).toBe(80n);
    expect(v.pending()).toBe(1);

    // The resend is confirmed on the next round; nothing is watched afterwards.
    const second = await v.verify(c);
    expect(second).toEqual({ resent: [], confirmed: 1 });
    expect(v.pending()).toBe(0);
  });

  it('keeps resending while the coordinator keeps losing the commit', async () => {
    const c = new Coordinator();
    c.owned = [tp(2, 0)];
    const v = new CommitVerifier();
    v.committing([tp(2, 50)]);
    c.dropNext = 2;
    expect((await v.verify(c)).resent).toEqual([tp(2, 50)]);
    expect((await v.verify(c)).resent).toEqual([tp(2, 50)]);
    expect((await v.verify(c)).resent).toEqual([tp(2, 50)]);
    expect(await v.verify(c)).toEqual({ resent: [], confirmed: 1 });
    expect(c.stored.get('warden.events.v1/2')).toBe(50n);
  });

  it('watches only the highest offset asked per partition', async () => {
    const c = new Coordinator();
    c.owned = [tp(0, 0)];
    const v = new CommitVerifier();
    v.committing([tp(0, 10)]);
    v.committing([tp(0, 30)]);
    v.committing([tp(0, 20)]);
    expect((await v.verify(c)).resent).toEqual([tp(0, 30)]);
  });

  it('forgets partitions this member no longer owns, without committing for them', async () => {
    const c = new Coordinator();
    c.owned = [tp(0, 0), tp(1, 0)];
    const v = new CommitVerifier();
    v.committing([tp(0, 10), tp(1, 10)]);
    // Partition 1 moved to another member: its commits are the new owner's business now.
    c.owned = [tp(0, 0)];
    const r = await v.verify(c);
    expect(r.resent).toEqual([tp(0, 10)]);
    expect(c.commits.flat().some((o) => o.partition === 1)).toBe(false);
    expect(v.pending()).toBe(1);
  });

  it('never moves a partition back when a newer commit arrives while the fetch is in flight', async () => {
    const c = new Coordinator();
    c.owned = [tp(0, 0)];
    const v = new CommitVerifier();
    v.committing([tp(0, 10)]);
    // While the coordinator answers "nothing stored", the service commits 40 and it lands.
    c.duringFetch = () => {
      v.committing([tp(0, 40)]);
      c.store(tp(0, 40));
    };
    const r = await v.verify(c);
    // Resending 10 would rewind the group to 10 and replay 30 records; the newest wanted goes instead.
    expect(r.resent).toEqual([tp(0, 40)]);
    expect(c.stored.get('warden.events.v1/0')).toBe(40n);
    // 40 is still watched until a fetch confirms it.
    expect(await v.verify(c)).toEqual({ resent: [], confirmed: 1 });
    expect(v.pending()).toBe(0);
  });

  it('keeps watching a newer offset when an older one is confirmed during the fetch', async () => {
    const c = new Coordinator();
    c.owned = [tp(0, 0)];
    const v = new CommitVerifier();
    c.store(tp(0, 10));
    v.committing([tp(0, 10)]);
    c.duringFetch = () => v.committing([tp(0, 25)]);
    expect(await v.verify(c)).toEqual({ resent: [], confirmed: 1 });
    // 25 was never stored: the next round resends it.
    expect(v.pending()).toBe(1);
    expect((await v.verify(c)).resent).toEqual([tp(0, 25)]);
  });

  it('treats a coordinator answer without an offset as nothing stored', async () => {
    const v = new CommitVerifier();
    const resent: TopicPartitionOffset[][] = [];
    const client: CommitVerifierClient = {
      assigned: () => [{ topic: 't', partition: 0 }],
      committed: async () => [{ topic: 't', partition: 0, offset: '' }],
      commit: async (o) => void resent.push(o),
    };
    v.committing([{ topic: 't', partition: 0, offset: '5' }]);
    await v.verify(client);
    expect(resent).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
  });

  it('asks the coordinator nothing when no commit is watched', async () => {
    const v = new CommitVerifier();
    let fetched = 0;
    const client: CommitVerifierClient = {
      assigned: () => [{ topic: 't', partition: 0 }],
      committed: async () => {
        fetched++;
        return [];
      },
      commit: async () => undefined,
    };
    expect(await v.verify(client)).toEqual({ resent: [], confirmed: 0 });
    expect(fetched).toBe(0);
  });
});
