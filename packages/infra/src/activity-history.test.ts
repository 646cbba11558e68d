import {
  ADMIN_SCOPE,
  DEFAULT_QUARANTINE_RETENTION_DAYS,
  QUARANTINE_REASONS,
  STAGES,
  type Stage,
} from '@activity-history/core';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  functionOf,
  resourcesOf,
  rolePermissions,
  TEST_PIPELINE,
  testTemplate,
} from './testing/pipeline-template.js';

// One synth (bundling skipped) for every assertion of this file.
const template = testTemplate();

const logicalIdOf = (type: string): string => {
  const ids = Object.keys(resourcesOf(template, type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

const streamId = logicalIdOf('AWS::Kinesis::Stream');
const tableId = logicalIdOf('AWS::DynamoDB::Table');
const queueId = logicalIdOf('AWS::SQS::Queue');
const topicId = logicalIdOf('AWS::SNS::Topic');

describe('the HTTP API', () => {
  const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
  const authorizerId = logicalIdOf('AWS::ApiGatewayV2::Authorizer');

  const functionBehind = (routeKey: string): string => {
    const route = routes.find((r) => r.RouteKey === routeKey);
    const target = route?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
    const integration = integrations[target['Fn::Join'][1][1].Ref]!.Properties;
    expect(integration.PayloadFormatVersion).toBe('2.0');
    return (integration.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  };

  it('has exactly the contract routes, each served by its function', () => {
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([
      'ANY /activities',
      'ANY /health',
      'ANY /users/{userId}/activity',
      'ANY /users/{userId}/diagnosis',
      'ANY /users/{userId}/events/{eventId}',
      'GET /health',
      'GET /users/{userId}/activity',
      'GET /users/{userId}/diagnosis',
      'GET /users/{userId}/events/{eventId}',
      'POST /activities',
    ]);
    expect(functionBehind('POST /activities')).toBe(functionOf(template, 'ingest').logicalId);
    expect(functionBehind('GET /users/{userId}/activity')).toBe(functionOf(template, 'query').logicalId);
    expect(functionBehind('GET /users/{userId}/diagnosis')).toBe(functionOf(template, 'diagnose').logicalId);
    expect(functionBehind('GET /users/{userId}/events/{eventId}')).toBe(
      functionOf(template, 'diagnose').logicalId,
    );
    expect(functionBehind('GET /health')).toBe(functionOf(template, 'diagnose').logicalId);
  });

  it('sends the other methods of each known path to the function of the path, which answers 405', () => {
    expect(functionBehind('ANY /activities')).toBe(functionOf(template, 'ingest').logicalId);
    expect(functionBehind('ANY /users/{userId}/activity')).toBe(functionOf(template, 'query').logicalId);
    expect(functionBehind('ANY /users/{userId}/diagnosis')).toBe(functionOf(template, 'diagnose').logicalId);
    expect(functionBehind('ANY /users/{userId}/events/{eventId}')).toBe(
      functionOf(template, 'diagnose').logicalId,
    );
    expect(functionBehind('ANY /health')).toBe(functionOf(template, 'diagnose').logicalId);
  });

  it('puts every route behind the JWT authorizer, and the diagnosis and event trace behind the admin scope too', () => {
    const admin = ['GET /users/{userId}/diagnosis', 'GET /users/{userId}/events/{eventId}'];
    for (const route of routes) {
      expect(route.AuthorizationType).toBe('JWT');
      expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      const scopes = admin.includes(String(route.RouteKey)) ? [ADMIN_SCOPE] : undefined;
      expect(route.AuthorizationScopes).toEqual(scopes);
    }
  });

  it('checks tokens against the configured issuer and audience', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: TEST_PIPELINE.jwtIssuer, Audience: [...TEST_PIPELINE.jwtAudience] },
    });
  });

  it('throttles every route of its auto-deployed default stage and logs each request', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('the functions', () => {
  const sizing: Record<Stage, { memory: number; timeout: number }> = {
    ingest: { memory: 512, timeout: 10 },
    process: { memory: 1024, timeout: 60 },
    query: { memory: 512, timeout: 10 },
    diagnose: { memory: 512, timeout: 25 },
  };

  it.each(STAGES)(
    '%s runs Node 22 on arm64, sized for its work, with JSON logs in its own log group',
    (stage) => {
      const { properties } = functionOf(template, stage);
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: sizing[stage].memory,
        Timeout: sizing[stage].timeout,
        LoggingConfig: { LogFormat: 'JSON' },
      });
      const logGroupId = (properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
    },
  );

  it.each(STAGES)(
    '%s is configured with the stream, the table, the metrics namespace and its service name',
    (stage) => {
      expect(functionOf(template, stage).properties.Environment).toMatchObject({
        Variables: {
          ACTIVITY_STREAM_NAME: { Ref: streamId },
          ACTIVITY_TABLE_NAME: { Ref: tableId },
          POWERTOOLS_METRICS_NAMESPACE: 'ActivityHistory',
          POWERTOOLS_SERVICE_NAME: stage,
        },
      });
    },
  );

  it('tells diagnose where the dead-letter queue is, so that it can show its depth', () => {
    expect(functionOf(template, 'diagnose').properties.Environment).toMatchObject({
      Variables: {
        ACTIVITY_DEAD_LETTER_QUEUE_NAME: { 'Fn::GetAtt': [queueId, 'QueueName'] },
      },
    });
  });

  it("tells diagnose every function's log group, for the Logs Insights query of an event trace", () => {
    const variables = (
      functionOf(template, 'diagnose').properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    const logGroupOf = (stage: Stage) =>
      (functionOf(template, stage).properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup;
    expect(variables.ACTIVITY_LOG_GROUP_NAMES).toEqual({
      'Fn::Join': [
        '',
        [
          logGroupOf('ingest'),
          ',',
          logGroupOf('process'),
          ',',
          logGroupOf('query'),
          ',',
          logGroupOf('diagnose'),
        ],
      ],
    });
    for (const stage of ['ingest', 'process', 'query'] as const) {
      const others = functionOf(template, stage).properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(others.Variables).not.toHaveProperty('ACTIVITY_LOG_GROUP_NAMES');
    }
  });

  it('tells the functions over the table how long quarantined records are kept, by default the store default', () => {
    for (const stage of ['process', 'query', 'diagnose'] as const) {
      expect(functionOf(template, stage).properties.Environment).toMatchObject({
        Variables: { ACTIVITY_QUARANTINE_RETENTION_DAYS: String(DEFAULT_QUARANTINE_RETENTION_DAYS) },
      });
    }
  });
});

describe('the stream and its event source mapping', () => {
  it('encrypts the stream with the AWS-managed Kinesis key and keeps records a day', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 24,
    });
  });

  it('feeds process with every safety setting explicit, failures going to the dead-letter queue', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      FunctionName: { Ref: functionOf(template, 'process').logicalId },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10_000,
      MaximumRecordAgeInSeconds: 3600,
      ParallelizationFactor: 1,
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('retries a failing batch for at least the 5 minutes the contract promises before dead-lettering', () => {
    const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))[0]!.Properties;
    expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(300);
    // Even if every retry failed at once, the count would not run out before the age does.
    expect(mapping.MaximumRetryAttempts).toBe(10_000);
  });

  it('encrypts the dead-letter queue, refuses plain-HTTP access to it and keeps messages 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: 'alias/aws/sqs',
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the table', () => {
  it('is on demand, keyed by pk/sk, encrypted, with point-in-time recovery, TTL and deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });
});

describe('least privilege', () => {
  const allStatements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
  );

  it('grants no wildcard action anywhere', () => {
    const actions = allStatements.flatMap((statement) => [statement.Action].flat());
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it.each(STAGES)('%s has no managed policy and writes only to its own log group', (stage) => {
    const { statements, managedPolicies } = rolePermissions(template, stage);
    expect(managedPolicies).toBeUndefined();
    const logGroupId = (functionOf(template, stage).properties.LoggingConfig as { LogGroup: { Ref: string } })
      .LogGroup.Ref;
    const logs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      },
    ]);
  });

  const servicesOf = (stage: Stage): string[] => [
    ...new Set(actionsOf(rolePermissions(template, stage).statements).map((a) => a.split(':')[0]!)),
  ];

  it('lets ingest only write to the stream', () => {
    const { statements } = rolePermissions(template, 'ingest');
    expect(servicesOf('ingest').sort()).toEqual(['kinesis', 'logs']);
    const kinesis = statements.find((s) => actionsOf([s])[0]!.startsWith('kinesis:'))!;
    expect(actionsOf([kinesis])).toEqual(['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords']);
    expect(kinesis.Resource).toEqual({ 'Fn::GetAtt': [streamId, 'Arn'] });
  });

  it('lets process read the stream, write the table and send to the dead-letter queue, nothing else', () => {
    const { statements } = rolePermissions(template, 'process');
    expect(servicesOf('process').sort()).toEqual(['dynamodb', 'kinesis', 'logs', 'sqs']);
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'sqs:SendMessage']),
    );
    expect(actions).not.toContain('kinesis:PutRecord');
    expect(actions).not.toContain('kinesis:PutRecords');
    for (const statement of statements) {
      const service = actionsOf([statement])[0]!.split(':')[0];
      const resources = JSON.stringify(statement.Resource);
      if (service === 'dynamodb') expect(resources).toContain(tableId);
      if (service === 'kinesis') expect(resources).toContain(streamId);
      if (service === 'sqs') expect(resources).toContain(queueId);
    }
  });

  const writes = [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ];

  it('lets query only read the table', () => {
    expect(servicesOf('query').sort()).toEqual(['dynamodb', 'logs']);
    const actions = actionsOf(rolePermissions(template, 'query').statements);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']));
    for (const write of writes) expect(actions).not.toContain(write);
  });

  it('lets diagnose read the table and metrics (the queue depth included); only GetMetricData has resource "*"', () => {
    const { statements } = rolePermissions(template, 'diagnose');
    expect(servicesOf('diagnose').sort()).toEqual(['cloudwatch', 'dynamodb', 'logs']);
    const actions = actionsOf(statements);
    for (const write of writes) expect(actions).not.toContain(write);
    expect(statements.filter((s) => s.Resource === '*')).toEqual([
      { Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
    ]);
  });

  it('gives no other function any wildcard resource', () => {
    for (const stage of ['ingest', 'process', 'query'] as const) {
      expect(JSON.stringify(rolePermissions(template, stage).statements)).not.toContain('"*"');
    }
  });
});

