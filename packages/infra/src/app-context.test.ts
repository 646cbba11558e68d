import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { stackPropsFromContext } from './app-context.js';
import { ActivityHistoryPropsError } from './errors.js';
import { workspaceHandlersSource } from './handler-code.js';

const fromContext = (context: Record<string, unknown>) => stackPropsFromContext(new App({ context }).node);

const REQUIRED = { jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'app-client' };

describe('stackPropsFromContext', () => {
  it('needs only the issuer and audience, and defaults the stack name', () => {
    expect(fromContext(REQUIRED)).toEqual({
      stackName: 'ActivityHistory',
      pipeline: { jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['app-client'] },
    });
  });

  it('reads -c strings: lists split on commas, numbers, booleans and durations', () => {
    const props = fromContext({
      ...REQUIRED,
      jwtAudience: 'web, mobile',
      stackName: 'ActivityHistoryProd',
      tableName: 'activity',
      streamName: 'events',
      shardCount: '4',
      streamRetentionHours: '48',
      maxRecordAgeMinutes: '30',
      parallelizationFactor: '2',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call',
      quarantineRetentionDays: '30',
      logRetentionDays: '14',
      deletionProtection: 'false',
      metricsNamespace: 'Acme/Activity',
      dashboardName: 'activity',
    });
    expect(props.stackName).toBe('ActivityHistoryProd');
    expect(props.alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:on-call');
    const { pipeline } = props;
    expect(pipeline).toMatchObject({
      jwtAudience: ['web', 'mobile'],
      tableName: 'activity',
      streamName: 'events',
      streamCapacity: { mode: 'provisioned', shardCount: 4 },
      parallelizationFactor: 2,
      logRetention: RetentionDays.TWO_WEEKS,
      deletionProtection: false,
      metricsNamespace: 'Acme/Activity',
      dashboardName: 'activity',
    });
    expect(pipeline.streamRetention?.toHours()).toBe(48);
    expect(pipeline.maxRecordAge?.toMinutes()).toBe(30);
    expect(pipeline.quarantineRetention?.toDays()).toBe(30);
  });

  it('reads cdk.json values as JSON numbers, booleans and arrays', () => {
    const { pipeline } = fromContext({
      ...REQUIRED,
      jwtAudience: ['a', 'b'],
      shardCount: 2,
      deletionProtection: true,
    });
    expect(pipeline).toMatchObject({
      jwtAudience: ['a', 'b'],
      streamCapacity: { mode: 'provisioned', shardCount: 2 },
      deletionProtection: true,
    });
  });

  it("takes the handlers package's bundles by default, or the workspace's sources when asked", () => {
    expect(fromContext(REQUIRED).pipeline.handlerCode).toBeUndefined();
    expect(fromContext({ ...REQUIRED, handlerCode: 'package' }).pipeline.handlerCode).toBeUndefined();
    expect(fromContext({ ...REQUIRED, handlerCode: 'sources' }).pipeline.handlerCode).toEqual({
      kind: 'sources',
      source: workspaceHandlersSource(),
    });
  });

  it.each([
    ['no issuer', { jwtAudience: 'a' }, /jwtIssuer and jwtAudience are required/],
    [
      'an empty audience',
      { jwtIssuer: 'https://i/', jwtAudience: ' , ' },
      /jwtIssuer and jwtAudience are required/,
    ],
    [
      'a shard count that is not a number',
      { ...REQUIRED, shardCount: 'two' },
      /shardCount must be an integer/,
    ],
    [
      'a flag that is not a boolean',
      { ...REQUIRED, deletionProtection: 'yes' },
      /deletionProtection must be true or false/,
    ],
    [
      'a log retention CloudWatch does not offer',
      { ...REQUIRED, logRetentionDays: '10' },
      /logRetentionDays must be one of/,
    ],
    [
      'an unknown handler code',
      { ...REQUIRED, handlerCode: 'docker' },
      /handlerCode must be package or sources/,
    ],
  ])('refuses %s, naming the key', (_, context, message) => {
    expect(() => fromContext(context)).toThrow(ActivityHistoryPropsError);
    expect(() => fromContext(context)).toThrow(message);
  });
});
