import { destinationAllowed, destinationOf } from '../detectors/policy/destination.ts';
import type { AgentEvent } from '../schemas/generated/agent-event.ts';
import type { Policy } from '../schemas/runtime/control/control-state.ts';

/** One least-privilege rule an event breaks. Evidence names the tool, model or host: never content. */
export interface PolicyViolation {
  /** `policy.*` finding type, e.g. `policy.tool_not_allowed`. */
  readonly type: string;
  readonly evidence: string;
}

/**
 * Checks an event against the agent's allow-lists (DESIGN.md §4, policy): models, tools with their
 * mode, destinations and data classes. A null list allows everything; a null policy allows
 * everything (the built-in default). A tool call that does not declare its mode needs a write grant:
 * an undeclared mode is treated as the more powerful one (least privilege, fail closed).
 */
export function policyViolations(e: AgentEvent, policy: Policy | null): PolicyViolation[] {
  if (policy === null) return [];
  const out: PolicyViolation[] = [];
  if (policy.allowed_models !== null && e.model !== null && !policy.allowed_models.includes(e.model.name)) {
    out.push({ type: 'policy.model_not_allowed', evidence: e.model.name });
  }
  const tool = e.tool;
  if (tool !== null && (e.kind === 'tool_call' || e.kind === 'data_access')) {
    if (policy.allowed_tools !== null) {
      const grants = policy.allowed_tools.filter((g) => g.name === tool.name);
      const needed = tool.mode ?? 'write';
      if (grants.length === 0) {
        out.push({ type: 'policy.tool_not_allowed', evidence: tool.name });
      } else if (needed === 'write' && !grants.some((g) => g.mode === 'write')) {
        out.push({ type: 'policy.tool_mode_not_allowed', evidence: `${tool.name}:${tool.mode ?? 'undeclared'}` });
      }
    }
    if (policy.allowed_destinations !== null && tool.target !== null) {
      const destination = destinationOf(tool.target);
      if (!destinationAllowed(destination, policy.allowed_destinations)) {
        out.push({ type: 'policy.destination_not_allowed', evidence: destination });
      }
    }
  }
  if (policy.allowed_data_classes !== null) {
    const allowed = policy.allowed_data_classes;
    const denied = e.data_classes.filter((c) => !allowed.includes(c));
    if (denied.length > 0) out.push({ type: 'policy.data_class_not_allowed', evidence: denied.join(',') });
  }
  return out;
}
