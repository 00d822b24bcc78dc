export {
  BUDGET_STATE_VERSION,
  type BudgetBreach,
  type BudgetSnapshot,
  BudgetState,
  BudgetStateError,
  DAY_MS,
  deserializeBudgetState,
  emptyBudgetState,
  serializeBudgetState,
  stepBudgets,
  stepBudgetsInPlace,
} from './budgets.ts';
export { BUILTIN_POLICY, type Policy, type PolicySource, type SelectedPolicy, selectPolicy } from './builtin-policy.ts';
export {
  DEFAULT_POLICY_EVAL_CONFIG,
  PolicyConfigError,
  type PolicyEvalConfig,
  policyEvalConfigFromThresholds,
} from './config.ts';
export { DATA_CLASS_RULES, eventDataClasses, inferDataClasses } from './data-classes.ts';
export { DETECTOR_FAILED, type Decision, type DecisionContext, decide } from './decide.ts';
export {
  ACTION_ORDER,
  type Action,
  actionRank,
  DEFAULT_ACTION_RULES,
  defaultAction,
  policyAction,
  type Scope,
} from './default-actions.ts';
export { destinationAllowed, destinationOf, matchesDestination, normalizeHost } from './destination.ts';
export { createPolicyDetector, type PolicyAgentState } from './detector.ts';
export {
  nameMatches,
  POLICY_TYPES,
  POLICY_VERSION,
  type PolicyInput,
  type PolicyStep,
  stepPolicy,
} from './evaluate.ts';