interface Widget {
  readonly type: string;
  readonly properties: { readonly title?: string; readonly metrics?: unknown[]; readonly alarms?: unknown[] };
}

/** The dashboard body with every CloudFormation token replaced by `TOKEN`, parsed. */
const dashboardWidgets = (): Widget[] => {
  const dashboard = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!;
  const body = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
};

describe('the dashboard', () => {
  const widgets = dashboardWidgets();
  const widget = (title: string): Widget => {
    const found = widgets.find((w) => w.properties.title === title);
    expect(found, title).toBeDefined();
    return found!;
  };
  const metricsOf = (title: string): string => JSON.stringify(widget(title).properties.metrics);

  it.each(STAGES)('shows %s invocations, errors, duration p50/p95 and throttles', (stage) => {
    expect(metricsOf(`${stage}: invocations and errors`)).toMatch(/"Invocations".*"Errors".*"Errors"/);
    expect(metricsOf(`${stage}: invocations and errors`)).toContain(`"Stage","${stage}"`);
    expect(metricsOf(`${stage}: duration p50 / p95 (ms)`)).toMatch(/"stat":"p50".*"stat":"p95"/);
    expect(metricsOf(`${stage}: throttles`)).toContain('"Throttles"');
  });

  it('shows the stream iterator age and write throttles, the table throttles and the dead-letter depth', () => {
    expect(metricsOf('Stream: iterator age (ms)')).toContain('GetRecords.IteratorAgeMilliseconds');
    expect(metricsOf('Stream: iterator age (ms)')).toContain('"IteratorAge"');
    expect(metricsOf('Stream: write throttles and refusals')).toContain('WriteProvisionedThroughputExceeded');
    expect(metricsOf('Stream: write throttles and refusals')).toContain('StreamWriteFailures');
    expect(metricsOf('DynamoDB: throttles')).toMatch(/ReadThrottleEvents.*WriteThrottleEvents/);
    expect(metricsOf('Dead-letter queue depth')).toContain('ApproximateNumberOfMessagesVisible');
  });

  it('shows rejections by reason from the EMF metrics, whatever the reason codes', () => {
    expect(metricsOf('Rejections by reason')).toContain(
      `SEARCH('{ActivityHistory,Reason,Stage} MetricName=\\"Rejections\\"', 'Sum', 60)`,
    );
  });

  it('shows the state of every alarm', () => {
    const alarmWidget = widgets.find((w) => w.type === 'alarm');
    expect(alarmWidget?.properties.title).toBe('Alarms');
    expect(alarmWidget?.properties.alarms).toHaveLength(11);
  });
});

