import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STAGES, type Stage } from '@activity-history/core';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, bundlePaths } from '../../handlers/scripts/bundle.js';
import { CREATE_REQUIRE_BANNER } from './pipeline-function.js';
import { functionOf, testStack } from './testing/pipeline-template.js';

// The one synth with the real bundles: built here once, the way the handlers package's build
// builds them (its `bundle()`), into a temporary directory laid out like its dist/ (about 2.5 s
// for the four), so `pnpm test` needs no build first.
const bundleDir = mkdtempSync(join(tmpdir(), 'activity-history-bundles-'));
const outdir = mkdtempSync(join(tmpdir(), 'activity-history-cdk-'));
const bundleOf = (stage: Stage): string => join(bundleDir, stage, 'index.mjs');
let template: Template;

beforeAll(async () => {
  await Promise.all(
    STAGES.map((stage) => bundle({ entryPoint: bundlePaths(stage).entryPoint }, bundleOf(stage))),
  );
  const { stack } = testStack({ handlerCode: { kind: 'bundle-dir', dir: bundleDir }, outdir });
  template = Template.fromStack(stack);
}, 120_000);

afterAll(() => {
  for (const dir of [bundleDir, outdir]) rmSync(dir, { recursive: true, force: true });
});

/** The folder the synth staged as a function's code asset (what CDK zips and uploads). */
const assetOf = (stage: Stage): string => {
  const code = functionOf(template, stage).properties.Code as { S3Key: string };
  return join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
};

/**
 * The environment the stack gives a function, with each CloudFormation reference (a table name,
 * a queue name...) replaced by a plausible value: what the module sees at its cold start.
 */
const deployedEnvironment = (stage: Stage): Record<string, string> => {
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

describe('the functions built from ready-made bundles', () => {
  it.each(STAGES)('%s deploys its bundle alone (no metafile), as index.handler', (stage) => {
    expect(readdirSync(join(bundleDir, stage)).sort()).toEqual(['index.mjs', 'meta.json']);
    expect(readdirSync(assetOf(stage))).toEqual(['index.mjs']);
    expect(readFileSync(join(assetOf(stage), 'index.mjs')).equals(readFileSync(bundleOf(stage)))).toBe(true);
    expect(functionOf(template, stage).properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
    });
  });

  it.each(STAGES)('%s is one ESM file that defines require before any bundled CommonJS runs', (stage) => {
    expect(readFileSync(join(assetOf(stage), 'index.mjs'), 'utf8').startsWith(CREATE_REQUIRE_BANNER)).toBe(
      true,
    );
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
          `const m = await import(${JSON.stringify(pathToFileURL(join(assetOf(stage), 'index.mjs')).href)}); process.stdout.write(typeof m.handler);`,
        ],
        {
          cwd: outdir,
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            ...deployedEnvironment(stage),
          },
          encoding: 'utf8',
        },
      );
      expect(loaded).toBe('function');
    },
  );
});
