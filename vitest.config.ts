import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@activity-history/source'] },
  ssr: { resolve: { conditions: ['@activity-history/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'bench/**/*.test.ts',
      'architecture/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // Java, Chromium and nats-server: installed where possible, else the run stops with the install line.
    globalSetup: ['scripts/system-packages.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
