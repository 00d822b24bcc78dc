import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Component, Reporter } from './component.ts';
import type { StackConfig } from './config.ts';
import { installKafkaJars, kafkaLibs, kraftClusterId, log4jProperties } from './kafka.ts';
import { startProcess } from './supervisor.ts';
import { requireJava, requireMaven, run } from './tools.ts';

/**
 * A KRaft cluster of `config.brokers` nodes on loopback, each a combined broker + controller (the
 * shape Strimzi's dual-role node pool runs in deploy/strimzi), from the same Apache jars as the
 * single broker. Node i listens on KAFKA_PORT + 2(i-1) (clients) and KAFKA_CONTROLLER_PORT + 2(i-1)
 * (quorum); its data lives in data/kafka-cluster/node-i, apart from the single broker's data/kafka,
 * so switching between the two never reuses storage formatted for the other quorum.
 */
export interface KafkaNode {
  readonly id: number;
  readonly port: number;
  readonly controllerPort: number;
}

export function kafkaNodes(config: StackConfig): KafkaNode[] {
  const { env } = config;
  return Array.from({ length: config.brokers }, (_, i) => ({
    id: i + 1,
    port: env.KAFKA_PORT + 2 * i,
    controllerPort: env.KAFKA_CONTROLLER_PORT + 2 * i,
  }));
}

/** The bootstrap list of every broker, as services take it in KAFKA_BROKERS. */
export function kafkaBootstrap(config: StackConfig): string {
  return kafkaNodes(config)
    .map((n) => `127.0.0.1:${n.port}`)
    .join(',');
}

/** Replicas a topic gets on this stack: 3 on a cluster of three or more (1 on the single broker). */
export function replicationFactor(config: StackConfig): number {
  return Math.min(config.brokers, 3);
}

/** Writes are acknowledged once this many replicas have them: 2 of 3, so one broker may be down. */
export function minInsyncReplicas(config: StackConfig): number {
  return Math.max(1, replicationFactor(config) - 1);
}

export function kafkaClusterComponents(config: StackConfig): Component[] {
  const clusterDir = join(config.dataDir, 'kafka-cluster');
  // Every node installs the same jars: one Maven run, awaited by all.
  let installing: Promise<void> | null = null;
  const install = (report: Reporter) => {
    installing ??= installKafkaJars(config, report);
    return installing;
  };
  return kafkaNodes(config).map((node) => nodeComponent(config, node, clusterDir, install));
}

function nodeComponent(
  config: StackConfig,
  node: KafkaNode,
  clusterDir: string,
  install: (report: Reporter) => Promise<void>,
): Component {
  const { env } = config;
  const name = `kafka-${node.id}`;
  const libs = kafkaLibs(config);
  const dataDir = join(clusterDir, `node-${node.id}`);
  const confDir = join(config.home, 'conf', name);
  const logFile = join(config.logDir, `${name}.log`);
  const pidFile = join(config.runDir, `${name}.pid`);
  const offset = 2 * (node.id - 1);

  return {
    name,
    ports: [
      { port: node.port, envVar: offset ? `KAFKA_PORT (+${offset} for ${name})` : 'KAFKA_PORT' },
      {
        port: node.controllerPort,
        envVar: offset ? `KAFKA_CONTROLLER_PORT (+${offset} for ${name})` : 'KAFKA_CONTROLLER_PORT',
      },
    ],
    logFile,
    pidFile,

    preflight() {
      requireJava();
      if (!existsSync(join(libs, '.complete'))) requireMaven();
    },

    install,

    async start(report: Reporter) {
      const java = requireJava();
      mkdirSync(confDir, { recursive: true });
      mkdirSync(dataDir, { recursive: true });
      const serverProps = join(confDir, 'server.properties');
      writeFileSync(serverProps, nodeProperties(config, node, dataDir));
      const log4j = join(confDir, 'log4j2.properties');
      writeFileSync(log4j, log4jProperties(join(config.logDir, `${name}-server.log`)));
      const classpath = `${libs}/*`;
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        const clusterId = sharedClusterId(clusterDir);
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
          `formatting ${name} storage`,
        );
      }
      return startProcess({
        name,
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
      // This node answers metadata and has registered with the quorum (which needs a majority up).
      const admin = new Kafka({
        clientId: 'warden-stack-health',
        brokers: [`127.0.0.1:${node.port}`],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1000,
        retry: { retries: 0 },
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.some((b) => b.nodeId === node.id);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },

    describe() {
      return `Apache Kafka ${env.KAFKA_VERSION} (KRaft node ${node.id}/${config.brokers}, broker + controller) on 127.0.0.1:${node.port}, data ${dataDir}`;
    },
  };
}

/** All nodes of one cluster are formatted with the same id; the first start creates it. */
function sharedClusterId(clusterDir: string): string {
  const file = join(clusterDir, 'cluster.id');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    // The storage tool refuses an id starting with '-', so no node was ever formatted with one
    // written before kraftClusterId() redrew them: replace it instead of failing every start.
    if (!stored.startsWith('-')) return stored;
  }
  mkdirSync(clusterDir, { recursive: true });
  const id = kraftClusterId();
  writeFileSync(file, `${id}\n`);
  return id;
}

function nodeProperties(config: StackConfig, node: KafkaNode, dataDir: string): string {
  const { env } = config;
  const voters = kafkaNodes(config)
    .map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`)
    .join(',');
  const rf = replicationFactor(config);
  const minIsr = minInsyncReplicas(config);
  return `# Written by deploy/local on every start; edit deploy/local/stack/kafka-cluster.ts instead.
process.roles=broker,controller
node.id=${node.id}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
num.partitions=${env.KAFKA_DEFAULT_PARTITIONS}
auto.create.topics.enable=false
# Every topic (warden's own and Kafka's internal ones) on ${rf} brokers; a write is acknowledged
# (acks=all) once ${minIsr} of them have it, so one broker can be lost without losing or refusing writes.
default.replication.factor=${rf}
min.insync.replicas=${minIsr}
offsets.topic.replication.factor=${rf}
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=${rf}
transaction.state.log.min.isr=${minIsr}
share.coordinator.state.topic.replication.factor=${rf}
share.coordinator.state.topic.min.isr=${minIsr}
# A replica that fell behind must not become leader: that would drop acknowledged writes.
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=268435456
message.max.bytes=10485760
`;
}
