import { strykerConfig } from './stryker.shared.mjs';

export default strykerConfig({
  name: 'core',
  mutate: [
    'packages/core/src/**/*.ts',
    '!packages/core/src/**/*.test.ts',
    '!packages/core/src/testing/**',
    '!packages/core/src/index.ts',
  ],
});
