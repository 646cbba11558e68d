/**
 * The activity-history event stream on NATS JetStream: envelopes published to per-user partition
 * subjects with deduplicating message ids, the stream read back by sequence as core's
 * `ShardSource`, and the delivery engine's state on the server (checkpoints in a KV bucket, a
 * dead-letter stream), so a consumer restarted in a new container resumes where the last stopped.
 *
 * @example
 * ```ts
 * import { createJetStreamEventStream, ensureJetStream, jetStreamShardSource } from '@activity-history/adapters-nats';
 *
 * await ensureJetStream(await jetstreamManager(nc), { name: 'activity', subjects: ['activity.*'], duplicateWindowMs: 120_000 });
 * const stream = createJetStreamEventStream({ connection: nc, stream: 'activity', partitions: 4 });
 * const source = jetStreamShardSource({ connection: nc, stream: 'activity', partitions: 4 });
 * const checkpoints = await openJetStreamCheckpoints({ connection: nc, bucket: 'activity-process', source });
 * const deadLetters = await openJetStreamDeadLetters({ connection: nc, stream: 'activity-dead-letters' });
 * ```
 *
 * @packageDocumentation
 */
export {
  type JetStreamCheckpoints,
  type JetStreamCheckpointsOptions,
  openJetStreamCheckpoints,
} from './jetstream-checkpoints.js';
export {
  DEAD_LETTER_HEADERS,
  type JetStreamDeadLetters,
  type JetStreamDeadLettersOptions,
  openJetStreamDeadLetters,
} from './jetstream-dead-letters.js';
export {
  createJetStreamEventStream,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  type JetStreamEventStreamOptions,
} from './jetstream-event-stream.js';
export { type JetStreamShardSourceOptions, jetStreamShardSource } from './jetstream-shard-source.js';
export { messageIdOf } from './message-id.js';
export {
  NatsServerNotFoundError,
  type NatsServerOptions,
  type RunningNatsServer,
  startNatsServer,
} from './nats-server.js';
export { partitionOf, partitionSubject, partitionSubjects, USER_ID_HEADER } from './partitions.js';
export { ensureJetStream, type JetStreamDefinition } from './provisioning.js';
