/**
 * Where the time goes: reads the V8 CPU profiles (`--cpu-prof`) in a folder and prints, per
 * profile (process and thread), the share of samples by component — warden's own modules by
 * folder, dependencies by package, V8/Node internals — and the hottest functions by self time.
 *
 *   npx tsx bench/profile-summary.ts <dir> [--top=15] [--json]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [dir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!dir) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts <dir with .cpuprofile files> [--top=15] [--json]\n');
  process.exit(2);
}
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 15);
const json = process.argv.includes('--json');

/** Which component a frame belongs to: a package, a warden folder, or the runtime. */
function componentOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'V8 garbage collector';
  if (fn === '(idle)' || fn === '(program)') return fn;
  if (!url) return 'native / V8 builtins';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node core';
  const m = url.match(/\/(services|detectors|schemas|sdk|deploy)\/(.*)$/);
  if (m) return m[1] === 'services' || m[1] === 'detectors' ? `${m[1]}/${m[2]!.split('/')[0]}` : m[1]!;
  return url;
}

const out: Record<string, unknown>[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++)
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  let busy = 0;
  const components = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    const comp = componentOf(n.callFrame.url, fn);
    if (comp === '(idle)') continue;
    busy += us;
    components.set(comp, (components.get(comp) ?? 0) + us);
    const where = n.callFrame.url
      ? `${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`
      : '';
    const key = `${fn} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / busy) * 1000) / 10 }));
  out.push({
    profile: file,
    busy_ms: Math.round(busy / 1000),
    components: rank(components),
    functions: rank(functions),
  });
}

if (json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
else {
  for (const p of out as {
    profile: string;
    busy_ms: number;
    components: { name: string; ms: number; share: number }[];
    functions: { name: string; ms: number; share: number }[];
  }[]) {
    if (p.busy_ms < 50) continue;
    console.log(`\n${p.profile}: ${p.busy_ms} ms on CPU (idle excluded)`);
    console.log('  by component:');
    for (const c of p.components)
      console.log(`    ${c.share.toFixed(1).padStart(5)} %  ${String(c.ms).padStart(6)} ms  ${c.name}`);
    console.log('  hottest functions (self time):');
    for (const f of p.functions)
      console.log(`    ${f.share.toFixed(1).padStart(5)} %  ${String(f.ms).padStart(6)} ms  ${f.name}`);
  }
}
