// Moved to the contracts package (schemas/runtime/errors.ts); this path stays for existing imports.
export * from '../../schemas/runtime/errors.ts';
