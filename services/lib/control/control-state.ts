// Moved to the contracts package (schemas/runtime/control/control-state.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/control/control-state.ts';
