import type { ShardSource } from '@activity-history/core';
import type { ShardCheckpoints } from '@activity-history/delivery';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

/** Options of {@link openJetStreamCheckpoints}. */
export interface JetStreamCheckpointsOptions {
  readonly connection: NatsConnection;
  /**
   * The KV bucket holding the checkpoints, created when missing: one bucket per consumer of the
   * stream (two functions reading one stream keep two buckets).
   */
  readonly bucket: string;
  /** The shard source whose positions these are: its shards are the keys, its identity the life. */
  readonly source: ShardSource;
}

/** The delivery engine's checkpoints, kept in a JetStream KV bucket. */
export interface JetStreamCheckpoints extends ShardCheckpoints {
  /** The shards whose stored checkpoint belonged to another life of the stream, and was dropped. */
  readonly discarded: readonly string[];
}

/** One key's value: the position, and the life of the stream it is a position in. */
interface StoredCheckpoint {
  readonly stream: string;
  readonly sequence: string;
}

interface Known {
  /** The checkpoint of this life of the stream, `null` when none is stored. */
  readonly sequence: string | null;
  /** The key's revision as last seen: 0 when the key was never written. */
  readonly revision: number;
}

const encoder = new TextEncoder();

const parse = (entry: KvEntry | null, identity: string): Known & { readonly foreign: boolean } => {
  if (entry === null || entry.operation !== 'PUT')
    return { sequence: null, revision: entry?.revision ?? 0, foreign: false };
  let stored: Partial<StoredCheckpoint> = {};
  try {
    stored = entry.json<Partial<StoredCheckpoint>>();
  } catch {
    // Not a checkpoint of ours (written by hand): starting at the oldest record is safe, because
    // the store counts a redelivered event once.
  }
  const mine =
    stored.stream === identity && typeof stored.sequence === 'string' && /^\d+$/.test(stored.sequence);
  return { sequence: mine ? stored.sequence! : null, revision: entry.revision, foreign: !mine };
};

const isWrongLastSequence = (error: unknown): boolean =>
  error instanceof JetStreamApiError &&
  (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
    error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);

/**
 * Opens the delivery engine's checkpoints in a JetStream KV bucket: one key per shard (its
 * partition subject), its value the last stream sequence done and the stream's identity, so a
 * consumer started in a new container resumes right after the last batch the previous one
 * finished. A checkpoint saved in another life of the stream (deleted and created again: its
 * sequences start over) is discarded and listed in `discarded`.
 *
 * `save` resolves once the server stored the value. Each write names the revision it replaces, so
 * a checkpoint never moves back: when another consumer of the same partition (a container that
 * was thought dead) wrote meanwhile, the greater position stands.
 *
 * @example
 * ```ts
 * const source = jetStreamShardSource({ connection: nc, stream: 'activity', partitions: 4 });
 * const checkpoints = await openJetStreamCheckpoints({ connection: nc, bucket: 'activity-process', source });
 * const engine = createDeliveryEngine({ source, checkpoints, ... });
 * ```
 */
export const openJetStreamCheckpoints = async (
  options: JetStreamCheckpointsOptions,
): Promise<JetStreamCheckpoints> => {
  const kv: KV = await new Kvm(options.connection).create(options.bucket, { history: 1 });
  const identity = await options.source.identity();
  const known = new Map<string, Known>();
  const discarded: string[] = [];
  for (const shardId of await options.source.shardIds()) {
    const { foreign, ...checkpoint } = parse(await kv.get(shardId), identity);
    known.set(shardId, checkpoint);
    if (foreign) discarded.push(shardId);
  }

  const save = async (shardId: string, sequence: string): Promise<void> => {
    const value = encoder.encode(JSON.stringify({ stream: identity, sequence } satisfies StoredCheckpoint));
    let revision = known.get(shardId)?.revision ?? 0;
    for (;;) {
      try {
        revision = await kv.put(shardId, value, { previousSeq: revision });
        known.set(shardId, { sequence, revision });
        return;
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error;
      }
      // Someone else wrote the key since we read it: keep theirs if it is further on.
      const current = parse(await kv.get(shardId), identity);
      if (current.sequence !== null && BigInt(current.sequence) >= BigInt(sequence)) {
        known.set(shardId, current);
        return;
      }
      revision = current.revision;
    }
  };

  return {
    discarded,
    get: (shardId) => known.get(shardId)?.sequence ?? null,
    save,
  };
};
