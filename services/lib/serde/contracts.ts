// Moved to the contracts package (schemas/runtime/serde/contracts.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/serde/contracts.ts';
