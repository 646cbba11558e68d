import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGES, type Stage } from '@activity-history/core';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ActivityHistoryProps } from '../activity-history.js';
import { ActivityHistoryStack } from '../activity-history-stack.js';
import type { HandlerCode } from '../handler-code.js';

/** The smallest valid pipeline props: a token issuer and audience. */
export const TEST_PIPELINE: ActivityHistoryProps = {
  jwtIssuer: 'https://issuer.example.com/',
  jwtAudience: ['activity-history'],
};

/** How a test stack is built. */
export interface TestStackOptions {
  readonly pipeline?: Partial<ActivityHistoryProps>;
  readonly alarmTopicArn?: string;
  /**
   * The functions' code. Default: {@link stubBundles}, so that a synth needs no build of the
   * handlers (`pnpm test` runs before any build).
   */
  readonly handlerCode?: HandlerCode;
  /** Let CDK run bundling (esbuild, for `{ kind: 'sources' }`). Default: bundling skipped. */
  readonly bundle?: boolean;
  /** Where the cloud assembly goes (bundled assets included). Default: a temporary directory. */
  readonly outdir?: string;
}

let stubs: string | undefined;

/**
 * A bundle directory laid out like the handlers package's `dist` (`<stage>/index.mjs`), each a
 * one-line module: what the template tests synthesize, in a fraction of a second and without a
 * build. Made once per test process, in a temporary directory removed when the process exits.
 *
 * @example
 * ```ts
 * testTemplate({ handlerCode: { kind: 'bundle-dir', dir: stubBundles() } });
 * ```
 */
export const stubBundles = (): string => {
  if (stubs !== undefined) return stubs;
  const dir = mkdtempSync(join(tmpdir(), 'activity-history-stub-bundles-'));
  for (const stage of STAGES) {
    mkdirSync(join(dir, stage));
    writeFileSync(
      join(dir, stage, 'index.mjs'),
      `export const handler = async () => ${JSON.stringify(stage)};\n`,
    );
  }
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  stubs = dir;
  return dir;
};

/**
 * An app with one pipeline stack, its functions' code from {@link stubBundles} unless
 * `handlerCode` says otherwise. Unless `bundle` is set, the `aws:cdk:bundling-stacks` context is
 * empty, so CDK skips esbuild and a synth takes a fraction of a second.
 *
 * @example
 * ```ts
 * const { app, stack } = testStack({ pipeline: { parallelizationFactor: 4 } });
 * ```
 */
export const testStack = (options: TestStackOptions = {}): { app: App; stack: ActivityHistoryStack } => {
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    ...(options.bundle === true ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }),
  });
  const stack = new ActivityHistoryStack(app, 'ActivityHistory', {
    pipeline: {
      ...TEST_PIPELINE,
      handlerCode: options.handlerCode ?? { kind: 'bundle-dir', dir: stubBundles() },
      ...options.pipeline,
    },
    ...(options.alarmTopicArn === undefined ? {} : { alarmTopicArn: options.alarmTopicArn }),
  });
  return { app, stack };
};

/**
 * The CloudFormation template of a test stack.
 *
 * @example
 * ```ts
 * testTemplate().resourceCountIs('AWS::Lambda::Function', 4);
 * ```
 */
export const testTemplate = (options: TestStackOptions = {}): Template =>
  Template.fromStack(testStack(options).stack);

/** A resource of a template as CloudFormation has it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** The resources of a type, by logical id. */
export const resourcesOf = (template: Template, type: string): Record<string, TemplateResource> =>
  template.findResources(type) as Record<string, TemplateResource>;

const capitalized = (stage: Stage): string => `${stage[0]!.toUpperCase()}${stage.slice(1)}`;

/**
 * The logical id and properties of one stage's Lambda function (construct path
 * `Pipeline/<Stage>/Function`).
 *
 * @example
 * ```ts
 * functionOf(template, 'ingest').properties.Runtime; // 'nodejs22.x'
 * ```
 */
export const functionOf = (
  template: Template,
  stage: Stage,
): { readonly logicalId: string; readonly properties: Record<string, unknown> } => {
  const prefix = `Pipeline${capitalized(stage)}Function`;
  const matches = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(
    ([id]) => id.startsWith(prefix) && id.length === prefix.length + 8,
  );
  if (matches.length !== 1) throw new Error(`expected one ${stage} function, found ${matches.length}`);
  const [logicalId, resource] = matches[0]!;
  return { logicalId, properties: resource.Properties };
};

/** An IAM policy statement as synthesized. */
export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/**
 * Every statement of the policies attached to a stage's function role, and the role's managed
 * policies.
 *
 * @example
 * ```ts
 * actionsOf(rolePermissions(template, 'query').statements); // ['dynamodb:Query', ...]
 * ```
 */
export const rolePermissions = (
  template: Template,
  stage: Stage,
): { readonly statements: readonly PolicyStatementJson[]; readonly managedPolicies: unknown } => {
  const role = functionOf(template, stage).properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = role['Fn::GetAtt'][0];
  const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
    );
  const roleResource = resourcesOf(template, 'AWS::IAM::Role')[roleId];
  return { statements, managedPolicies: roleResource?.Properties.ManagedPolicyArns };
};

/** The actions of statements, flattened and sorted. */
export const actionsOf = (statements: readonly PolicyStatementJson[]): string[] =>
  statements.flatMap((statement) => [statement.Action].flat()).sort();
