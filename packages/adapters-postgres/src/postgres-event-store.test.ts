import { describeEventStoreContract } from '@activity-history/core/testing';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrate.js';
import { exclusiveSession } from './postgres-connection.js';
import { postgresHarness } from './testing/postgres-harness.js';

// PGlite: PostgreSQL compiled to WebAssembly, in process. One database per suite.
describeEventStoreContract('postgres (PGlite)', async () => {
  const db = new PGlite();
  const connector = exclusiveSession(db);
  await migrate(connector);
  const harness = postgresHarness(connector);
  return {
    ...harness,
    cleanup: async () => {
      await harness.cleanup();
      await db.close();
    },
  };
});
