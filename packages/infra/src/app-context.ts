import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { ActivityHistoryProps } from './activity-history.js';
import type { ActivityHistoryStackProps } from './activity-history-stack.js';
import { ActivityHistoryPropsError } from './errors.js';
import { type HandlerCode, workspaceHandlersSource } from './handler-code.js';

/**
 * The context keys the app reads (from `cdk.json` or `-c key=value`). Values given with `-c` are
 * strings; in `cdk.json` they may also be JSON numbers, booleans or arrays.
 */
const CONTEXT_KEYS = [
  'stackName',
  'jwtIssuer',
  'jwtAudience',
  'tableName',
  'streamName',
  'shardCount',
  'streamRetentionHours',
  'maxRecordAgeMinutes',
  'parallelizationFactor',
  'alarmTopicArn',
  'quarantineRetentionDays',
  'logRetentionDays',
  'deletionProtection',
  'metricsNamespace',
  'dashboardName',
  'handlerCode',
] as const;

type ContextKey = (typeof CONTEXT_KEYS)[number];

const RETENTION_DAYS = new Set<number>(Object.values(RetentionDays).filter((v) => typeof v === 'number'));

const reader = (node: Node) => {
  const raw = (key: ContextKey): unknown => node.tryGetContext(key);
  const text = (key: ContextKey): string | undefined => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new ActivityHistoryPropsError(`context ${key} must be a string`);
    return value;
  };
  const integer = (key: ContextKey): number | undefined => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(parsed))
      throw new ActivityHistoryPropsError(`context ${key} must be an integer, got ${String(value)}`);
    return parsed;
  };
  const flag = (key: ContextKey): boolean | undefined => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new ActivityHistoryPropsError(`context ${key} must be true or false, got ${String(value)}`);
  };
  const list = (key: ContextKey): string[] | undefined => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    const items = Array.isArray(value) ? value : String(value).split(',');
    return items.map((item) => String(item).trim()).filter((item) => item !== '');
  };
  return { text, integer, flag, list };
};

/**
 * `package` (the default): the installed handlers package's bundles; `sources`: esbuild at synth
 * from the sources of this repository's workspace (for `cdk watch` on the handlers' sources).
 */
const handlerCodeOf = (value: string | undefined): HandlerCode | undefined => {
  if (value === undefined || value === 'package') return undefined;
  if (value === 'sources') return { kind: 'sources', source: workspaceHandlersSource() };
  throw new ActivityHistoryPropsError(`context handlerCode must be package or sources, got ${value}`);
};

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/**
 * The stack's props from the app's context, so one `cdk.json` (or `-c key=value` flags) configures
 * a deployment without editing code. Only `jwtIssuer` and `jwtAudience` are required; a value that
 * cannot be parsed fails the synth with a message naming its key.
 *
 * @example
 * ```ts
 * const app = new App();
 * const { stackName, ...props } = stackPropsFromContext(app.node);
 * new ActivityHistoryStack(app, stackName, props);
 * ```
 */
export const stackPropsFromContext = (
  node: Node,
): ActivityHistoryStackProps & { readonly stackName: string } => {
  const read = reader(node);
  const jwtIssuer = read.text('jwtIssuer');
  const jwtAudience = read.list('jwtAudience');
  if (jwtIssuer === undefined || jwtAudience === undefined || jwtAudience.length === 0) {
    throw new ActivityHistoryPropsError(
      'context jwtIssuer and jwtAudience are required (cdk.json, or -c jwtIssuer=https://... -c jwtAudience=client-id)',
    );
  }
  const shardCount = read.integer('shardCount');
  const logRetentionDays = read.integer('logRetentionDays');
  if (logRetentionDays !== undefined && !RETENTION_DAYS.has(logRetentionDays)) {
    throw new ActivityHistoryPropsError(
      `context logRetentionDays must be one of CloudWatch's retention periods (${[...RETENTION_DAYS].join(', ')}), got ${logRetentionDays}`,
    );
  }
  const hours = read.integer('streamRetentionHours');
  const minutes = read.integer('maxRecordAgeMinutes');
  const days = read.integer('quarantineRetentionDays');
  const pipeline: ActivityHistoryProps = {
    jwtIssuer,
    jwtAudience,
    ...optional('tableName', read.text('tableName')),
    ...optional('streamName', read.text('streamName')),
    ...optional(
      'streamCapacity',
      shardCount === undefined ? undefined : { mode: 'provisioned' as const, shardCount },
    ),
    ...optional('streamRetention', hours === undefined ? undefined : Duration.hours(hours)),
    ...optional('maxRecordAge', minutes === undefined ? undefined : Duration.minutes(minutes)),
    ...optional('parallelizationFactor', read.integer('parallelizationFactor')),
    ...optional('quarantineRetention', days === undefined ? undefined : Duration.days(days)),
    ...optional('logRetention', logRetentionDays as RetentionDays | undefined),
    ...optional('deletionProtection', read.flag('deletionProtection')),
    ...optional('metricsNamespace', read.text('metricsNamespace')),
    ...optional('dashboardName', read.text('dashboardName')),
    ...optional('handlerCode', handlerCodeOf(read.text('handlerCode'))),
  };
  return {
    stackName: read.text('stackName') ?? 'ActivityHistory',
    pipeline,
    ...optional('alarmTopicArn', read.text('alarmTopicArn')),
  };
};
