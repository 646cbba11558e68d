import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DeadLetter, type DeadLetterDestination, deadLettersOf } from '@activity-history/delivery';

/** Local mode's on-failure destination: a JSON-lines file, or memory on the memory backend. */
export interface DeadLetterStore extends DeadLetterDestination {
  /** Every record it holds, oldest first. */
  entries(): Promise<readonly DeadLetter[]>;
}

const readLines = async (file: string): Promise<string[]> => {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
};

/**
 * Opens the local dead-letter store: one JSON line per record in `file` (appended, so a stop at
 * any instant loses at most the line being written), or memory only with `file: null`. It plays
 * the part of the event source mapping's on-failure destination (an SQS queue in AWS), but keeps
 * the records themselves rather than pointers into the stream, which would expire with it.
 *
 * @example
 * ```ts
 * const deadLetters = await openDeadLetters('.activity-history/dead-letters.jsonl');
 * metrics.setDeadLetterDepth(deadLetters.depth());
 * ```
 */
export const openDeadLetters = async (file: string | null): Promise<DeadLetterStore> => {
  const kept: DeadLetter[] = [];
  let depth = 0;
  if (file !== null) {
    await mkdir(dirname(file), { recursive: true });
    depth = (await readLines(file)).length;
  }
  return {
    async add(batch) {
      const letters = deadLettersOf(batch);
      if (file === null) kept.push(...letters);
      else await appendFile(file, letters.map((letter) => `${JSON.stringify(letter)}\n`).join(''));
      depth += letters.length;
    },
    depth: () => depth,
    entries: async () =>
      file === null ? [...kept] : (await readLines(file)).map((line) => JSON.parse(line) as DeadLetter),
  };
};
