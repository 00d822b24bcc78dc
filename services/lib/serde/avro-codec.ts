// Moved to the contracts package (schemas/runtime/serde/avro-codec.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/serde/avro-codec.ts';
