// Moved to the contracts package (schemas/runtime/logger.ts); this path stays for existing imports.
export * from '../../schemas/runtime/logger.ts';
