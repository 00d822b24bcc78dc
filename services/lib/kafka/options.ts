// Moved to the contracts package (schemas/runtime/kafka/options.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/options.ts';
