// Moved to the contracts package (schemas/runtime/env-config.ts); this path stays for existing imports.
export * from '../../schemas/runtime/env-config.ts';
