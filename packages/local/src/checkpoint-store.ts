import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isJsonObject } from '@activity-history/core';
import type { ShardCheckpoints } from '@activity-history/delivery';

/** Where each shard's processing stands: the last sequence number that is done. */
export interface Checkpoints extends ShardCheckpoints {
  /** Whether checkpoints found on disk belonged to another life of the stream and were dropped. */
  readonly discarded: boolean;
}

interface CheckpointFile {
  readonly version: 1;
  readonly stream: string;
  readonly shards: Readonly<Record<string, string>>;
}

// An array is not a map of shards: `["4959..."]` would have read as the checkpoint of a shard "0".
const isCheckpointFile = (value: unknown): value is CheckpointFile =>
  isJsonObject(value) &&
  value.version === 1 &&
  typeof value.stream === 'string' &&
  isJsonObject(value.shards) &&
  Object.values(value.shards).every((sequence) => typeof sequence === 'string');

const readCheckpointFile = async (file: string): Promise<CheckpointFile | null> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isCheckpointFile(parsed) ? parsed : null;
  } catch {
    // A file that is not ours any more (edited by hand, truncated): starting over at the oldest
    // record is safe, because the store counts a redelivered event once.
    return null;
  }
};

/**
 * Opens the checkpoints of one stream. With a `file`, they are read from it and every save
 * rewrites it atomically (a temporary file renamed over it), so a stop at any instant, SIGKILL
 * included, leaves either the previous checkpoints or the new ones, never a torn file. Checkpoints
 * saved for another `identity` (a stream deleted and recreated: kinesalite rejects its old
 * sequence numbers) are discarded. With `file: null` they live in memory only.
 *
 * @example
 * ```ts
 * const checkpoints = await openCheckpoints('.activity-history/checkpoints.json', streamIdentity);
 * await checkpoints.save('shardId-000000000000', '4959...');
 * ```
 */
export const openCheckpoints = async (file: string | null, identity: string): Promise<Checkpoints> => {
  const found = file === null ? null : await readCheckpointFile(file);
  const discarded = found !== null && found.stream !== identity;
  const shards = new Map(found !== null && !discarded ? Object.entries(found.shards) : []);
  let writes: Promise<void> = Promise.resolve();
  if (file !== null) await mkdir(dirname(file), { recursive: true });

  const persist = async (target: string): Promise<void> => {
    const content: CheckpointFile = { version: 1, stream: identity, shards: Object.fromEntries(shards) };
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`);
    await rename(temporary, target);
  };

  return {
    discarded,
    get: (shardId) => shards.get(shardId) ?? null,
    save(shardId, sequenceNumber) {
      shards.set(shardId, sequenceNumber);
      if (file === null) return Promise.resolve();
      // Writes are chained so two shards saving at once never race on the temporary file; each
      // write takes the map as it is when it runs, so it holds every save made before it. A failed
      // write is reported to its caller and does not stop the next one from trying.
      const write = () => persist(file);
      writes = writes.then(write, write);
      return writes;
    },
  };
};
