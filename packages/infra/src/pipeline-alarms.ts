import { DEFAULT_THRESHOLDS, STAGES, type Stage } from '@activity-history/core';
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PipelineMetrics } from './pipeline-metrics.js';

/**
 * What the alarms watch, and where they notify.
 *
 * @example
 * ```ts
 * const props: PipelineAlarmsProps = { functions, table, deadLetterQueue, api, metrics, topic };
 * ```
 */
export interface PipelineAlarmsProps {
  readonly functions: Readonly<Record<Stage, IFunction>>;
  readonly table: Table;
  readonly deadLetterQueue: IQueue;
  readonly api: HttpApi;
  readonly metrics: PipelineMetrics;
  readonly topic: ITopic;
}

/** One alarm: its threshold and what it protects against (its description in CloudWatch). */
interface AlarmSpec {
  readonly id: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** `atLeast` for counts (one dead letter is one too many), `above` for rates and ages. */
  readonly comparison: 'atLeast' | 'above';
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly description: string;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** The API answers with 5xx at least this often in five minutes before anyone is paged. */
const API_5XX_THRESHOLD = 5;

/** The rejection-rate alarm needs this many records in its window, as the diagnosis does. */
const REJECTION_MINIMUM_RECORDS = 10;

const stageTitle = (stage: Stage): string => `${stage[0]!.toUpperCase()}${stage.slice(1)}`;

/**
 * A function's failure rate in percent: invocations that crashed, timed out or ran out of memory
 * (Lambda's `Errors`) or that the handler answered with a fault (the EMF `Errors` of its stage, as
 * an HTTP function turns a thrown error into a 500/503 and Lambda then counts no error). The larger
 * of the two is taken, as a batch that fails can be counted by both.
 */
const failureRatePercent = (fn: IFunction, stage: Stage, metrics: PipelineMetrics): MathExpression =>
  new MathExpression({
    expression: '100 * MAX([FILL(crashes, 0), FILL(faults, 0)]) / MAX([FILL(invocations, 0), 1])',
    usingMetrics: {
      crashes: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      faults: metrics.stage(stage, 'Errors', { period: FIVE_MINUTES }),
      invocations: fn.metricInvocations({ period: FIVE_MINUTES, statistic: 'Sum' }),
    },
    label: `${stage} failure rate (%)`,
    period: FIVE_MINUTES,
  });

/**
 * The pipeline's alarms, each notifying the topic when it fires and when it clears. Thresholds
 * follow the diagnosis's own (core `DEFAULT_THRESHOLDS`), so an alarm and the diagnosis agree on
 * what is failing; missing data never alarms (a quiet pipeline is not a broken one).
 *
 * @example
 * ```ts
 * const { alarms } = new PipelineAlarms(this, 'Alarms', { functions, table, deadLetterQueue, api, metrics, topic });
 * ```
 */
export class PipelineAlarms extends Construct {
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { functions, metrics } = props;
    const specs: AlarmSpec[] = [
      {
        id: 'IteratorAge',
        metric: functions.process.metric('IteratorAge', { statistic: 'Maximum', period: ONE_MINUTE }),
        threshold: DEFAULT_THRESHOLDS.lagFailMs,
        comparison: 'above',
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        description: `The process function is falling behind the stream (the age of the last record it read exceeded ${DEFAULT_THRESHOLDS.lagFailMs / 1000} s in 3 of 5 minutes). Protects against late counts: posted events stop showing in GET within seconds, and records left unprocessed age towards the maximum record age, after which they go to the dead-letter queue instead of the store.`,
      },
      ...STAGES.map(
        (stage): AlarmSpec => ({
          id: `${stageTitle(stage)}Errors`,
          metric: failureRatePercent(functions[stage], stage, metrics),
          threshold: DEFAULT_THRESHOLDS.errorRateFail * 100,
          comparison: 'above',
          evaluationPeriods: 1,
          description: `More than ${DEFAULT_THRESHOLDS.errorRateFail * 100}% of the ${stage} function's invocations failed in 5 minutes (crashes, timeouts, or faults answered as 5xx). Protects against a broken ${stage} stage going unnoticed: a bad deployment, a missing permission or setting, a backend outage.`,
        }),
      ),
      {
        id: 'LambdaThrottles',
        metric: new MathExpression({
          expression: STAGES.map((stage) => `FILL(${stage}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(
            STAGES.map((stage) => [
              stage,
              functions[stage].metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
            ]),
          ),
          label: 'Throttled invocations, all functions',
          period: FIVE_MINUTES,
        }),
        threshold: 1,
        comparison: 'atLeast',
        evaluationPeriods: 1,
        description:
          'Lambda throttled invocations of a pipeline function (account or function concurrency exhausted). Protects against requests refused with 429/5xx at the API and against the stream backing up while the process function cannot run.',
      },
      {
        id: 'DeadLetters',
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: ONE_MINUTE,
        }),
        threshold: 1,
        comparison: 'atLeast',
        evaluationPeriods: 1,
        description:
          'The dead-letter queue is not empty: stream records could not be stored within the maximum record age, after retries with backoff, and are not counted. Protects against silent loss of counts: each message points at records to replay once the cause is fixed.',
      },
      {
        id: 'Api5xx',
        metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: API_5XX_THRESHOLD,
        comparison: 'atLeast',
        evaluationPeriods: 1,
        description: `The HTTP API answered ${API_5XX_THRESHOLD} or more requests with 5xx in 5 minutes (function faults, stream refusals answered 503, integration failures). Protects against clients failing to post or read activity.`,
      },
      {
        id: 'RejectionRate',
        metric: metrics.rejectionSharePercent(Duration.minutes(15), REJECTION_MINIMUM_RECORDS),
        threshold: DEFAULT_THRESHOLDS.rejectionShareWarn * 100,
        comparison: 'above',
        evaluationPeriods: 1,
        description: `More than ${DEFAULT_THRESHOLDS.rejectionShareWarn * 100}% of the records processed in 15 minutes were quarantined (invalid events, conflicts, malformed records; at least ${REJECTION_MINIMUM_RECORDS} records). Protects against a producer sending bad or conflicting data whose events are then missing from the counts.`,
      },
      {
        id: 'DynamoDbThrottles',
        metric: new MathExpression({
          expression: 'FILL(reads, 0) + FILL(writes, 0)',
          usingMetrics: {
            reads: props.table.metric('ReadThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }),
            writes: props.table.metric('WriteThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }),
          },
          label: 'Throttled table requests',
          period: ONE_MINUTE,
        }),
        threshold: 1,
        comparison: 'atLeast',
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        description:
          'DynamoDB throttled reads or writes of the table in 3 of the last 5 minutes. Protects against counts lagging (the process function retries batches) and reads failing with 503 while the table is over its throughput limits.',
      },
      {
        id: 'StreamWriteFailures',
        metric: metrics.stage('ingest', 'StreamWriteFailures', { period: FIVE_MINUTES }),
        threshold: 1,
        comparison: 'atLeast',
        evaluationPeriods: 1,
        description:
          'The stream still refused events after the ingest function retried them, so clients got 503 and must resend. Protects against lost posts from clients that do not retry, and flags a stream that needs more capacity.',
      },
    ];
    const action = new SnsAction(props.topic);
    this.alarms = specs.map((spec) => {
      const alarm = new Alarm(this, spec.id, {
        metric: spec.metric,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        ...(spec.datapointsToAlarm === undefined ? {} : { datapointsToAlarm: spec.datapointsToAlarm }),
        comparisonOperator:
          spec.comparison === 'atLeast'
            ? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            : ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: spec.description,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
