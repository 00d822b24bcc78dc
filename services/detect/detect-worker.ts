import { workerData } from 'node:worker_threads';
import { buildDetectorChain } from '../../detectors/index.ts';
import { type DetectionTask, toWorkerReply, type WireResult, type WorkerSettings } from './detection-task.ts';
import { runDetectors } from './detector-runner.ts';

/**
 * Runs in each piscina worker thread. The detector chain (RE2 compilation, the ML model) is built
 * once per thread when the module loads; every task then only scans.
 */
const settings = (workerData ?? {}) as WorkerSettings;
const chain = buildDetectorChain({
  disabled: [...(settings.disabled ?? [])],
  chatGuardAgents: [...(settings.chatGuardAgents ?? [])],
  ...(settings.phoneRegions === undefined ? {} : { phoneRegions: [...settings.phoneRegions] }),
});

const faultExitOnText = settings.faultExitOnText ?? '';

export default function detect(task: DetectionTask): WireResult {
  if (faultExitOnText !== '' && task.events.some((e) => e.content?.text.includes(faultExitOnText))) {
    // Fault injection (test/faults): the thread dies mid-task, as with a native crash. In a worker
    // thread process.exit ends that thread only; piscina rejects its task and starts a new worker.
    process.exit(70);
  }
  const { detections, detectorMicros } = runDetectors(chain, task.events);
  return { detections: detections.map((d, i) => toWorkerReply(d, task.events[i]!)), detectorMicros };
}