describe('the alarms', () => {
  const alarms = Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map(([id, r]) => ({
    id,
    ...r.Properties,
  })) as Array<{ id: string } & Record<string, unknown>>;
  const alarm = (idPrefix: string) => {
    const matches = alarms.filter((a) => a.id.startsWith(`PipelineAlarms${idPrefix}`));
    expect(matches, idPrefix).toHaveLength(1);
    return matches[0]!;
  };
  const metricsJson = (a: Record<string, unknown>) => JSON.stringify(a.Metrics ?? a);

  it('notify the topic when they fire and when they clear, and say what they protect against', () => {
    expect(alarms).toHaveLength(11);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.OKActions).toEqual([{ Ref: topicId }]);
      expect(a.AlarmDescription).toMatch(/Protects against .{20,}/);
      expect(a.TreatMissingData).toBe('notBreaching');
    }
  });

  it('watch the process function iterator age against the diagnosis lag threshold', () => {
    expect(alarm('IteratorAge')).toMatchObject({
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 60_000,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionOf(template, 'process').logicalId } }],
    });
  });

  it.each(STAGES)('watch the %s failure rate from Lambda errors and the EMF Errors of its stage', (stage) => {
    const a = alarm(`${stage[0]!.toUpperCase()}${stage.slice(1)}Errors`);
    expect(a.Threshold).toBe(5);
    const metrics = metricsJson(a);
    expect(metrics).toContain(functionOf(template, stage).logicalId);
    expect(metrics).toContain(`{"Name":"Stage","Value":"${stage}"}`);
  });

  it('watch throttles of all four functions', () => {
    const metrics = metricsJson(alarm('LambdaThrottles'));
    for (const stage of STAGES) expect(metrics).toContain(functionOf(template, stage).logicalId);
    expect(metrics).toContain('"Throttles"');
  });

  it('fire as soon as one message is in the dead-letter queue', () => {
    expect(alarm('DeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('watch the API 5xx answers', () => {
    expect(alarm('Api5xx')).toMatchObject({ MetricName: '5xx', Namespace: 'AWS/ApiGateway', Threshold: 5 });
  });

  it('compute the rejection share with metric math over every reason, stored and duplicate events', () => {
    const a = alarm('RejectionRate');
    expect(a.Threshold).toBe(10);
    const metrics = metricsJson(a);
    for (const reason of QUARANTINE_REASONS)
      expect(metrics).toContain(`{"Name":"Reason","Value":"${reason}"}`);
    expect(metrics).toContain('"StoredEvents"');
    expect(metrics).toContain('"DuplicateEvents"');
    expect(metrics).toContain('IF(seen >= 10, 100 * rejected / seen, 0)');
  });

  it('watch the table read and write throttles', () => {
    const metrics = metricsJson(alarm('DynamoDbThrottles'));
    expect(metrics).toMatch(/ReadThrottleEvents.*WriteThrottleEvents/);
    expect(metrics).toContain(tableId);
  });

  it('watch events the stream refused after retries', () => {
    expect(alarm('StreamWriteFailures')).toMatchObject({
      MetricName: 'StreamWriteFailures',
      Namespace: 'ActivityHistory',
      Dimensions: [{ Name: 'Stage', Value: 'ingest' }],
      Threshold: 1,
    });
  });
});

describe('the outputs', () => {
  it('give the API URL, table, stream, dead-letter queue, alarm topic and dashboard URL', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'DashboardUrl',
      'DeadLetterQueueUrl',
      'StreamName',
      'TableName',
    ]);
    expect(outputs.TableName?.Value).toEqual({ Ref: tableId });
    expect(outputs.StreamName?.Value).toEqual({ Ref: streamId });
    expect(outputs.DeadLetterQueueUrl?.Value).toEqual({ Ref: queueId });
    expect(JSON.stringify(outputs.ApiUrl?.Value)).toContain('.execute-api.');
    expect(JSON.stringify(outputs.DashboardUrl?.Value)).toContain('#dashboards:name=');
  });
});
