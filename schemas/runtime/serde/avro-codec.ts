// The client module alone: the package index also loads every KMS driver and rule executor
// (AWS, Azure, GCP, Vault, CEL, JSONata), ~1.3 s of start-up per process that warden never uses.
import type { ClientConfig } from '@confluentinc/schemaregistry';
import { type Client, SchemaRegistryClient } from '@confluentinc/schemaregistry/dist/schemaregistry-client.js';
import avro from 'avsc';
import { WardenError } from '../errors.ts';
import { type TopicKey, topicName } from '../kafka/topics.ts';
import { checkAvroBounds, guardBlockCounts } from './avro-bounds.ts';
import { type ContractTopic, subjectFor, TOPIC_SCHEMAS, type TopicValue } from './contracts.ts';

export interface RegistryConnection {
  SCHEMA_REGISTRY_URL: string;
  SCHEMA_REGISTRY_USERNAME?: string | undefined;
  SCHEMA_REGISTRY_PASSWORD?: string | undefined;
}

export function createRegistryClient(conn: RegistryConnection): SchemaRegistryClient {
  const config: ClientConfig = { baseURLs: [conn.SCHEMA_REGISTRY_URL], maxRetries: 3, retriesWaitMs: 200 };
  if (conn.SCHEMA_REGISTRY_USERNAME) {
    config.basicAuthCredentials = {
      credentialsSource: 'USER_INFO',
      userInfo: `${conn.SCHEMA_REGISTRY_USERNAME}:${conn.SCHEMA_REGISTRY_PASSWORD ?? ''}`,
    };
  }
  return new SchemaRegistryClient(config);
}

/** Registers every contract under its topic's subject; idempotent (the registry returns the existing id). */
export async function registerContracts(client: Client, prefix: string): Promise<Record<ContractTopic, number>> {
  const ids = {} as Record<ContractTopic, number>;
  for (const [key, schema] of Object.entries(TOPIC_SCHEMAS) as [ContractTopic, string][]) {
    try {
      ids[key] = await client.register(subjectFor(topicName(prefix, key)), { schemaType: 'AVRO', schema }, false);
    } catch (err) {
      throw new WardenError('REGISTRY_UNREACHABLE', `registering ${key}: ${(err as Error).message}`, { cause: err });
    }
  }
  return ids;
}

type Resolver = ReturnType<avro.Type['createResolver']>;
/**
 * How to read one writer schema id: directly (it is this build's contract) or through a resolver;
 * `writer` is the schema the bytes were written with, which the bounds check walks.
 */
type Reader = { writer: avro.Type; resolver: Resolver | undefined };

const MAGIC = 0;
const HEADER_BYTES = 5;
/** Magic byte and registry id before every Avro body on the topics. */
export const FRAME_HEADER_BYTES = HEADER_BYTES;

/**
 * One topic's values in the Confluent wire format: magic byte 0, the 4-byte registry id of the
 * writer schema, the Avro body. The registry is asked once per schema id (through
 * @confluentinc/schemaregistry's client, which caches); encoding and decoding then run on avsc
 * directly. The library's own serializer costs 0.3–0.7 ms per record here (its rule engine runs on
 * every call), an order of magnitude more than the Avro work itself, on the path of every event.
 *
 * The writer schema is this build's contract (schemas/avro), looked up, never registered: a schema
 * change is a reviewed commit plus `provision`, not a side effect of deploying a producer. Records
 * written with another registered version are read through Avro schema resolution into this
 * build's shape.
 */
export class AvroCodec<K extends ContractTopic> {
  readonly topic: string;
  readonly subject: string;
  private readonly contract: avro.Type;
  /** The contract's own array/map readers refuse forged block counts (guardBlockCounts). */
  private readonly guarded: boolean;
  private writerId: Promise<number> | null = null;
  private knownId: number | null = null;
  private readonly readers = new Map<number, Promise<Reader>>();

  constructor(
    private readonly client: Client,
    prefix: string,
    key: K,
  ) {
    this.topic = topicName(prefix, key as TopicKey);
    this.subject = subjectFor(this.topic);
    this.contract = avro.Type.forSchema(JSON.parse(TOPIC_SCHEMAS[key]) as avro.Schema);
    this.guarded = guardBlockCounts(this.contract);
  }

