import { describe, expect, it } from 'vitest';
import { EventProducer } from '../../../services/ingest/producer.ts';
import { pollUntil } from '../../helpers/poll.ts';
import { FakeKafkaProducer, silentLog } from './fakes.ts';

function setup(options: { maxInFlightBytes?: number; sendTimeoutMs?: number } = {}) {
  const kafka = new FakeKafkaProducer();
  kafka.autoAck = false;
  const producer = new EventProducer(kafka.asProducer(), {
    topic: 'warden.events.v1',
    maxInFlightBytes: options.maxInFlightBytes ?? 1_000_000,
    sendTimeoutMs: options.sendTimeoutMs ?? 60_000,
    log: silentLog,
  });
  producer.start();
  return { kafka, producer };
}

const msg = (n: number, size = 10) => ({ key: `acme:agent-${n}`, value: Buffer.alloc(size) });

describe('EventProducer', () => {
  it('resolves a send only after Kafka acknowledged it', async () => {
    const { kafka, producer } = setup();
    await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
    let done = false;
    const sent = producer.send([msg(1)]).then(() => {
      done = true;
    });
    await pollUntil(
      async () => kafka.waiting,
      (n) => n === 1,
      { what: 'a send in flight' },
    );
    expect(done).toBe(false);
    kafka.ackAll();
    await sent;
    expect(done).toBe(true);
    expect(producer.bytesInFlight).toBe(0);
  });

  it('coalesces calls that arrive while a send is in flight into the next single send', async () => {
    const { kafka, producer } = setup();
    await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
    const first = producer.send([msg(1)]);
    const later = [producer.send([msg(2)]), producer.send([msg(3), msg(4)])];
    await pollUntil(
      async () => kafka.waiting,
      (n) => n === 1,
      { what: 'first send' },
    );
    kafka.ackAll();
    await first;
    await pollUntil(
      async () => kafka.waiting,
      (n) => n === 1,
      { what: 'coalesced send' },
    );
    kafka.ackAll();
    await Promise.all(later);
    expect(kafka.sent.map((s) => s.messages.length)).toEqual([1, 3]);
  });

  it('answers 429 when the in-flight byte limit is reached', async () => {
    const { kafka, producer } = setup({ maxInFlightBytes: 100 });
    await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
    const first = producer.send([msg(1, 80)]);
    await expect(producer.send([msg(2, 80)])).rejects.toMatchObject({ code: 'INGEST_OVERLOADED', statusCode: 429 });
    kafka.ackAll();
    await first;
  });

  it('answers 503 when Kafka does not ack in time, then fails fast while the send is overdue', async () => {
    const { kafka, producer } = setup({ sendTimeoutMs: 100 });
    await pollUntil(async () => producer.isConnected, Boolean, { what: 'connected' });
    await expect(producer.send([msg(1)])).rejects.toMatchObject({ code: 'INGEST_KAFKA_UNAVAILABLE', statusCode: 503 });
    expect(producer.isStalled).toBe(true);
    await expect(producer.send([msg(2)])).rejects.toMatchObject({
      message: expect.stringContaining('waiting for acks'),
    });
    expect(kafka.sent).toHaveLength(1);
    kafka.failAll(new Error('broker gone'));
    await pollUntil(
      async () => producer.bytesInFlight,
      (b) => b === 0,
      { what: 'bytes released' },
    );
  });

  it('refuses sends while not connected', async () => {
    const kafka = new FakeKafkaProducer();
    kafka.connectError = new Error('ECONNREFUSED');
    const producer = new EventProducer(kafka.asProducer(), {
      topic: 't',
      maxInFlightBytes: 100,
      sendTimeoutMs: 100,
      log: silentLog,
    });
    producer.start();
    await expect(producer.send([msg(1)])).rejects.toMatchObject({ code: 'INGEST_KAFKA_UNAVAILABLE' });
    await producer.stop();
    expect(kafka.sent).toHaveLength(0);
  });
});
