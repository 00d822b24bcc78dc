/**
 * The enforcement SDK a gateway imports. In-process:
 *
 *   const enforcer = await Enforcer.start({ tenantId, kafka: { KAFKA_BROKERS }, registry: url, topicPrefix });
 *   const d = enforcer.check(event);          // synchronous
 *   if (isDenied(d)) refuse(d.reasons); else forward(d.action === 'redact' ? d.redactedText : text);
 *
 * Gateways in other languages call services/decision (POST /v1/check) instead.
 */
export {
  type CacheOptions,
  type DetectorOptions,
  ENFORCER_DEFAULTS,
  type EnforcerOptions,
  type InlineCheckOptions,
  resolveEnforcerOptions,
  resolveInlineOptions,
} from './config.ts';
export {
  type Action,
  DecisionCache,
  type DecisionCacheStats,
  type StandingDecision,
  type StandingKind,
  standingKindOf,
} from './decision-cache.ts';
export { type DetachedEnforcerOptions, Enforcer, type EnforcerStats, type VerdictListener } from './enforcer.ts';
export {
  ACTION_RANK,
  createInlineChecker,
  type DecidedBy,
  type Decision,
  type DecisionFinding,
  defaultActionFor,
  type InlineChecker,
  isDenied,
  type StandingState,
} from './inline-check.ts';
export { type PolicyViolation, policyViolations } from './policy-check.ts';
export { subscribeVerdicts, type VerdictSubscription } from './verdict-subscriber.ts';
