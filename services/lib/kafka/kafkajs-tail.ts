// Moved to the contracts package (schemas/runtime/kafka/kafkajs-tail.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/kafkajs-tail.ts';
