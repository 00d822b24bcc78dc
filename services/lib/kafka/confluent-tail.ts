// Moved to the contracts package (schemas/runtime/kafka/confluent-tail.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/confluent-tail.ts';
