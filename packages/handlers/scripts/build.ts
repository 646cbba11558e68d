/**
 * `pnpm --filter @activity-history/handlers build`: bundles each Lambda function with esbuild to
 * `dist/<name>/index.mjs`, with its metafile beside it, and prints each bundle's size.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, bundlePaths, FUNCTION_NAMES, type FunctionName } from './bundle-options.js';

/**
 * Bundles the given functions (all by default) and returns each bundle's path and size in bytes.
 *
 * @example
 * ```ts
 * const bundles = await buildBundles(['query']);
 * ```
 */
export const buildBundles = async (
  names: readonly FunctionName[] = FUNCTION_NAMES,
): Promise<{ name: FunctionName; outfile: string; bytes: number }[]> =>
  Promise.all(
    names.map(async (name) => {
      const paths = bundlePaths(name);
      await mkdir(dirname(paths.outfile), { recursive: true });
      const result = await build({
        ...BUNDLE_OPTIONS,
        entryPoints: [paths.entryPoint],
        outfile: paths.outfile,
      });
      await writeFile(paths.metafile, JSON.stringify(result.metafile));
      const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((sum, o) => sum + o.bytes, 0);
      return { name, outfile: paths.outfile, bytes };
    }),
  );

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const bundle of await buildBundles()) {
    process.stdout.write(`${bundle.name}: ${(bundle.bytes / 1024).toFixed(1)} KiB -> ${bundle.outfile}\n`);
  }
}
