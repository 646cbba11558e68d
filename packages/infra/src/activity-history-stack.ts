import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ActivityHistory, type ActivityHistoryProps } from './activity-history.js';

/**
 * A stack's own props plus the pipeline's.
 *
 * @example
 * ```ts
 * const props: ActivityHistoryStackProps = { pipeline: { jwtIssuer, jwtAudience: ['web'] }, alarmTopicArn };
 * ```
 */
export interface ActivityHistoryStackProps extends StackProps {
  readonly pipeline: ActivityHistoryProps;
  /** An existing SNS topic for the alarms (overrides `pipeline.alarmTopic`). Default: a new topic. */
  readonly alarmTopicArn?: string;
}

/**
 * A stack holding one {@link ActivityHistory} pipeline, with the outputs an operator needs: the
 * API URL (for clients and `pnpm doctor --url`), the table, stream and dead-letter queue, the
 * alarm topic (to subscribe to) and the dashboard's console URL.
 *
 * @example
 * ```ts
 * new ActivityHistoryStack(app, 'ActivityHistory', {
 *   pipeline: { jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['activity-history'] },
 * });
 * ```
 */
export class ActivityHistoryStack extends Stack {
  readonly pipeline: ActivityHistory;

  constructor(scope: Construct, id: string, props: ActivityHistoryStackProps) {
    super(scope, id, props);
    this.pipeline = new ActivityHistory(this, 'Pipeline', {
      ...props.pipeline,
      ...(props.alarmTopicArn === undefined
        ? {}
        : { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) }),
    });
    const { pipeline } = this;
    const outputs: Record<string, { value: string; description: string }> = {
      ApiUrl: { value: pipeline.apiUrl, description: 'The HTTP API base URL (pnpm doctor --url)' },
      TableName: { value: pipeline.table.tableName, description: 'The DynamoDB table (ACTIVITY_TABLE_NAME)' },
      StreamName: {
        value: pipeline.stream.streamName,
        description: 'The Kinesis stream (ACTIVITY_STREAM_NAME)',
      },
      DeadLetterQueueUrl: {
        value: pipeline.deadLetterQueue.queueUrl,
        description: 'Records that could not be stored within the maximum record age',
      },
      AlarmTopicArn: {
        value: pipeline.alarmTopic.topicArn,
        description: 'Subscribe here to receive the alarms',
      },
      DashboardUrl: {
        value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${pipeline.dashboard.dashboardName}`,
        description: 'The CloudWatch dashboard',
      },
    };
    for (const [name, output] of Object.entries(outputs)) new CfnOutput(this, name, output);
  }
}
