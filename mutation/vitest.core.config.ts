import { mutationVitestConfig } from './vitest.shared.js';

// Core's own tests, plus the memory adapters' tests: they drive core's use cases end to end.
export default mutationVitestConfig([
  'packages/core/src/**/*.test.ts',
  'packages/adapters-memory/src/**/*.test.ts',
]);
