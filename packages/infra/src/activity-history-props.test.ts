import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ActivityHistoryPropsError } from './errors.js';
import { functionOf, resourcesOf, testStack, testTemplate } from './testing/pipeline-template.js';

const EXISTING_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:on-call';

describe('ActivityHistory props', () => {
  // One synth with every optional prop set away from its default.
  const template = testTemplate({
    pipeline: {
      tableName: 'activity-history-prod',
      streamName: 'activity-events-prod',
      streamCapacity: { mode: 'provisioned', shardCount: 3 },
      streamRetention: Duration.hours(48),
      maxRecordAge: Duration.hours(2),
      parallelizationFactor: 4,
      quarantineRetention: Duration.days(45),
      logRetention: RetentionDays.ONE_WEEK,
      deletionProtection: false,
      metricsNamespace: 'Acme/Activity',
      throttle: { rateLimit: 50, burstLimit: 75 },
      dashboardName: 'activity-prod',
    },
    alarmTopicArn: EXISTING_TOPIC,
  });

  it('names the table and the stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'activity-history-prod' });
    template.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'activity-events-prod' });
  });

  it('provisions the given number of shards instead of on-demand capacity', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 3,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 48,
    });
  });

  it('sets the parallelization factor and the maximum record age of the event source mapping', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: 4,
      MaximumRecordAgeInSeconds: 7200,
    });
  });

  it('turns deletion protection off and lets the stack delete what holds data', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Delete' });
  });

  it('keeps stream and dead letters when deletion protection is on (the default)', () => {
    const protectedTemplate = testTemplate();
    protectedTemplate.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain' });
    protectedTemplate.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
  });

  it('sends alarms to the existing topic and creates none', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(11);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([EXISTING_TOPIC]);
    expect(template.findOutputs('AlarmTopicArn').AlarmTopicArn?.Value).toBe(EXISTING_TOPIC);
  });

  it('reads and writes the metrics of the given namespace', () => {
    expect(functionOf(template, 'query').properties.Environment).toMatchObject({
      Variables: { POWERTOOLS_METRICS_NAMESPACE: 'Acme/Activity' },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'StreamWriteFailures',
      Namespace: 'Acme/Activity',
    });
  });

  it('applies the log retention to every log group, the quarantine retention to the functions over the table', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(5);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(7);
    for (const stage of ['process', 'query', 'diagnose'] as const) {
      expect(functionOf(template, stage).properties.Environment).toMatchObject({
        Variables: { ACTIVITY_QUARANTINE_RETENTION_DAYS: '45' },
      });
    }
    expect(JSON.stringify(functionOf(template, 'ingest').properties.Environment)).not.toContain('QUARANTINE');
  });

  it('throttles the API and names the dashboard as told', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 75 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'activity-prod' });
  });

  it.each([
    ['a record age under the 5 minutes of retries', { maxRecordAge: Duration.minutes(4) }, /maxRecordAge/],
    [
      'a stream retention shorter than the record age',
      { streamRetention: Duration.hours(24), maxRecordAge: Duration.hours(25) },
      /streamRetention/,
    ],
    ['a parallelization factor above 10', { parallelizationFactor: 11 }, /parallelizationFactor/],
    ['a fractional parallelization factor', { parallelizationFactor: 1.5 }, /parallelizationFactor/],
    ['no shard', { streamCapacity: { mode: 'provisioned', shardCount: 0 } as const }, /shardCount/],
    ['no audience', { jwtAudience: [] }, /jwtAudience/],
    ['a blank issuer', { jwtIssuer: ' ' }, /jwtIssuer/],
    [
      'a quarantine retention of part of a day',
      { quarantineRetention: Duration.hours(36) },
      /quarantineRetention/,
    ],
  ])('refuses %s at synth', (_, pipeline, message) => {
    expect(() => testStack({ pipeline })).toThrow(ActivityHistoryPropsError);
    expect(() => testStack({ pipeline })).toThrow(message);
  });
});
