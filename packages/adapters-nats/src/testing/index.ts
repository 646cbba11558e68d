/**
 * Test support for the JetStream adapters: a real `nats-server -js` per test file (on 127.0.0.1, a
 * free port and a temporary store), and refusal injection on a JetStream client.
 *
 * @example
 * ```ts
 * import { startNatsServer } from '@activity-history/adapters-nats/testing';
 *
 * const nats = await startNatsServer();
 * ```
 *
 * @packageDocumentation
 */

// The starter ships (local mode runs it too); the tests start it without a store directory.
export { type RunningNatsServer, startNatsServer } from '../nats-server.js';
export { type JetStreamHarness, jetStreamHarness } from './jetstream-harness.js';
export { injectJetStreamRefusals, type JetStreamRefusals } from './jetstream-refusals.js';
export { type SharedNatsServer, sharedNatsServer } from './shared-nats-server.js';
