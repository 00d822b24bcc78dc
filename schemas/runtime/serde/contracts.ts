import type { AgentEvent, ControlRecord, Finding, Verdict } from '../../generated/index.ts';
import { AgentEventSchema, ControlRecordSchema, FindingSchema, VerdictSchema } from '../../generated/index.ts';
import type { TopicKey } from '../kafka/topics.ts';

/** Which Avro contract each topic carries. The DLQ carries raw rejected bytes, so it has none. */
export interface TopicValue {
  events: AgentEvent;
  findings: Finding;
  verdicts: Verdict;
  control: ControlRecord;
}

export type ContractTopic = keyof TopicValue & TopicKey;

export const TOPIC_SCHEMAS: Readonly<Record<ContractTopic, string>> = {
  events: AgentEventSchema,
  findings: FindingSchema,
  verdicts: VerdictSchema,
  control: ControlRecordSchema,
};

/** TopicNameStrategy, the Confluent default, so any Confluent-compatible consumer can read our topics. */
export function subjectFor(topic: string): string {
  return `${topic}-value`;
}
