import { describe, expect, it } from 'vitest';
import { createMemoryEventStream } from './memory-event-stream.js';
import { memoryShardSource } from './memory-shard-source.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('memoryShardSource', () => {
  it("lists the stream's shards and reads a shard from the oldest record or after a sequence number", async () => {
    const stream = createMemoryEventStream({ shardCount: 2 });
    const records = ['a', 'b', 'c'].map((text) => stream.appendRaw('u-1', bytes(text)));
    const shardId = stream.shardOf('u-1');
    const source = memoryShardSource(stream);

    expect(await source.shardIds()).toEqual(stream.shardIds());
    expect(await source.read(shardId, null, 2)).toEqual(records.slice(0, 2));
    expect(await source.read(shardId, records[0]!.recordId, 10)).toEqual(records.slice(1));
  });

  it('names one identity per stream object, another for another stream', async () => {
    const stream = createMemoryEventStream();

    const first = await memoryShardSource(stream).identity();

    expect(await memoryShardSource(stream).identity()).toBe(first);
    expect(await memoryShardSource(createMemoryEventStream()).identity()).not.toBe(first);
  });
});
