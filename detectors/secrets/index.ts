import type { DetectorFactory } from '../detector.ts';
import { createPatternDetector, type PatternRule } from '../pattern-detector.ts';
import { anthropicRules } from './anthropic.ts';
import { awsRules } from './aws.ts';
import { azureRules } from './azure.ts';
import { connectionStringRules } from './connection-string.ts';
import { gcpRules } from './gcp.ts';
import { genericSecretRules } from './generic.ts';
import { githubRules } from './github.ts';
import { gitlabRules } from './gitlab.ts';
import { jwtRules } from './jwt.ts';
import { openaiRules } from './openai.ts';
import { privateKeyRules } from './private-key.ts';
import { slackRules } from './slack.ts';
import { stripeRules } from './stripe.ts';

export const SECRETS_VERSION = '1.0.0';

export const secretRules: readonly PatternRule[] = [
  ...awsRules,
  ...gcpRules,
  ...azureRules,
  ...githubRules,
  ...gitlabRules,
  ...slackRules,
  ...stripeRules,
  ...openaiRules,
  ...anthropicRules,
  ...privateKeyRules,
  ...jwtRules,
  ...connectionStringRules,
  ...genericSecretRules,
];

/** All secret rules in one RE2.Set pass; a specific token beats `secret.generic` on the same span. */
export const createSecretsDetector: DetectorFactory = (cfg, shared) =>
  createPatternDetector('secrets', SECRETS_VERSION, secretRules, cfg, shared?.prefilter);

export { createAnthropicDetector } from './anthropic.ts';
export { createAwsDetector } from './aws.ts';
export { createAzureDetector } from './azure.ts';
export { createConnectionStringDetector } from './connection-string.ts';
export { createGcpDetector } from './gcp.ts';
export { createGenericSecretDetector } from './generic.ts';
export { createGithubDetector } from './github.ts';
export { createGitlabDetector } from './gitlab.ts';
export { createJwtDetector } from './jwt.ts';
export { createOpenaiDetector } from './openai.ts';
export { createPrivateKeyDetector } from './private-key.ts';
export { createSlackDetector } from './slack.ts';
export { createStripeDetector } from './stripe.ts';
