import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Stage } from '@activity-history/core';
import { type Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ActivityHistoryPropsError } from './errors.js';

/**
 * Gives an ESM bundle the `require` that CommonJS dependencies of the AWS SDK call: without it the
 * bundle fails at load with "Dynamic require of ... is not supported". The same banner as the
 * handlers package's own build (`packages/handlers/scripts/bundle.ts`).
 *
 * @example
 * ```ts
 * new NodejsFunction(this, 'Fn', { entry, bundling: { format: OutputFormat.ESM, banner: CREATE_REQUIRE_BANNER } });
 * ```
 */
export const CREATE_REQUIRE_BANNER =
  "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);";

/**
 * The Lambda runtime of every function: the handlers are built and tested for Node 22 (and 20).
 *
 * @example
 * ```ts
 * FUNCTION_RUNTIME.name; // 'nodejs22.x'
 * ```
 */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * Where the workspace and the handlers' sources are, for bundling.
 *
 * @example
 * ```ts
 * const source: HandlersSource = { workspaceRoot: '/src/activity-history', handlersDir: '/src/activity-history/packages/handlers' };
 * ```
 */
export interface HandlersSource {
  /** The workspace root, holding `pnpm-lock.yaml` (which tells CDK to run esbuild through pnpm). */
  readonly workspaceRoot: string;
  /** The handlers package: entries are `<handlersDir>/src/lambda/<stage>.ts`. */
  readonly handlersDir: string;
}

/**
 * Finds the workspace around this module (the nearest directory with `pnpm-workspace.yaml`), so
 * the app bundles the handlers of the same checkout whether it runs from `src` or from `dist`.
 *
 * @example
 * ```ts
 * const { handlersDir } = workspaceHandlersSource(); // .../packages/handlers
 * ```
 */
export const workspaceHandlersSource = (
  from: string = dirname(fileURLToPath(import.meta.url)),
): HandlersSource => {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ActivityHistoryPropsError(
        `no pnpm workspace found above ${from}: pass handlersSource to point at the handlers package`,
      );
    }
    dir = parent;
  }
  return { workspaceRoot: dir, handlersDir: join(dir, 'packages', 'handlers') };
};

/**
 * How one function is sized and configured.
 *
 * @example
 * ```ts
 * const options: PipelineFunctionOptions = {
 *   source: workspaceHandlersSource(), memorySize: 512, timeout: Duration.seconds(10),
 *   logRetention: RetentionDays.ONE_MONTH, environment: { ACTIVITY_TABLE_NAME: 'activity' },
 * };
 * ```
 */
export interface PipelineFunctionOptions {
  readonly source: HandlersSource;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One stage's Lambda function, with what every stage shares: the handlers' entry
 * `src/lambda/<stage>.ts` bundled locally by esbuild (never Docker) as ESM for Node 22 on arm64,
 * the AWS SDK inside the bundle (the contract's bundles are self-contained), JSON logs into a log
 * group of its own with a retention, and a role of its own that may only write to that log group.
 * The role deliberately does not take `AWSLambdaBasicExecutionRole`: that managed policy lets a
 * function create any log group and write to any of them. Grants on the pipeline's resources are
 * added by the caller, one by one.
 *
 * @example
 * ```ts
 * const { function: query } = new PipelineFunction(this, 'query', options);
 * table.grantReadData(query);
 * ```
 */
export class PipelineFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, stage: Stage, options: PipelineFunctionOptions) {
    super(scope, `${stage[0]!.toUpperCase()}${stage.slice(1)}`);
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: options.logRetention });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `The ${stage} function of the activity-history pipeline`,
    });
    this.logGroup.grantWrite(this.role);
    const { workspaceRoot, handlersDir } = options.source;
    // CDK runs `pnpm exec esbuild` from the workspace root, where pnpm finds only what is on the
    // PATH: the handlers package's own esbuild is put there, so a synth works from any directory
    // (`pnpm --filter`, `cdk` in this package, vitest at the root) without a root dependency.
    const bundlingPath = [join(handlersDir, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter);
    this.function = new NodejsFunction(this, 'Function', {
      description: `activity-history: the ${stage} stage`,
      entry: join(handlersDir, 'src', 'lambda', `${stage}.ts`),
      handler: 'handler',
      projectRoot: workspaceRoot,
      depsLockFilePath: join(workspaceRoot, 'pnpm-lock.yaml'),
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { ...options.environment },
      bundling: {
        forceDockerBundling: false,
        environment: { PATH: bundlingPath },
        format: OutputFormat.ESM,
        target: 'node22',
        banner: CREATE_REQUIRE_BANNER,
        bundleAwsSDK: true,
        externalModules: [],
        mainFields: ['module', 'main'],
        // Workspace packages export their TypeScript sources under the `source` condition: no
        // build of the other packages is needed before a synth.
        esbuildArgs: { '--conditions': 'source' },
        tsconfig: join(handlersDir, 'tsconfig.json'),
        minify: true,
        sourceMap: false,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is the runtime the handlers are built, bundled (target node22) and tested for; a newer runtime is adopted deliberately, after the suite has run on it, not by a silent bump.',
    });
  }
}
