import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STAGES } from '@activity-history/core';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CREATE_REQUIRE_BANNER } from './pipeline-function.js';
import { functionOf, testStack } from './testing/pipeline-template.js';

// The one synth that bundles: esbuild runs once per function, locally (no Docker).
const outdir = mkdtempSync(join(tmpdir(), 'activity-history-cdk-'));
const { stack } = testStack({ bundle: true, outdir });
const template = Template.fromStack(stack);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const bundleOf = (stage: (typeof STAGES)[number]): string => {
  const code = functionOf(template, stage).properties.Code as { S3Key: string };
  return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
};

/**
 * The environment the stack gives a function, with each CloudFormation reference (a table name,
 * a queue name...) replaced by a plausible value: what the module sees at its cold start.
 */
const deployedEnvironment = (stage: (typeof STAGES)[number]): Record<string, string> => {
  const { Variables } = functionOf(template, stage).properties.Environment as {
    Variables: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(Variables).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `deployed-${name}`,
    ]),
  );
};

describe('the bundled functions', () => {
  it.each(STAGES)('%s is one ESM file that defines require before any bundled CommonJS runs', (stage) => {
    const file = bundleOf(stage);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8').startsWith(CREATE_REQUIRE_BANNER)).toBe(true);
  });

  it.each(STAGES)(
    '%s loads from the asset alone (AWS SDK bundled) with its deployed settings, exporting its handler',
    (stage) => {
      // A fresh Node process, outside the workspace: an import left external (the AWS SDK, a
      // workspace package) would fail to resolve, as it would in Lambda without the runtime's SDK.
      const loaded = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(bundleOf(stage)).href)}); process.stdout.write(typeof m.handler);`,
        ],
        {
          cwd: outdir,
          env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...deployedEnvironment(stage) },
          encoding: 'utf8',
        },
      );
      expect(loaded).toBe('function');
    },
  );
});
