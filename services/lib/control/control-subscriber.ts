// Moved to the contracts package (schemas/runtime/control/control-subscriber.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/control/control-subscriber.ts';
