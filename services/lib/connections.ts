import { Type } from '@sinclair/typebox';

/**
 * Environment variables shared by every service that talks to the backbone. Each service's
 * config.ts spreads these into its own schema, so the names and defaults are defined once.
 * Defaults point at the local stack (deploy/local); production sets them to real clusters.
 */
export const ConnectionEnv = {
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', description: 'Comma-separated Kafka bootstrap servers' }),
  KAFKA_CLIENT_ID: Type.String({ default: 'warden' }),
  KAFKA_CLIENT: Type.Union([Type.Literal('auto'), Type.Literal('confluent'), Type.Literal('kafkajs')], {
    default: 'auto',
    description: 'Client library for producers and consumers; auto = librdkafka when installed, else kafkajs',
  }),
  KAFKA_SSL: Type.Boolean({ default: false, description: 'Use TLS to the brokers' }),
  KAFKA_SSL_CA_FILE: Type.Optional(Type.String({ description: 'PEM CA bundle for the brokers (TLS)' })),
  KAFKA_SASL_MECHANISM: Type.Optional(
    Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
  ),
  KAFKA_SASL_USERNAME: Type.Optional(Type.String()),
  KAFKA_SASL_PASSWORD: Type.Optional(Type.String()),
  KAFKA_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  KAFKA_DEBUG: Type.Optional(
    Type.String({
      pattern: '^[a-z]+(,[a-z]+)*$',
      description: "librdkafka debug contexts (e.g. 'cgrp,topic,fetch'), logged at info; troubleshooting only",
    }),
  ),
  KAFKA_TOPIC_PREFIX: Type.String({
    default: '',
    description: 'Prefix for every warden topic (tests use it to isolate runs)',
  }),
  SCHEMA_REGISTRY_URL: Type.String({
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    description: 'Confluent-compatible schema registry base URL',
  }),
  SCHEMA_REGISTRY_USERNAME: Type.Optional(Type.String()),
  SCHEMA_REGISTRY_PASSWORD: Type.Optional(Type.String()),
  CLICKHOUSE_URL: Type.String({ default: 'http://127.0.0.1:8123', description: 'ClickHouse HTTP endpoint' }),
  CLICKHOUSE_USER: Type.String({ default: 'default' }),
  CLICKHOUSE_PASSWORD: Type.String({ default: '' }),
  CLICKHOUSE_DATABASE: Type.String({ default: 'warden', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
};
