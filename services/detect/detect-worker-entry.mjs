// The pool's worker entry. Piscina require()s a worker file first; for a .ts file that works through
// tsx's CommonJS hook, and the whole detector library then runs as esbuild's CommonJS output, where
// every imported binding is a getter on a module object: the classifier's inner loop ran 5x slower
// (bench/RESULTS.md). An .mjs file cannot be require()d, so piscina import()s this one, and it loads
// the worker as ES modules through tsx's ESM hook, registered here because a worker thread does not
// inherit the parent's loader hooks.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./detect-worker.ts');

export default worker.default;
