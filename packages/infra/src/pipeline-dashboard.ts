import { STAGES, type Stage } from '@activity-history/core';
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PipelineMetrics } from './pipeline-metrics.js';

/**
 * What the dashboard shows.
 *
 * @example
 * ```ts
 * const props: PipelineDashboardProps = { functions, stream, table, deadLetterQueue, api, metrics, alarms };
 * ```
 */
export interface PipelineDashboardProps {
  readonly dashboardName?: string;
  readonly functions: Readonly<Record<Stage, IFunction>>;
  readonly stream: Stream;
  readonly table: Table;
  readonly deadLetterQueue: IQueue;
  readonly api: HttpApi;
  readonly metrics: PipelineMetrics;
  readonly alarms: readonly Alarm[];
}

const PERIOD = Duration.minutes(1);
const FULL_WIDTH = 24;
const THIRD = 8;

/** One row per stage: its invocations and errors, its duration p50/p95, its throttles. */
const stageRow = (stage: Stage, fn: IFunction, metrics: PipelineMetrics): IWidget[] => [
  new GraphWidget({
    title: `${stage}: invocations and errors`,
    width: THIRD,
    left: [
      fn.metricInvocations({ period: PERIOD, statistic: 'Sum', label: 'Invocations' }),
      fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: 'Lambda errors (crashes, timeouts)' }),
      metrics.stage(stage, 'Errors', { label: 'Faults answered (EMF Errors)' }),
    ],
  }),
  new GraphWidget({
    title: `${stage}: duration p50 / p95 (ms)`,
    width: THIRD,
    left: [
      fn.metricDuration({ period: PERIOD, statistic: 'p50', label: 'p50' }),
      fn.metricDuration({ period: PERIOD, statistic: 'p95', label: 'p95' }),
    ],
  }),
  new GraphWidget({
    title: `${stage}: throttles`,
    width: THIRD,
    left: [fn.metricThrottles({ period: PERIOD, statistic: 'Sum', label: 'Throttled invocations' })],
  }),
];

/**
 * The AWS-side single pane: the alarms' states, a row per stage (invocations, errors, duration
 * p50/p95, throttles), then the stream (iterator age, write throttles and refusals), the table
 * (throttles), the dead-letter queue's depth, the rejections by reason and the API's answers.
 *
 * @example
 * ```ts
 * const { dashboard } = new PipelineDashboard(this, 'Dashboard', { functions, stream, table, deadLetterQueue, api, metrics, alarms });
 * ```
 */
export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const { functions, metrics, stream } = props;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL_WIDTH }),
    );
    for (const stage of STAGES) {
      this.dashboard.addWidgets(...stageRow(stage, functions[stage], metrics));
    }
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Stream: iterator age (ms)',
        width: THIRD,
        left: [
          functions.process.metric('IteratorAge', {
            period: PERIOD,
            statistic: 'Maximum',
            label: 'process function iterator age',
          }),
          stream.metricGetRecordsIteratorAgeMilliseconds({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'stream GetRecords iterator age',
          }),
          metrics.stage('process', 'StreamLag', {
            statistic: 'Maximum',
            label: 'oldest record of a batch (EMF)',
          }),
        ],
      }),
      new GraphWidget({
        title: 'Stream: write throttles and refusals',
        width: THIRD,
        left: [
          stream.metricWriteProvisionedThroughputExceeded({
            period: PERIOD,
            statistic: 'Sum',
            label: 'WriteProvisionedThroughputExceeded',
          }),
          metrics.stage('ingest', 'StreamWriteRetries', { label: 'records retried by ingest' }),
          metrics.stage('ingest', 'StreamWriteFailures', { label: 'records refused after retries (503)' }),
        ],
        right: [metrics.stage('ingest', 'AcceptedEvents', { label: 'accepted events' })],
      }),
      new GraphWidget({
        title: 'DynamoDB: throttles',
        width: THIRD,
        left: [
          props.table.metric('ReadThrottleEvents', {
            period: PERIOD,
            statistic: 'Sum',
            label: 'read throttles',
          }),
          props.table.metric('WriteThrottleEvents', {
            period: PERIOD,
            statistic: 'Sum',
            label: 'write throttles',
          }),
          metrics.stage('process', 'StoreThrottled', { label: 'store calls throttled (EMF)' }),
          metrics.stage('process', 'StoreUnavailable', { label: 'store calls unavailable (EMF)' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Dead-letter queue depth',
        width: THIRD,
        left: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'messages waiting',
          }),
        ],
      }),
      new GraphWidget({
        title: 'Rejections by reason',
        width: THIRD,
        left: [metrics.rejectionsByReason(PERIOD)],
        right: [
          metrics.stage('process', 'StoredEvents', { label: 'stored events' }),
          metrics.stage('process', 'DuplicateEvents', { label: 'duplicates' }),
        ],
      }),
      new GraphWidget({
        title: 'HTTP API: requests and errors',
        width: THIRD,
        left: [
          props.api.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' }),
          props.api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.api.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new TextWidget({
        width: FULL_WIDTH,
        height: 2,
        markdown:
          'Per-user questions ("my count is wrong") are answered by `GET /users/{userId}/diagnosis` or `pnpm doctor <userId> --url <ApiUrl> --token <jwt>`. Metric names: docs/metrics.md.',
      }),
    );
  }
}
