import { delimiter, dirname, join } from 'node:path';
import type { Stage } from '@activity-history/core';
import { type Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type FunctionProps,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  type HandlerCode,
  type HandlersSource,
  handlerBundleIn,
  installedHandlerBundle,
} from './handler-code.js';

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
 * How one function is sized and configured.
 *
 * @example
 * ```ts
 * const options: PipelineFunctionOptions = {
 *   code: { kind: 'package' }, memorySize: 512, timeout: Duration.seconds(10),
 *   logRetention: RetentionDays.ONE_MONTH, environment: { ACTIVITY_TABLE_NAME: 'activity' },
 * };
 * ```
 */
export interface PipelineFunctionOptions {
  readonly code: HandlerCode;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One stage's Lambda function, with what every stage shares: Node 22 on arm64, JSON logs into a log
 * group of its own with a retention, and a role of its own that may only write to that log group.
 * The code is the stage's ready-built ESM bundle (`<stage>/index.mjs`, the AWS SDK inside: the
 * bundles are self-contained), from the installed handlers package or a directory; or, inside
 * this repository, the entry `src/lambda/<stage>.ts` bundled by esbuild at synth, locally (never
 * Docker). The role deliberately does not take `AWSLambdaBasicExecutionRole`: that managed policy
 * lets a function create any log group and write to any of them. Grants on the pipeline's
 * resources are added by the caller, one by one.
 *
 * @example
 * ```ts
 * const { function: query } = new PipelineFunction(this, 'query', options);
 * table.grantReadData(query);
 * ```
 */
export class PipelineFunction extends Construct {
  readonly function: LambdaFunction;
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
    const settings = {
      description: `activity-history: the ${stage} stage`,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: options.memorySize,
      timeout: options.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { ...options.environment },
    } satisfies SharedSettings;
    const { code } = options;
    this.function =
      code.kind === 'sources'
        ? fromSources(this, stage, settings, code.source)
        : new LambdaFunction(this, 'Function', {
            ...settings,
            // The asset is the bundle's folder with the bundle alone: the metafile the build
            // writes beside it (as large as the bundle) is for the size checks, not for Lambda.
            code: Code.fromAsset(
              dirname(
                code.kind === 'package' ? installedHandlerBundle(stage) : handlerBundleIn(code.dir, stage),
              ),
              { exclude: ['*', '!index.mjs'] },
            ),
            handler: 'index.handler',
          });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is the runtime the handlers are built, bundled and tested for; a newer runtime is adopted deliberately, after the suite has run on it, not by a silent bump.',
    });
  }
}

/** What a function has whatever its code. */
type SharedSettings = Omit<FunctionProps, 'code' | 'handler'>;

/** The stage's function built by esbuild at synth from the handlers' sources in the workspace. */
const fromSources = (
  scope: Construct,
  stage: Stage,
  settings: SharedSettings,
  { workspaceRoot, handlersDir }: HandlersSource,
): NodejsFunction => {
  // CDK runs `pnpm exec esbuild` from the workspace root, where pnpm finds only what is on the
  // PATH: the handlers package's own esbuild is put there, so a synth works from any directory
  // (`pnpm --filter`, `cdk` in this package, vitest at the root) without a root dependency.
  const bundlingPath = [join(handlersDir, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter);
  return new NodejsFunction(scope, 'Function', {
    ...settings,
    entry: join(handlersDir, 'src', 'lambda', `${stage}.ts`),
    handler: 'handler',
    projectRoot: workspaceRoot,
    depsLockFilePath: join(workspaceRoot, 'pnpm-lock.yaml'),
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
      esbuildArgs: { '--conditions': '@activity-history/source' },
      tsconfig: join(handlersDir, 'tsconfig.json'),
      minify: true,
      sourceMap: false,
    },
  });
};
