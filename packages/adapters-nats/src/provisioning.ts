import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/** What {@link ensureJetStream} provisions. */
export interface JetStreamDefinition {
  readonly name: string;
  /** The subjects the stream captures, e.g. `['activity.*']` for the partition subjects `activity.<n>`. */
  readonly subjects: readonly string[];
  /** How long a message id is remembered: a producer retry within it is dropped as a duplicate. */
  readonly duplicateWindowMs: number;
}

/**
 * Creates the stream, or brings an existing one to the definition (subjects, duplicate window).
 * Direct get is switched on: the shard source reads by sequence through it. Returns the stream's
 * creation time, which names its life (see `jetStreamShardSource`'s identity).
 *
 * @example
 * ```ts
 * await ensureJetStream(await jetstreamManager(nc), { name: 'activity', subjects: ['activity.*'], duplicateWindowMs: 120_000 });
 * ```
 */
export const ensureJetStream = async (
  jsm: JetStreamManager,
  definition: JetStreamDefinition,
): Promise<{ readonly created: string }> => {
  const wanted = {
    subjects: [...definition.subjects],
    duplicate_window: nanos(definition.duplicateWindowMs),
    allow_direct: true,
  };
  try {
    const info = await jsm.streams.info(definition.name);
    const same =
      info.config.duplicate_window === wanted.duplicate_window &&
      info.config.allow_direct === true &&
      JSON.stringify([...(info.config.subjects ?? [])].sort()) ===
        JSON.stringify([...wanted.subjects].sort());
    if (same) return { created: info.created };
    const updated = await jsm.streams.update(definition.name, { ...info.config, ...wanted });
    return { created: updated.created };
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    const created = await jsm.streams.add({ name: definition.name, ...wanted });
    return { created: created.created };
  }
};
