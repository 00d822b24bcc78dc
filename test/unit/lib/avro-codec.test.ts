import { MockClient } from '@confluentinc/schemaregistry';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, generateFleet } from '../../../deploy/demo/fleet.ts';
import { checkAvroBounds, guardBlockCounts, MAX_ZERO_BYTE_ITEMS } from '../../../schemas/runtime/serde/avro-bounds.ts';
import { topicName } from '../../../services/lib/kafka/topics.ts';
import { AvroCodec, registerContracts } from '../../../services/lib/serde/avro-codec.ts';
import { subjectFor, TOPIC_SCHEMAS } from '../../../services/lib/serde/contracts.ts';

// The registry client here is the library's in-memory one: these tests are about framing and
// schema resolution; test/integration covers the real registry.
async function setup() {
  const client = new MockClient({ baseURLs: ['http://registry.invalid'] });
  const ids = await registerContracts(client, '');
  return { client, ids, codec: new AvroCodec(client, '', 'events') };
}

const event = () => generateFleet(DEFAULT_FLEET, 1_764_000_000_000).next().value!.event;

describe('Avro codec', () => {
  it('frames values with magic byte 0 and the registered schema id', async () => {
    const { codec, ids } = await setup();
    const bytes = await codec.encode(event());
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(ids.events);
    expect(await codec.decode(bytes)).toEqual(event());
  });

  it('names the fields that break the contract', async () => {
    const { codec } = await setup();
    const bad = { ...event(), kind: 'teleport', tenant_id: 42 } as unknown as ReturnType<typeof event>;
    await expect(codec.encode(bad)).rejects.toMatchObject({
      code: 'SERDE_ENCODE_FAILED',
      message: expect.stringMatching(/tenant_id.*kind|kind.*tenant_id/),
    });
  });

  it('reads records written with an older registered version through schema resolution', async () => {
    const { client } = await setup();
    const old = JSON.parse(TOPIC_SCHEMAS.verdicts) as { fields: { name: string }[] };
    old.fields = old.fields.filter((f) => !['shadow_action', 'redacted_text', 'redacted_arguments'].includes(f.name));
    const subject = subjectFor(topicName('', 'verdicts'));
    const oldId = await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(old) });
    const avro = await import('avsc');
    const body = avro.default.Type.forSchema(old as never).toBuffer({
      verdict_id: 'v-1',
      event_id: 'e-1',
      tenant_id: 'acme',
      agent_id: 'a',
      session_id: null,
      credential_id: null,
      action: 'block',
      scope: 'event',
      reasons: ['secret.aws_access_key'],
      policy_id: 'builtin',
      policy_version: 1,
      issued_at: 1,
      expires_at: null,
      latency_ms: 2,
    });
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), body]);
    framed.writeUInt32BE(oldId, 1);
    const decoded = await new AvroCodec(client, '', 'verdicts').decode(framed);
    expect(decoded).toMatchObject({ action: 'block', redacted_text: null, shadow_action: null });
  });

  it('rejects a schema id the registry does not know', async () => {
    const { codec } = await setup();
    const framed = Buffer.from([0, 0, 0, 0x7f, 0x7f, 1, 2]);
    await expect(codec.decode(framed)).rejects.toMatchObject({ code: 'SERDE_DECODE_FAILED' });
  });

  it('refuses an array block count larger than the bytes left, as SERDE_DECODE_FAILED', async () => {
    const { client } = await setup();
    const codec = new AvroCodec(client, '', 'events');
    const framed = await codec.encode({ ...event(), data_classes: ['ZZZZ'] });
    // data_classes: block count 1 (zigzag 0x02), string length 4 (0x08), 'ZZZZ', end of blocks (0x00).
    const block = Buffer.from([0x02, 0x08, 0x5a, 0x5a, 0x5a, 0x5a, 0x00]);
    const at = framed.indexOf(block);
    expect(at).toBeGreaterThan(0);
    // ~2^62 items: avsc alone would loop on it for minutes.
    const huge = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    const poison = Buffer.concat([framed.subarray(0, at), huge, framed.subarray(at + 1)]);
    await expect(codec.decode(poison)).rejects.toMatchObject({
      code: 'SERDE_DECODE_FAILED',
      message: expect.stringMatching(/array block of \d+ items with only \d+ bytes left/),
    });
  });

  it('refuses a map block count larger than the bytes left', () => {
    const map = avro.Type.forSchema({ type: 'map', values: 'string' });
    const huge = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x02, 0x61]);
    expect(() => checkAvroBounds(map, huge)).toThrow(/map block of \d+ items with only 2 bytes left/);
    expect(() => checkAvroBounds(map, map.toBuffer({ a: 'x', b: 'y' }))).not.toThrow();
  });

  it('caps arrays of zero-byte items, which no byte count bounds', () => {
    const nulls = avro.Type.forSchema({ type: 'array', items: 'null' });
    expect(() => checkAvroBounds(nulls, nulls.toBuffer(Array(10).fill(null)))).not.toThrow();
    const tooMany = nulls.toBuffer(Array(MAX_ZERO_BYTE_ITEMS + 1).fill(null));
    expect(() => checkAvroBounds(nulls, tooMany)).toThrow(/zero-byte items/);
  });

  it('guarded readers refuse forged array and map counts as they decode, without the walk', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'attrs', type: { type: 'map', values: 'string' } },
      ],
    });
    expect(guardBlockCounts(type)).toBe(true);
    const huge = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    // tags: ~2^62 items, then 'a'.
    expect(() => type.fromBuffer(Buffer.from([...huge, 0x02, 0x61, 0x00, 0x00]))).toThrow(
      /array block of \d+ items with only 4 bytes left/,
    );
    // tags empty; attrs: ~2^62 entries.
    expect(() => type.fromBuffer(Buffer.from([0x00, ...huge, 0x02, 0x61, 0x02, 0x62, 0x00]))).toThrow(
      /map block of \d+ items with only 5 bytes left/,
    );
    // A negative count (a block with its byte size) still reads, as avsc's own readers do.
    const blocked = Buffer.from([0x01, 0x04, 0x02, 0x61, 0x00, 0x00]);
    expect(type.fromBuffer(blocked)).toEqual(avro.Type.forSchema(type.schema()).fromBuffer(blocked));
  });

  it('does not guard arrays of zero-byte items: the walk and its item limit still run for them', () => {
    expect(guardBlockCounts(avro.Type.forSchema({ type: 'array', items: 'null' }))).toBe(false);
  });

  it('guarded readers decode every contract exactly as avsc does (events, verdicts, findings of the fleet)', async () => {
    const fleet = generateFleet(DEFAULT_FLEET, 1_764_000_000_000);
    const guarded = avro.Type.forSchema(JSON.parse(TOPIC_SCHEMAS.events) as avro.Schema);
    const plain = avro.Type.forSchema(JSON.parse(TOPIC_SCHEMAS.events) as avro.Schema);
    expect(guardBlockCounts(guarded)).toBe(true);
    for (const k of ['verdicts', 'findings', 'control'] as const) {
      expect(guardBlockCounts(avro.Type.forSchema(JSON.parse(TOPIC_SCHEMAS[k]) as avro.Schema))).toBe(true);
    }
    for (let i = 0; i < 500; i++) {
      const bytes = plain.toBuffer(fleet.next().value!.event);
      expect(guarded.fromBuffer(bytes)).toEqual(plain.fromBuffer(bytes));
    }
  });

  it('passes every event the demo fleet encodes', async () => {
    const { client } = await setup();
    const codec = new AvroCodec(client, '', 'events');
    const fleet = generateFleet(DEFAULT_FLEET, 1_764_000_000_000);
    for (let i = 0; i < 200; i++) {
      const e = fleet.next().value!.event;
      expect(await codec.decode(await codec.encode(e))).toEqual(e);
    }
  });
});
