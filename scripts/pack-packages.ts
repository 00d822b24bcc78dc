/**
 * Builds the workspace packages (schemas → @warden/contracts, detectors → @warden/detectors,
 * sdk → @warden/sdk) to JavaScript + .d.ts and packs each with `npm pack`, so they install into a
 * project that has never seen this repository.
 *
 *   npx tsx scripts/pack-packages.ts [--out=.warden/packages] [--json]
 *
 * In the repository the packages point at their TypeScript sources (tsx runs them, workspaces
 * link them); the packed ones point at `dist/`. One tsc run compiles all three with relative
 * imports rewritten to .js; an import that crosses into another package is then rewritten to that
 * package's name, so a packed package never reaches into a folder it does not ship.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const out = resolve(ROOT, process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? '.warden/packages');
const json = process.argv.includes('--json');

/** Folder → package, lowest layer first. */
const PACKAGES = [
  { dir: 'schemas', skip: ['codegen'] },
  { dir: 'detectors', skip: [] },
  { dir: 'sdk', skip: [] },
] as const;

interface Manifest {
  name: string;
  version: string;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  [k: string]: unknown;
}
const manifests = new Map(
  PACKAGES.map((p) => [p.dir, JSON.parse(readFileSync(join(ROOT, p.dir, 'package.json'), 'utf8')) as Manifest]),
);

const say = (line: string) => process.stderr.write(`${line}\n`);
function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

function walk(dir: string, skip: readonly string[] = []): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || skip.includes(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...walk(full));
    else files.push(full);
  }
  return files;
}

rmSync(out, { recursive: true, force: true });
const build = join(out, 'build');
mkdirSync(build, { recursive: true });

// 1. One compile of every package's sources.
const sources = PACKAGES.flatMap((p) =>
  walk(join(ROOT, p.dir), p.skip).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
);
const base = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
  compilerOptions: Record<string, unknown>;
};
const tsconfig = {
  compilerOptions: {
    ...base.compilerOptions,
    noEmit: false,
    declaration: true,
    rewriteRelativeImportExtensions: true,
    rootDir: ROOT,
    outDir: build,
  },
  files: sources,
};
writeFileSync(join(out, 'tsconfig.build.json'), JSON.stringify(tsconfig, null, 2));
say(`compiling ${sources.length} files of ${PACKAGES.length} packages…`);
run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(out, 'tsconfig.build.json')], ROOT);

// 2. Per package: dist/ from the build, assets beside it, cross-package imports by package name.
const packageOf = (absPath: string) =>
  PACKAGES.find((p) => absPath === join(build, p.dir) || absPath.startsWith(join(build, p.dir) + sep));
const tarballs: { name: string; version: string; tarball: string }[] = [];
for (const p of PACKAGES) {
  const manifest = manifests.get(p.dir)!;
  const stage = join(out, p.dir);
  const dist = join(stage, 'dist');
  cpSync(join(build, p.dir), dist, { recursive: true });
  // Files the code reads at run time (model weights, schemas): every non-TypeScript file.
  for (const f of walk(join(ROOT, p.dir), p.skip)) {
    if (f.endsWith('.ts') || f.endsWith('package.json') || f.endsWith('.md')) continue;
    const to = join(dist, relative(join(ROOT, p.dir), f));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(f, to);
  }
  for (const f of walk(dist).filter((x) => x.endsWith('.js') || x.endsWith('.d.ts'))) {
    const text = readFileSync(f, 'utf8');
    // Specifiers in tsc's own output (trusted text): `from '…'`, `import('…')`, `import '…'`.
    const rewritten = text.replace(
      /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)(['"])/g,
      (whole, pre, spec, post) => {
        const builtFile = resolve(dirname(join(build, p.dir, relative(dist, f))), spec);
        const owner = packageOf(builtFile);
        if (!owner || owner.dir === p.dir) return whole;
        const sub = relative(join(build, owner.dir), builtFile).split(sep).join(posix.sep);
        return `${pre}${manifests.get(owner.dir)!.name}/dist/${sub}${post}`;
      },
    );
    // tsc keeps `.ts` in the specifiers of declarations; consumers resolve `.js` to the `.d.ts`.
    const typed = f.endsWith('.d.ts')
      ? rewritten.replace(/((?:from|import)\s*\(?\s*['"][^'"]+)\.ts(['"])/g, '$1.js$2')
      : rewritten;
    if (typed !== text) writeFileSync(f, typed);
  }
  const published: Manifest = {
    ...manifest,
    main: existsSync(join(dist, 'index.js')) ? './dist/index.js' : undefined,
    types: existsSync(join(dist, 'index.d.ts')) ? './dist/index.d.ts' : undefined,
    exports: {
      ...(existsSync(join(dist, 'index.js'))
        ? { '.': { types: './dist/index.d.ts', default: './dist/index.js' } }
        : {}),
      './dist/*': './dist/*',
    } as unknown as Record<string, string>,
    files: ['dist', 'README.md'],
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  const readme = join(ROOT, p.dir, 'README.md');
  if (existsSync(readme)) cpSync(readme, join(stage, 'README.md'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], stage)) as { filename: string }[];
  tarballs.push({ name: manifest.name, version: manifest.version, tarball: join(out, packed[0]!.filename) });
  say(`packed ${manifest.name}@${manifest.version}`);
}

if (json) process.stdout.write(`${JSON.stringify(tarballs, null, 2)}\n`);
else for (const t of tarballs) process.stdout.write(`${t.name}@${t.version}  ${t.tarball}\n`);
