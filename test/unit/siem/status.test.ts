import { describe, expect, it } from 'vitest';
import { renderSiemStatus } from '../../../cli/commands/siem-status.ts';
import { DestinationMetrics } from '../../../services/siem/metrics.ts';

describe('siem status', () => {
  it('shows per destination delivered, retried, dead-lettered, lag and latency from the forwarder counters', async () => {
    const m = new DestinationMetrics([
      { name: 'soc', type: 'syslog' },
      { name: 'splunk', type: 'hec' },
    ]);
    m.delivered('soc', 10, 0.004);
    m.delivered('soc', 5, 0.006);
    m.retried('splunk', 'SIEM_DESTINATION_UNAVAILABLE');
    m.deadLettered('splunk', 'SIEM_DESTINATION_UNAVAILABLE', 3);
    m.depth('splunk', 7);
    m.sourceRead('findings', 25);
    const text = renderSiemStatus(m.status());
    const [header, soc, splunk] = text.split('\n');
    expect(header).toMatch(/^DESTINATION\s+TYPE\s+DELIVERED\s+RETRIED\s+DEAD-LETTERED\s+LAG\s+LATENCY\s+LAST ERROR$/);
    expect(soc).toMatch(/^soc\s+syslog\s+15\s+0\s+0\s+0\s+5\.0 ms\s+-$/);
    expect(splunk).toMatch(/^splunk\s+hec\s+0\s+1\s+3\s+7\s+-\s+SIEM_DESTINATION_UNAVAILABLE at /);
    expect(text).toContain('findings: 25 read, 0 undecodable, lag 0');
    const prom = await m.registry.metrics();
    expect(prom).toContain('siem_delivered_records_total{destination="soc"} 15');
    expect(prom).toContain(
      'siem_dead_lettered_records_total{destination="splunk",code="SIEM_DESTINATION_UNAVAILABLE"} 3',
    );
    expect(prom).toContain('siem_destination_lag_records{destination="splunk"} 7');
  });
});
