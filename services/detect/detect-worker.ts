import { workerData } from 'node:worker_threads';
import { buildDetectorChain } from '../../detectors/index.ts';
import type { DetectionResult, DetectionTask, WorkerSettings } from './detection-task.ts';
import { runDetectors } from './detector-runner.ts';

/**
 * Runs in each piscina worker thread. The detector chain (RE2 compilation, the ML model) is built
 * once per thread when the module loads; every task then only scans.
 */
const settings = (workerData ?? {}) as WorkerSettings;
const chain = buildDetectorChain({
  disabled: [...(settings.disabled ?? [])],
  chatGuardAgents: [...(settings.chatGuardAgents ?? [])],
});

export default function detect(task: DetectionTask): DetectionResult {
  return runDetectors(chain, task.events);
}
