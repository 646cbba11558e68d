import { mutationVitestConfig } from './vitest.shared.js';

// The store's integration tests start dynalite and DynamoDB Local themselves, on 127.0.0.1.
export default mutationVitestConfig(['packages/adapters-aws/src/dynamodb-event-store.int.test.ts']);
