import { formatMachine, machineInfo } from '../../bench/lib/machine.ts';
import { formatTable } from '../../bench/lib/table.ts';
import { runTarget, type TargetRun } from './run-target.ts';
import { TARGETS } from './targets.ts';

/**
 * `npm run fuzz -- [--runs=100000] [--seed=42] [--only=a,b] [--stall-s=60] [--json]`: every fuzz
 * target of test/fuzz/targets.ts in its own worker thread, one after the other. Prints a table
 * (parser, runs, failures, stalls, unhandled rejections, inputs/s, slowest input) and up to five
 * failing inputs per target with the seed and index that replay them; `--json` prints one object.
 * Exit code 1 when any target failed, stalled or left an unhandled rejection.
 */
type Row = TargetRun;

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const runs = Number(arg('runs', '100000'));
const seed = Number(arg('seed', '42'));
const stallMs = Number(arg('stall-s', '60')) * 1000;
const only = arg('only', '')
  .split(',')
  .filter((s) => s !== '');
const asJson = process.argv.includes('--json');
const names = only.length > 0 ? only : Object.keys(TARGETS);
for (const n of names) {
  if (!(n in TARGETS)) {
    process.stderr.write(`unknown target ${n}; targets: ${Object.keys(TARGETS).join(', ')}\n`);
    process.exit(2);
  }
}

const machine = machineInfo();
const rows: Row[] = [];
for (const name of names) {
  rows.push(
    await runTarget(name, {
      runs,
      seed,
      stallMs,
      onProgress: (done) => {
        if (!asJson) process.stderr.write(`\r${name}: ${done}/${runs}`);
      },
    }),
  );
  if (!asJson) process.stderr.write('\n');
}
const failed = rows.some((r) => r.failures > 0 || r.stalled || r.unhandled > 0);
if (asJson) {
  process.stdout.write(`${JSON.stringify({ machine, runsPerTarget: runs, seed, ok: !failed, targets: rows })}\n`);
} else {
  process.stdout.write(
    `${formatTable(
      ['parser', 'runs', 'failures', 'stalled', 'unhandled', 'inputs/s', 'slowest ms'],
      rows.map((r) => [
        r.name,
        String(r.runs),
        String(r.failures),
        r.stalled ? 'yes' : 'no',
        String(r.unhandled),
        r.seconds > 0 ? String(Math.round(r.runs / r.seconds)) : '-',
        r.slowestMs.toFixed(1),
      ]),
    )}\n${formatMachine(machine)}\n`,
  );
  for (const r of rows) {
    for (const e of r.examples) {
      process.stdout.write(`\n${r.name} seed=${e.seed} index=${e.index}: ${e.message}\n  input: ${e.input}\n`);
    }
    for (const m of r.unhandledMessages) process.stdout.write(`\n${r.name} unhandled: ${m}\n`);
  }
}
process.exit(failed ? 1 : 0);
