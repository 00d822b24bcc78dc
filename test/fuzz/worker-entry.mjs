// A worker thread does not inherit the parent's loader hooks: register tsx's ESM hook, then load the
// TypeScript worker as ES modules (as services/detect/detect-worker-entry.mjs does for the pool).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
