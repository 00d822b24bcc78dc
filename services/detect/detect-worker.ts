import { workerData } from 'node:worker_threads';
import { buildDetectorChain, resolveDetectorConfig } from '../../detectors/index.ts';
import { createLogger } from '../../schemas/runtime/logger.ts';
import {
  type DetectionTask,
  toWorkerReply,
  unpackTask,
  type WireResult,
  type WorkerSettings,
} from './detection-task.ts';
import { runDetectors } from './detector-runner.ts';
import { createOnnxStage } from './onnx-injection-stage.ts';

/**
 * Runs in each piscina worker thread. The detector chain (RE2 compilation, the ML model) is built
 * once per thread when the module loads; every task then only scans.
 */
const settings = (workerData ?? {}) as WorkerSettings;
const overrides = {
  disabled: [...(settings.disabled ?? [])],
  chatGuardAgents: [...(settings.chatGuardAgents ?? [])],
  ...(settings.phoneRegions === undefined ? {} : { phoneRegions: [...settings.phoneRegions] }),
};
const chain = buildDetectorChain(overrides);

// With an ONNX classifier configured, `injection.ml` leaves the synchronous chain: the ONNX stage
// judges each event, and the built-in classifier only the events the stage hands back (fallbacks).
const builtinMl = chain.find((d) => d.id === 'injection.ml');
const onnx =
  settings.injectionOnnx && builtinMl
    ? createOnnxStage(settings.injectionOnnx, resolveDetectorConfig(overrides), {
        log: createLogger('detect-worker', settings.logLevel === undefined ? {} : { level: settings.logLevel }),
      })
    : null;
const syncChain = onnx ? chain.filter((d) => d !== builtinMl) : chain;

const faultExitOnText = settings.faultExitOnText ?? '';

export default function detect(task: DetectionTask): WireResult | Promise<WireResult> {
  const events = unpackTask(task);
  if (faultExitOnText !== '' && events.some((e) => e.content?.text.includes(faultExitOnText))) {
    // Fault injection (test/faults): the thread dies mid-task, as with a native crash. In a worker
    // thread process.exit ends that thread only; piscina rejects its task and starts a new worker.
    process.exit(70);
  }
  const { detections, detectorMicros } = runDetectors(syncChain, events);
  const reply = (): WireResult => ({
    detections: detections.map((d, i) => toWorkerReply(d, events[i]!)),
    detectorMicros,
  });
  if (!onnx || !builtinMl) return reply();
  return onnx.scan(events).then((scanned) => {
    detectorMicros['injection.onnx'] = scanned.micros;
    const fallbackIdx = scanned.findings.flatMap((f, i) => (f === null ? [i] : []));
    const fallback = runDetectors(
      [builtinMl],
      fallbackIdx.map((i) => events[i]!),
    );
    for (const [id, us] of Object.entries(fallback.detectorMicros)) detectorMicros[id] = (detectorMicros[id] ?? 0) + us;
    scanned.findings.forEach((f, i) => {
      if (f !== null) detections[i]!.findings.push(...f);
    });
    fallbackIdx.forEach((i, j) => {
      const d = fallback.detections[j]!;
      detections[i]!.findings.push(...d.findings);
      detections[i]!.failed.push(...d.failed);
    });
    return { ...reply(), onnxFallbacks: scanned.fallbacks };
  });
}
