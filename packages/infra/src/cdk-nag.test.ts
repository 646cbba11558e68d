import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { type TestStackOptions, testStack } from './testing/pipeline-template.js';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly violations: readonly {
      readonly ruleName: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

/**
 * Synthesizes the app with the AwsSolutions checks and lists the unacknowledged findings as
 * `<rule> at <construct path>`, read from the validation report the synth writes.
 */
const nagFindings = (
  options: TestStackOptions,
  spoil?: (stack: ReturnType<typeof testStack>['stack']) => void,
): string[] => {
  const { app, stack } = testStack(options);
  spoil?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return [];
  } catch (error) {
    const reportFile = join(app.outdir, 'validation-report.json');
    if (!existsSync(reportFile)) throw error;
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport;
    return report.pluginReports.flatMap((plugin) =>
      plugin.violations.flatMap((violation) =>
        violation.violatingConstructs.map((c) => `${violation.ruleName} at ${c.constructPath}`),
      ),
    );
  }
};

describe('cdk-nag AwsSolutions checks', () => {
  it('find nothing unacknowledged in the default pipeline', () => {
    expect(nagFindings({})).toEqual([]);
  });

  it('find nothing unacknowledged with provisioned shards and an existing alarm topic', () => {
    expect(
      nagFindings({
        pipeline: { streamCapacity: { mode: 'provisioned', shardCount: 2 }, deletionProtection: false },
        alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:on-call',
      }),
    ).toEqual([]);
  });

  it('do run: an unencrypted queue added to the stack fails the synth', () => {
    const findings = nagFindings({}, (stack) => {
      new Queue(stack, 'Unencrypted', { encryption: QueueEncryption.UNENCRYPTED });
    });
    expect(findings).toContain('AwsSolutions-SQS2 at ActivityHistory/Unencrypted/Resource');
    expect(findings.every((finding) => finding.includes('/Unencrypted/'))).toBe(true);
  });
});
