import { describe, expect, it } from 'vitest';
import { DetectStats } from '../../../services/detect/stats.ts';
import { SinkStats } from '../../../services/sink/stats.ts';

describe('service metrics', () => {
  it('export the detect counters Prometheus scrapes, from the same numbers tests read', async () => {
    const stats = new DetectStats();
    stats.events = 12;
    stats.countAction('block');
    stats.countAction('block');
    stats.countAction('allow');
    stats.addDetectorMicros('pii', 2_500_000);
    stats.batchSeconds.observe(0.004);
    const text = await stats.registry.metrics();
    expect(text).toContain('detect_events_total 12');
    expect(text).toContain('detect_verdicts_total{action="block"} 2');
    expect(text).toContain('detect_detector_seconds_total{detector="pii"} 2.5');
    expect(text).toContain('detect_batch_duration_seconds_count 1');
  });

  it('export the sink counters', async () => {
    const stats = new SinkStats();
    stats.rowsInserted = 40;
    stats.deadLetters = 1;
    const text = await stats.registry.metrics();
    expect(text).toContain('sink_rows_inserted_total 40');
    expect(text).toContain('sink_dead_letters_total 1');
  });
});
