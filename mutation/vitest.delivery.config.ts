import { mutationVitestConfig } from './vitest.shared.js';

// The engine's own tests, plus the memory pipeline's, which deliver through it under faults.
export default mutationVitestConfig([
  'packages/delivery/src/**/*.test.ts',
  'packages/adapters-memory/src/testing/**/*.test.ts',
  'packages/adapters-memory/src/pipeline.property.test.ts',
]);
