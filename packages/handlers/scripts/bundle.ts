import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/** The functions deployed to Lambda, one bundle each. */
export const FUNCTION_NAMES = ['ingest', 'process', 'query', 'diagnose'] as const;

/** One of {@link FUNCTION_NAMES}. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The handlers package's folder. */
export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `@aws-sdk/lib-dynamodb` has no module-level effects but does not declare `sideEffects: false`
 * (the other SDK packages do), so esbuild keeps its modules, and part of the DynamoDB client with
 * them, in bundles that never use it (the ingest function). Declaring it here lets esbuild drop it.
 */
const UNDECLARED_PURE_PACKAGES = /^@aws-sdk\/lib-dynamodb$/;

const sideEffectFreePackages: Plugin = {
  name: 'side-effect-free-packages',
  setup(builder) {
    builder.onResolve({ filter: UNDECLARED_PURE_PACKAGES }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { ...resolved, sideEffects: false };
    });
  },
};

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
  conditions: ['@activity-history/source'],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  plugins: [sideEffectFreePackages],
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
});

/** What to bundle: a file, or source text whose imports resolve from `resolveDir`. */
export type BundleInput =
  | { readonly entryPoint: string }
  | { readonly contents: string; readonly resolveDir: string };

/**
 * Bundles one entry with {@link BUNDLE_OPTIONS} to `outfile`, writes the metafile beside it as
 * `meta.json`, and returns the bundle's size in bytes and its metafile.
 *
 * @example
 * ```ts
 * const { bytes } = await bundle({ entryPoint: bundlePaths('query').entryPoint }, '/tmp/query/index.mjs');
 * ```
 */
export const bundle = async (
  input: BundleInput,
  outfile: string,
): Promise<{ readonly bytes: number; readonly metafile: Metafile }> => {
  await mkdir(dirname(outfile), { recursive: true });
  const result = await build({
    ...BUNDLE_OPTIONS,
    ...('entryPoint' in input
      ? { entryPoints: [input.entryPoint] }
      : { stdin: { contents: input.contents, resolveDir: input.resolveDir, loader: 'ts' as const } }),
    outfile,
  });
  const metafile = result.metafile!;
  await writeFile(join(dirname(outfile), 'meta.json'), JSON.stringify(metafile));
  return { bytes: Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0), metafile };
};
