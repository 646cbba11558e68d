/**
 * The CDK app: one activity-history stack configured from the context (`cdk.json` or `-c`), with
 * the cdk-nag AwsSolutions checks, environment-agnostic (the account and region come from the
 * deploying credentials), so a synth or deploy fails on any unacknowledged finding. The functions
 * run the handlers package's built bundles, as in a user's app: build them first
 * (`pnpm --filter @activity-history/handlers build`), or pass `-c handlerCode=sources` to bundle the
 * sources at synth instead (for `cdk watch`).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ActivityHistoryStack } from '../src/activity-history-stack.js';
import { stackPropsFromContext } from '../src/app-context.js';

const app = new App();
const { stackName, ...props } = stackPropsFromContext(app.node);
new ActivityHistoryStack(app, stackName, {
  ...props,
  description: 'activity-history: exact, self-explaining user-activity counting',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
