import {
  AvroDeserializer,
  AvroSerializer,
  type ClientConfig,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { WardenError } from '../errors.ts';
import { type TopicKey, topicName } from '../kafka/topics.ts';
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
export async function registerContracts(
  client: SchemaRegistryClient,
  prefix: string,
): Promise<Record<ContractTopic, number>> {
  const ids = {} as Record<ContractTopic, number>;
  for (const [key, schema] of Object.entries(TOPIC_SCHEMAS) as [ContractTopic, string][]) {
    try {
      ids[key] = await client.register(subjectFor(topicName(prefix, key)), { schemaType: 'AVRO', schema });
    } catch (err) {
      throw new WardenError('REGISTRY_UNREACHABLE', `registering ${key}: ${(err as Error).message}`, { cause: err });
    }
  }
  return ids;
}

/**
 * Encodes and decodes one topic's values in the Confluent wire format (magic byte 0, 4-byte
 * schema id, Avro body) through @confluentinc/schemaregistry, so any Confluent consumer reads them.
 */
export class AvroCodec<K extends ContractTopic> {
  readonly topic: string;
  private readonly serializer: AvroSerializer;
  private readonly deserializer: AvroDeserializer;

  constructor(client: SchemaRegistryClient, prefix: string, key: K) {
    this.topic = topicName(prefix, key as TopicKey);
    // Producers use the registered version rather than auto-registering: a schema change is a
    // reviewed commit plus `provision`, never a side effect of deploying a producer.
    this.serializer = new AvroSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    });
    this.deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  }

  async encode(value: TopicValue[K]): Promise<Buffer> {
    try {
      return await this.serializer.serialize(this.topic, value);
    } catch (err) {
      throw new WardenError('SERDE_ENCODE_FAILED', (err as Error).message, { cause: err });
    }
  }

  async decode(payload: Buffer | null): Promise<TopicValue[K]> {
    if (payload === null || payload.length < 5 || payload[0] !== 0) {
      throw new WardenError('SERDE_NOT_FRAMED', `${payload === null ? 'null value' : `${payload.length} bytes`}`);
    }
    try {
      return (await this.deserializer.deserialize(this.topic, payload)) as TopicValue[K];
    } catch (err) {
      throw new WardenError('SERDE_DECODE_FAILED', (err as Error).message, { cause: err });
    }
  }
}
