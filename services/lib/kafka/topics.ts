// Moved to the contracts package (schemas/runtime/kafka/topics.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/topics.ts';
