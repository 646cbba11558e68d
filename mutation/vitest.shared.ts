import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * A vitest config for one mutation run: the same resolution and timeouts as the root
 * `vitest.config.ts` (tests run on sources through the `source` condition), but only the tests of
 * what that run mutates, so a failing or slow test elsewhere cannot abort or slow it.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
/** Every workspace package, by its directory (each is named `@activity-history/<directory>`). */
const PACKAGES = readdirSync(`${root}packages`).join('|');

export const mutationVitestConfig = (include: readonly string[]) =>
  defineConfig({
    // Stryker runs vitest inside its sandbox copy; resolve the globs from that copy's root.
    root,
    resolve: {
      conditions: ['@activity-history/source'],
      // The sandbox links only the root node_modules: a package imported by name would resolve to
      // the original sources, unmutated, and its mutants would look uncovered. Point the names at
      // the sandbox's own sources.
      alias: [
        {
          find: new RegExp(`^@activity-history/(${PACKAGES})/testing$`),
          replacement: `${root}packages/$1/src/testing/index.ts`,
        },
        {
          find: new RegExp(`^@activity-history/(${PACKAGES})$`),
          replacement: `${root}packages/$1/src/index.ts`,
        },
      ],
    },
    ssr: { resolve: { conditions: ['@activity-history/source'] } },
    test: {
      include: [...include],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  });
