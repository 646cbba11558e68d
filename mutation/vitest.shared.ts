import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * A vitest config for one mutation run: the same resolution and timeouts as the root
 * `vitest.config.ts` (tests run on sources through the `source` condition), but only the tests of
 * what that run mutates, so a failing or slow test elsewhere cannot abort or slow it.
 */
export const mutationVitestConfig = (include: readonly string[]) =>
  defineConfig({
    // Stryker runs vitest inside its sandbox copy; resolve the globs from that copy's root.
    root: fileURLToPath(new URL('..', import.meta.url)),
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      include: [...include],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  });
