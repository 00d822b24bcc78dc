import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_EVENT_INPUT_SCHEMA, renderAgentEventInputSchema } from '../../../schemas/codegen/json-schema.ts';

describe('REST body JSON Schema', () => {
  it('is the one derived from the Avro contract (run tsx schemas/codegen/json-schema.ts after editing the .avsc)', () => {
    expect(readFileSync(AGENT_EVENT_INPUT_SCHEMA, 'utf8')).toBe(renderAgentEventInputSchema());
  });
});
