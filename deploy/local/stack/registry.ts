import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component, Reporter } from './component.ts';
import type { StackConfig } from './config.ts';
import { startProcess } from './supervisor.ts';
import { requireJava, requireMaven, run } from './tools.ts';

const POM = fileURLToPath(new URL('../registry/pom.xml', import.meta.url));

/**
 * Apicurio Registry with its Confluent-compatible API. Schemas live in an H2 database file under
 * the stack's data folder, so schema ids stay valid for the records already in Kafka after a restart.
 */
export function registryComponent(config: StackConfig): Component {
  const { env } = config;
  const appDir = join(config.cacheDir, `apicurio-registry-${env.APICURIO_VERSION}`);
  const dataDir = join(config.dataDir, 'registry');
  const logFile = join(config.logDir, 'registry.log');
  const pidFile = join(config.runDir, 'registry.pid');
  const baseUrl = `http://127.0.0.1:${env.SCHEMA_REGISTRY_PORT}`;

  return {
    name: 'registry',
    ports: [{ port: env.SCHEMA_REGISTRY_PORT, envVar: 'SCHEMA_REGISTRY_PORT' }],
    logFile,
    pidFile,

    preflight() {
      requireJava();
      if (!existsSync(join(appDir, '.complete'))) requireMaven();
    },

    async install(report: Reporter) {
      requireJava();
      if (existsSync(join(appDir, '.complete'))) return;
      requireMaven();
      report(`fetching Apicurio Registry ${env.APICURIO_VERSION} (about 140 MB) from Maven Central into ${appDir}`);
      await run(
        'mvn',
        [
          '-B',
          '-q',
          '-f',
          POM,
          `-Dapicurio.version=${env.APICURIO_VERSION}`,
          'dependency:unpack-dependencies',
          `-DoutputDirectory=${appDir}`,
          // Maven's "already unpacked" markers live beside the output, so deleting the cache re-installs.
          `-DmarkersDirectory=${join(appDir, '.markers')}`,
        ],
        report,
        'downloading the schema registry',
      );
      writeFileSync(join(appDir, '.complete'), `${new Date().toISOString()}\n`);
    },

    async start() {
      const java = requireJava();
      mkdirSync(dataDir, { recursive: true });
      const runner = readdirSync(appDir).find((f) => f.endsWith('-runner.jar'));
      if (!runner) throw new Error(`no *-runner.jar in ${appDir}; delete the folder to re-install`);
      return startProcess({
        name: 'registry',
        command: java,
        args: [
          `-Xmx${env.REGISTRY_HEAP}`,
          '-XX:+UseSerialGC',
          '-Djava.awt.headless=true',
          '-jar',
          join(appDir, runner),
        ],
        cwd: appDir,
        env: {
          HTTP_PORT: String(env.SCHEMA_REGISTRY_PORT),
          QUARKUS_HTTP_HOST: '127.0.0.1',
          REGISTRY_DATASOURCE_URL: `jdbc:h2:file:${join(dataDir, 'registry')}`,
          QUARKUS_OTEL_SDK_DISABLED: 'true',
        },
        logFile,
        pidFile,
      });
    },

    async healthy() {
      const res = await fetch(`${baseUrl}/apis/ccompat/v7/subjects`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    },

    describe() {
      return `Apicurio Registry ${env.APICURIO_VERSION} on ${baseUrl} (Confluent API: ${baseUrl}/apis/ccompat/v7), data ${dataDir}`;
    },
  };
}
