import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The functions deployed to Lambda, one bundle each. */
export const FUNCTION_NAMES = ['ingest', 'process', 'query', 'diagnose'] as const;

/** One of {@link FUNCTION_NAMES}. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The handlers package's folder. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The esbuild options of every Lambda bundle, shared with the bundle benchmark so that its bare
 * AWS SDK baselines are built the same way. ESM for Node 20, everything bundled (the AWS SDK too:
 * the runtime's copy is not relied upon), minified, with a metafile. The banner gives ESM bundles
 * the `require` that CommonJS dependencies of the SDK call ("Dynamic require of ... is not
 * supported" otherwise). Workspace packages are bundled from their TypeScript sources.
 *
 * @example
 * ```ts
 * await build({ ...BUNDLE_OPTIONS, entryPoints: ['src/lambda/query.ts'], outfile: 'dist/query/index.mjs' });
 * ```
 */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  metafile: true,
  sourcemap: false,
  legalComments: 'none',
  conditions: ['source'],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  banner: {
    js: "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);",
  },
};

/**
 * Where a function's entry point and bundle live.
 *
 * @example
 * ```ts
 * bundlePaths('query').outfile; // .../packages/handlers/dist/query/index.mjs
 * ```
 */
export const bundlePaths = (name: FunctionName) => ({
  entryPoint: join(PACKAGE_DIR, 'src', 'lambda', `${name}.ts`),
  outfile: join(PACKAGE_DIR, 'dist', name, 'index.mjs'),
  metafile: join(PACKAGE_DIR, 'dist', name, 'meta.json'),
});
