import { createJetStreamEventStream, ensureJetStream } from '@activity-history/adapters-nats';
import type { EventStream } from '@activity-history/core';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/**
 * A JetStream event stream of its own on a NATS server, through the same adapter the runtime
 * publishes with: a baseline for what the runtime adds to a bare publish.
 */
export const openRawJetStream = async (
  natsUrl: string,
  name: string,
  partitions: number,
): Promise<{ readonly stream: EventStream; close(): Promise<void> }> => {
  const connection = await connect({ servers: natsUrl });
  await ensureJetStream(await jetstreamManager(connection), {
    name,
    subjects: [`${name}.*`],
    duplicateWindowMs: 120_000,
  });
  return {
    stream: createJetStreamEventStream({ connection, stream: name, partitions }),
    close: () => connection.close(),
  };
};
