import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../../deploy/demo/fleet.ts';
import { eventRow } from '../../../services/sink/rows.ts';

describe('event rows', () => {
  it('never carry content or tool arguments in clear', () => {
    const fleet = generateFleet({ ...DEFAULT_FLEET, piiRate: 1 }, 1_764_000_000_000);
    for (let i = 0; i < 200; i++) {
      const { event } = fleet.next().value!;
      event.tool = event.tool ? { ...event.tool, arguments: '{"to":"jane.doe@example.com"}' } : null;
      const row = JSON.stringify(eventRow(event, { partition: 0, offset: '1', retentionDays: 30 }));
      if (event.content) expect(row).not.toContain(event.content.text);
      expect(row).not.toContain('jane.doe@example.com');
      expect(row).not.toContain('4111 1111');
    }
  });

  it('keeps the hash, length and lineage of the content', () => {
    const { event } = generateFleet(DEFAULT_FLEET, 1_764_000_000_000).next().value!;
    const row = eventRow(event, { partition: 4, offset: '99', retentionDays: 30 });
    expect(row).toMatchObject({
      content_sha256: event.content!.sha256,
      content_length: event.content!.length,
      kafka_partition: 4,
      kafka_offset: '99',
      retention_days: 30,
      ts: event.ts,
    });
  });
});
