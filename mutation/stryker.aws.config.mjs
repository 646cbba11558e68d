import { strykerConfig } from './stryker.shared.mjs';

export default strykerConfig({
  name: 'aws',
  mutate: [
    'packages/adapters-aws/src/dynamodb-event-store.ts',
    'packages/adapters-aws/src/dynamodb-items.ts',
  ],
});
