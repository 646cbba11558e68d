import type { EventStreamHarness } from '@activity-history/core/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { createJetStreamEventStream } from '../jetstream-event-stream.js';
import { jetStreamShardSource } from '../jetstream-shard-source.js';
import type { RunningNatsServer } from '../nats-server.js';
import { ensureJetStream } from '../provisioning.js';
import { injectJetStreamRefusals, type JetStreamRefusals } from './jetstream-refusals.js';

/** A contract harness on a fresh stream, with the connection, the source and the refusals exposed. */
export interface JetStreamHarness extends EventStreamHarness {
  readonly connection: NatsConnection;
  readonly streamName: string;
  readonly partitions: number;
  readonly source: ReturnType<typeof jetStreamShardSource>;
  readonly refusals: JetStreamRefusals;
  refuseNext(predicate: Parameters<JetStreamRefusals['refuseNext']>[0]): void;
}

let streams = 0;

/**
 * A fresh stream (`<name>.*`, a 2-minute duplicate window) of `partitions` partitions on a running
 * server, with its event stream (refusal injection on its client), its shard source, and `readAll`
 * reading every partition through the shard source.
 *
 * @example
 * ```ts
 * describeEventStreamContract('JetStream', async () => jetStreamHarness(await server()));
 * ```
 */
export const jetStreamHarness = async (
  server: RunningNatsServer,
  partitions = 3,
): Promise<JetStreamHarness> => {
  const connection = await connect({ servers: server.server });
  const streamName = `activity-${Date.now().toString(36)}-${streams++}`;
  await ensureJetStream(await jetstreamManager(connection), {
    name: streamName,
    subjects: [`${streamName}.*`],
    duplicateWindowMs: 120_000,
  });
  const refusals = injectJetStreamRefusals(jetstream(connection));
  const source = jetStreamShardSource({ connection, stream: streamName, partitions });
  return {
    connection,
    streamName,
    partitions,
    source,
    refusals,
    stream: refusals.around(
      createJetStreamEventStream({ connection, stream: streamName, partitions, client: refusals.client }),
    ),
    readAll: async () => {
      const shards = await source.shardIds();
      const perShard = await Promise.all(shards.map((shard) => source.read(shard, null, 1_000_000)));
      return perShard.flat().map((record) => ({ partitionKey: record.partitionKey, data: record.data }));
    },
    cleanup: async () => {
      await connection.close();
    },
    refuseNext: (predicate) => refusals.refuseNext(predicate),
  };
};
