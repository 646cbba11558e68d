import { strykerConfig } from './stryker.shared.mjs';

export default strykerConfig({
  name: 'delivery',
  mutate: [
    'packages/delivery/src/**/*.ts',
    '!packages/delivery/src/**/*.test.ts',
    '!packages/delivery/src/index.ts',
  ],
});
