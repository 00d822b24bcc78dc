// Moved to the contracts package (schemas/runtime/kafka/client.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/client.ts';
