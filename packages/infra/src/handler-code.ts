import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Stage } from '@activity-history/core';
import { ActivityHistoryPropsError, HandlerBundleError } from './errors.js';

/** The package whose ready-built bundles the functions run. */
export const HANDLERS_PACKAGE = '@activity-history/handlers';

/** How the bundles are built, in this repository. */
export const BUILD_HANDLERS_COMMAND = 'pnpm --filter @activity-history/handlers build';

/**
 * Where the handlers' sources are, for bundling them at synth.
 *
 * @example
 * ```ts
 * const source: HandlersSource = { workspaceRoot: '/src/activity-history', handlersDir: '/src/activity-history/packages/handlers' };
 * ```
 */
export interface HandlersSource {
  /** The workspace root, holding `pnpm-lock.yaml` (which tells CDK to run esbuild through pnpm). */
  readonly workspaceRoot: string;
  /** The handlers package: entries are `<handlersDir>/src/lambda/<stage>.ts`. */
  readonly handlersDir: string;
}

/**
 * Where the functions' code comes from:
 * - `package` (the default): the ready-built bundles of the installed `@activity-history/handlers`
 *   package, `dist/<stage>/index.mjs`, found through its `./bundles/*` export; a CDK app needs no
 *   TypeScript sources, no esbuild, no pnpm and no lock file;
 * - `bundle-dir`: bundles laid out the same way, `<dir>/<stage>/index.mjs`, anywhere (a build of
 *   your own, or the tests' bundles in a temporary directory);
 * - `sources`: the handlers' TypeScript sources, bundled by esbuild at synth (`NodejsFunction`).
 *   Only inside this repository: it needs the workspace, its lock file and its esbuild.
 *
 * @example
 * ```ts
 * const code: HandlerCode = { kind: 'bundle-dir', dir: '/tmp/handlers-dist' };
 * const fromSources: HandlerCode = { kind: 'sources', source: workspaceHandlersSource() };
 * ```
 */
export type HandlerCode =
  | { readonly kind: 'package' }
  | { readonly kind: 'bundle-dir'; readonly dir: string }
  | { readonly kind: 'sources'; readonly source: HandlersSource };

const missingBundle = (stage: Stage, file: string, cause?: unknown): HandlerBundleError =>
  new HandlerBundleError(
    file,
    `the ${stage} function's bundle is missing: ${file} does not exist. In the activity-history repository, build the bundles with \`${BUILD_HANDLERS_COMMAND}\`; a published ${HANDLERS_PACKAGE} ships them.`,
    cause === undefined ? undefined : { cause },
  );

/**
 * The bundle of a stage in a directory laid out like the handlers package's `dist`:
 * `<dir>/<stage>/index.mjs`. Fails with a {@link HandlerBundleError} naming the file when it is
 * not there.
 *
 * @example
 * ```ts
 * handlerBundleIn('/tmp/handlers-dist', 'query'); // '/tmp/handlers-dist/query/index.mjs'
 * ```
 */
export const handlerBundleIn = (dir: string, stage: Stage): string => {
  const file = resolve(dir, stage, 'index.mjs');
  if (!existsSync(file)) throw missingBundle(stage, file);
  return file;
};

/** The file the package's `./bundles/*` export names for a stage, for the error message. */
const exportedBundlePath = (manifest: string, stage: Stage): string => {
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, unknown> })
    .exports;
  const target = exports?.['./bundles/*'];
  return join(
    dirname(manifest),
    typeof target === 'string' ? target.replace('*', stage) : '(no ./bundles/* export)',
  );
};

/**
 * The bundle of a stage in the installed `@activity-history/handlers` package, resolved the way
 * Node resolves it from `from` (by default this module, so the copy this package depends on).
 * Fails with a {@link HandlerBundleError} when the package is not installed or the bundle was not
 * built.
 *
 * @example
 * ```ts
 * installedHandlerBundle('ingest'); // '.../node_modules/@activity-history/handlers/dist/ingest/index.mjs'
 * ```
 */
export const installedHandlerBundle = (stage: Stage, from: string | URL = import.meta.url): string => {
  const require = createRequire(from);
  let manifest: string;
  try {
    manifest = require.resolve(`${HANDLERS_PACKAGE}/package.json`);
  } catch (cause) {
    throw new HandlerBundleError(
      HANDLERS_PACKAGE,
      `${HANDLERS_PACKAGE} is not installed where @activity-history/infra can resolve it (from ${from instanceof URL ? fileURLToPath(from) : from}): install it beside the construct (npm install ${HANDLERS_PACKAGE}).`,
      { cause },
    );
  }
  try {
    return require.resolve(`${HANDLERS_PACKAGE}/bundles/${stage}`);
  } catch (cause) {
    throw missingBundle(stage, exportedBundlePath(manifest, stage), cause);
  }
};

/**
 * Finds the workspace around this module (the nearest directory with `pnpm-workspace.yaml`), for
 * building the functions from the handlers' sources inside this repository (`{ kind: 'sources' }`).
 *
 * @example
 * ```ts
 * const { handlersDir } = workspaceHandlersSource(); // .../packages/handlers
 * ```
 */
export const workspaceHandlersSource = (
  from: string = dirname(fileURLToPath(import.meta.url)),
): HandlersSource => {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new ActivityHistoryPropsError(
        `no pnpm workspace found above ${from}: building from sources works only inside the activity-history repository (the default, handlerCode { kind: 'package' }, needs no sources)`,
      );
    }
    dir = parent;
  }
  return { workspaceRoot: dir, handlersDir: join(dir, 'packages', 'handlers') };
};