  private schemaId(): Promise<number> {
    this.writerId ??= this.client
      .getId(this.subject, { schemaType: 'AVRO', schema: TOPIC_SCHEMAS[this.keyOf()] }, false)
      .then((id) => {
        this.knownId = id;
        this.readers.set(id, Promise.resolve({ writer: this.contract, resolver: undefined }));
        return id;
      })
      .catch((err: unknown) => {
        this.writerId = null;
        throw new WardenError(
          'REGISTRY_UNREACHABLE',
          `${this.subject}: this build's contract is not registered (${(err as Error).message}); run provisioning`,
          { cause: err },
        );
      });
    return this.writerId;
  }

  /**
   * The registry id of this build's contract once learnt (any encode or decode learns it), else
   * null. A body framed with it decodes with the contract alone (detect's workers rely on that).
   */
  get contractId(): number | null {
    return this.knownId;
  }

  private keyOf(): ContractTopic {
    return (Object.keys(TOPIC_SCHEMAS) as ContractTopic[]).find((k) => this.topic.endsWith(`warden.${k}.v1`))!;
  }

  async encode(value: TopicValue[K]): Promise<Buffer> {
    const id = await this.schemaId();
    let body: Buffer;
    try {
      body = this.contract.toBuffer(value);
    } catch (err) {
      throw new WardenError('SERDE_ENCODE_FAILED', `${this.subject}: ${invalidPaths(this.contract, value)}`, {
        cause: err,
      });
    }
    const framed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    framed[0] = MAGIC;
    framed.writeUInt32BE(id, 1);
    body.copy(framed, HEADER_BYTES);
    return framed;
  }

  async decode(payload: Buffer | null): Promise<TopicValue[K]> {
    if (payload === null || payload.length < HEADER_BYTES || payload[0] !== MAGIC) {
      throw new WardenError('SERDE_NOT_FRAMED', `${payload === null ? 'null value' : `${payload.length} bytes`}`);
    }
    const id = payload.readUInt32BE(1);
    const reader = await this.readerFor(id);
    try {
      const body = payload.subarray(HEADER_BYTES);
      // avsc trusts array/map block counts; a forged one would stall the consumer (avro-bounds.ts).
      // Bodies in this build's contract are bounded by its guarded readers as they decode; other
      // writer schemas go through avsc's resolver, whose readers are its own: walk those first.
      if (reader.resolver !== undefined || !this.guarded) checkAvroBounds(reader.writer, body);
      return this.contract.fromBuffer(body, reader.resolver) as TopicValue[K];
    } catch (err) {
      throw new WardenError('SERDE_DECODE_FAILED', `${this.subject} schema id ${id}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  private readerFor(id: number): Promise<Reader> {
    let reader = this.readers.get(id);
    if (!reader) {
      reader = this.resolveReader(id);
      this.readers.set(id, reader);
      reader.catch(() => this.readers.delete(id));
    }
    return reader;
  }

  private async resolveReader(id: number): Promise<Reader> {
    // Learn this build's own id first: records it wrote need no resolver.
    const own = await this.schemaId().catch(() => null);
    if (own === id) return { writer: this.contract, resolver: undefined };
    let schema: string;
    try {
      schema = (await this.client.getBySubjectAndId(this.subject, id)).schema;
    } catch (err) {
      throw new WardenError('SERDE_DECODE_FAILED', `${this.subject}: schema id ${id} is unknown to the registry`, {
        cause: err,
      });
    }
    try {
      const writer = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
      return { writer, resolver: this.contract.createResolver(writer) };
    } catch (err) {
      throw new WardenError('SERDE_DECODE_FAILED', `${this.subject}: schema id ${id} cannot be read as this contract`, {
        cause: err,
      });
    }
  }
}

/** Names every field path that does not match the contract, for an error a producer can act on. */
function invalidPaths(type: avro.Type, value: unknown): string {
  const paths: string[] = [];
  type.isValid(value, {
    errorHook: (path) => {
      if (paths.length < 5) paths.push(path.join('.') || '(root)');
    },
  });
  return paths.length > 0 ? `invalid ${paths.join(', ')}` : 'value does not encode';
}
