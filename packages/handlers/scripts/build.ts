/**
 * `pnpm --filter @activity-history/handlers build`: bundles each Lambda function with esbuild to
 * `dist/<name>/index.mjs`, with its metafile beside it, and prints each bundle's size.
 */
import { pathToFileURL } from 'node:url';
import { bundle, bundlePaths, FUNCTION_NAMES, type FunctionName } from './bundle.js';

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
      const { entryPoint, outfile } = bundlePaths(name);
      const { bytes } = await bundle({ entryPoint }, outfile);
      return { name, outfile, bytes };
    }),
  );

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const built of await buildBundles()) {
    process.stdout.write(`${built.name}: ${(built.bytes / 1024).toFixed(1)} KiB -> ${built.outfile}\n`);
  }
}
