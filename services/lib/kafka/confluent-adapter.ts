// Moved to the contracts package (schemas/runtime/kafka/confluent-adapter.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/confluent-adapter.ts';
