// Moved to the contracts package (schemas/runtime/kafka/group-session-watchdog.ts); this path stays for existing imports.
export * from '../../../schemas/runtime/kafka/group-session-watchdog.ts';
