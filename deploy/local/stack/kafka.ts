import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { Component, Reporter } from './component.ts';
import type { StackConfig } from './config.ts';
import { startProcess } from './supervisor.ts';
import { requireJava, requireMaven, run } from './tools.ts';

const POM = fileURLToPath(new URL('../kafka/pom.xml', import.meta.url));

/** Where Apache Kafka's jars are cached (shared by the single broker and the cluster's nodes). */
export function kafkaLibs(config: StackConfig): string {
  return join(config.cacheDir, `kafka-${config.env.KAFKA_VERSION}`, 'libs');
}

/** Fetches Apache Kafka's jars from Maven Central once; later calls return at once. */
export async function installKafkaJars(config: StackConfig, report: Reporter): Promise<void> {
  const { env } = config;
  const libs = kafkaLibs(config);
  requireJava();
  if (existsSync(join(libs, '.complete'))) return;
  requireMaven();
  report(`fetching Apache Kafka ${env.KAFKA_VERSION} jars from Maven Central into ${libs}`);
  await run(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      POM,
      `-Dkafka.version=${env.KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libs}`,
      '-DincludeScope=runtime',
    ],
    report,
    'downloading Kafka jars',
  );
  writeFileSync(join(libs, '.complete'), `${new Date().toISOString()}\n`);
}

/** Apache Kafka in KRaft mode (combined broker + controller), from Apache's jars on Maven Central. */
export function kafkaComponent(config: StackConfig): Component {
  const { env } = config;
  const libs = kafkaLibs(config);
  const dataDir = join(config.dataDir, 'kafka');
  const confDir = join(config.home, 'conf', 'kafka');
  const logFile = join(config.logDir, 'kafka.log');
  const pidFile = join(config.runDir, 'kafka.pid');

  return {
    name: 'kafka',
    ports: [
      { port: env.KAFKA_PORT, envVar: 'KAFKA_PORT' },
      { port: env.KAFKA_CONTROLLER_PORT, envVar: 'KAFKA_CONTROLLER_PORT' },
    ],
    logFile,
    pidFile,

    preflight() {
      requireJava();
      if (!existsSync(join(libs, '.complete'))) requireMaven();
    },

    install: (report: Reporter) => installKafkaJars(config, report),

    async start(report: Reporter) {
      const java = requireJava();
      mkdirSync(confDir, { recursive: true });
      mkdirSync(dataDir, { recursive: true });
      const serverProps = join(confDir, 'server.properties');
      writeFileSync(serverProps, serverProperties(config, dataDir));
      const log4j = join(confDir, 'log4j2.properties');
      writeFileSync(log4j, log4jProperties(join(config.logDir, 'kafka-server.log')));
      const classpath = `${libs}/*`;
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        // KRaft refuses to start on unformatted storage; formatting once keeps data across restarts.
        const clusterId = kraftClusterId();
        report(`formatting KRaft storage in ${dataDir} (cluster ${clusterId})`);
        await run(
          java,
          [
            '-cp',
            classpath,
            `-Dlog4j2.configurationFile=${log4j}`,
            'kafka.tools.StorageTool',
            'format',
            '-t',
            clusterId,
            '-c',
            serverProps,
          ],
          report,
          'formatting Kafka storage',
        );
      }
      return startProcess({
        name: 'kafka',
        command: java,
        args: [
          `-Xmx${env.KAFKA_HEAP}`,
          `-Xms${env.KAFKA_HEAP}`,
          '-XX:+UseG1GC',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${log4j}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          serverProps,
        ],
        logFile,
        pidFile,
      });
    },

    async healthy() {
      // A real metadata round trip, not just an open port: the broker must have joined its own quorum.
      const admin = new Kafka({
        clientId: 'warden-stack-health',
        brokers: [`127.0.0.1:${env.KAFKA_PORT}`],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1000,
        retry: { retries: 0 },
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },

    describe() {
      return `Apache Kafka ${env.KAFKA_VERSION} (KRaft) on 127.0.0.1:${env.KAFKA_PORT}, data ${resolve(dataDir)}`;
    },
  };
}

function serverProperties(config: StackConfig, dataDir: string): string {
  const { env } = config;
  return `# Written by deploy/local on every start; edit deploy/local/stack/kafka.ts instead.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${env.KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${env.KAFKA_PORT},CONTROLLER://127.0.0.1:${env.KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${env.KAFKA_ADVERTISED_PORT ?? env.KAFKA_PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
num.partitions=${env.KAFKA_DEFAULT_PARTITIONS}
# Topics are created by warden's provisioning with explicit settings; a typo must not create one.
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# One local broker: no reason to wait for more members before the first rebalance.
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=268435456
message.max.bytes=10485760
`;
}

export function log4jProperties(file: string): string {
  return `status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = ${file}
appender.file.filePattern = ${file}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.kafka-request.name = kafka.request.logger
logger.kafka-request.level = warn
`;
}

/**
 * A random KRaft cluster id: 16 bytes in URL-safe base64, like Kafka's own `Uuid`. One that starts
 * with '-' is drawn again, as Kafka does: the storage tool's argument parser would read it as an
 * option ("--cluster-id: expected one argument"), which failed about one fresh start in 64.
 */
export function kraftClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
