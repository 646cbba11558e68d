import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGES } from '@activity-history/core';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePaths } from '../../handlers/scripts/bundle.js';
import { HandlerBundleError } from './errors.js';
import {
  BUILD_HANDLERS_COMMAND,
  handlerBundleIn,
  installedHandlerBundle,
  workspaceHandlersSource,
} from './handler-code.js';
import { functionOf, testStack, testTemplate } from './testing/pipeline-template.js';

const HANDLERS_MANIFEST = fileURLToPath(new URL('../../handlers/package.json', import.meta.url));

const scratch = mkdtempSync(join(tmpdir(), 'activity-history-handler-code-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A user's CDK app outside the workspace, with `@activity-history/handlers` installed in its
 * `node_modules` (this repository's package.json, so its real exports) and the given bundles built.
 */
const consumerApp = (name: string, built: readonly string[]): { app: string; packageDir: string } => {
  const app = join(scratch, name);
  const packageDir = join(app, 'node_modules', '@activity-history', 'handlers');
  mkdirSync(packageDir, { recursive: true });
  copyFileSync(HANDLERS_MANIFEST, join(packageDir, 'package.json'));
  for (const stage of built) {
    mkdirSync(join(packageDir, 'dist', stage), { recursive: true });
    writeFileSync(join(packageDir, 'dist', stage, 'index.mjs'), 'export const handler = async () => {};\n');
  }
  return { app: join(app, 'app.mjs'), packageDir };
};

const thrown = (act: () => unknown): HandlerBundleError => {
  try {
    act();
  } catch (error) {
    if (error instanceof HandlerBundleError) return error;
    throw error;
  }
  throw new Error('expected a HandlerBundleError');
};

describe('installedHandlerBundle', () => {
  it.each(STAGES)('finds the %s bundle in the installed handlers package, through its exports', (stage) => {
    const { app, packageDir } = consumerApp('installed', STAGES);

    expect(installedHandlerBundle(stage, app)).toBe(join(packageDir, 'dist', stage, 'index.mjs'));
  });

  it('names the missing bundle and the command that builds it', () => {
    const { app, packageDir } = consumerApp('unbuilt', ['ingest']);

    const error = thrown(() => installedHandlerBundle('query', app));

    expect(error.file).toBe(join(packageDir, 'dist', 'query', 'index.mjs'));
    expect(error.message).toContain(join(packageDir, 'dist', 'query', 'index.mjs'));
    expect(error.message).toContain(BUILD_HANDLERS_COMMAND);
  });

  it('resolves, in this repository, to where the handlers build writes each bundle', () => {
    // Built or not (`pnpm test` runs before any build), the export points at the build's output.
    for (const stage of STAGES) {
      let file: string;
      try {
        file = installedHandlerBundle(stage);
      } catch (error) {
        if (!(error instanceof HandlerBundleError)) throw error;
        file = error.file;
      }
      expect(file).toBe(bundlePaths(stage).outfile);
    }
  });
});

describe('a synth', () => {
  // Bundling skipped: what is checked is the functions' shape, not esbuild.
  const fromSources = () =>
    testTemplate({ handlerCode: { kind: 'sources', source: workspaceHandlersSource() } });
  let template: ReturnType<typeof fromSources> | undefined;

  it('fails before any asset is staged when a bundle is missing, naming it and the build command', () => {
    const dir = join(scratch, 'empty-dist');
    mkdirSync(dir);

    const error = thrown(() => testStack({ handlerCode: { kind: 'bundle-dir', dir } }));

    expect(error.message).toContain(join(dir, 'ingest', 'index.mjs'));
    expect(error.message).toContain(BUILD_HANDLERS_COMMAND);
    expect(() => handlerBundleIn(dir, 'process')).toThrow(join(dir, 'process', 'index.mjs'));
  });

  it.each(STAGES)('can still build %s from the sources inside this repository', (stage) => {
    template ??= fromSources();
    expect(functionOf(template, stage).properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      LoggingConfig: { LogFormat: 'JSON' },
    });
  });

  it('building from sources outside a workspace fails saying the default needs no sources', () => {
    expect(() => workspaceHandlersSource(tmpdir())).toThrow(/no pnpm workspace found.*kind: 'package'/);
  });
});
