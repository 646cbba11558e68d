import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEmfMetrics } from './emf-metrics.js';

interface EmfLine {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

describe('createEmfMetrics', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const lines = (): EmfLine[] =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as EmfLine);

  const lineWith = (dimensions: Record<string, string>) => {
    const found = lines().filter((line) =>
      Object.entries(dimensions).every(([name, value]) => line[name] === value),
    );
    const exact = found.filter(
      (line) => line._aws.CloudWatchMetrics[0]!.Dimensions[0]!.length === Object.keys(dimensions).length,
    );
    expect(exact).toHaveLength(1);
    return exact[0]!;
  };

  it('writes nothing until flushed, then one EMF object per dimension set, in the namespace, by Stage only', async () => {
    const metrics = createEmfMetrics({ namespace: 'ActivityHistory', serviceName: 'ingest' });
    metrics.record({ kind: 'invocation', stage: 'ingest', outcome: 'ok', durationMs: 12 });
    metrics.record({ kind: 'invocation', stage: 'ingest', outcome: 'error', durationMs: 30 });
    metrics.record({ kind: 'accepted', count: 3 });
    metrics.record({ kind: 'accepted', count: 2 });
    metrics.record({ kind: 'streamWriteFailures', final: false, count: 4 });
    metrics.record({ kind: 'streamWriteFailures', final: true, count: 1 });
    metrics.record({ kind: 'rejected', stage: 'ingest', reason: 'invalid_event', count: 2 });
    expect(written).toEqual([]);

    await metrics.flush();

    expect(lines()).toHaveLength(2);
    const ingest = lineWith({ Stage: 'ingest' });
    const [directive] = ingest._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe('ActivityHistory');
    expect(directive!.Dimensions).toEqual([['Stage']]);
    expect(Object.fromEntries(directive!.Metrics.map((m) => [m.Name, m.Unit]))).toEqual({
      Invocations: 'Count',
      Errors: 'Count',
      Duration: 'Milliseconds',
      AcceptedEvents: 'Count',
      StreamWriteRetries: 'Count',
      StreamWriteFailures: 'Count',
    });
    expect(ingest).toMatchObject({
      Invocations: 2,
      Errors: 1,
      Duration: [12, 30],
      AcceptedEvents: 5,
      StreamWriteRetries: 4,
      StreamWriteFailures: 1,
    });
    expect(directive!.Dimensions.flat()).not.toContain('service');

    const rejections = lineWith({ Stage: 'ingest', Reason: 'invalid_event' });
    expect(rejections._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Stage', 'Reason']]);
    expect(rejections.Rejections).toBe(2);
  });

  it("maps the processor's samples to the names of docs/metrics.md", async () => {
    const metrics = createEmfMetrics({ namespace: 'Custom', serviceName: 'process' });
    metrics.record({ kind: 'stored', count: 7 });
    metrics.record({ kind: 'duplicates', count: 2 });
    metrics.record({ kind: 'storeFailures', failure: 'throttled', count: 1 });
    metrics.record({ kind: 'storeFailures', failure: 'unavailable', count: 2 });
    metrics.record({ kind: 'storeFailures', failure: 'failed', count: 3 });
    metrics.record({ kind: 'retriedRecords', count: 5 });
    metrics.record({ kind: 'streamLag', ms: 1_500 });
    metrics.record({ kind: 'pendingRecords', count: 40 });
    metrics.record({ kind: 'deadLettered', count: 1 });
    metrics.record({ kind: 'rejected', stage: 'process', reason: 'conflict', count: 1 });
    metrics.record({ kind: 'rejected', stage: 'process', reason: 'malformed_record', count: 4 });

    await metrics.flush();

    const process = lineWith({ Stage: 'process' });
    expect(process._aws.CloudWatchMetrics[0]!.Namespace).toBe('Custom');
    expect(process).toMatchObject({
      StoredEvents: 7,
      DuplicateEvents: 2,
      StoreThrottled: 1,
      StoreUnavailable: 2,
      StoreFailed: 3,
      RetriedRecords: 5,
      StreamLag: 1_500,
      PendingRecords: 40,
      DeadLettered: 1,
    });
    expect(lineWith({ Stage: 'process', Reason: 'conflict' }).Rejections).toBe(1);
    expect(lineWith({ Stage: 'process', Reason: 'malformed_record' }).Rejections).toBe(4);
    for (const line of lines())
      expect(line._aws.CloudWatchMetrics[0]!.Dimensions.flat()).not.toContain('service');
  });

  it('empties its buffer on flush: a second flush writes nothing', async () => {
    const metrics = createEmfMetrics({ namespace: 'ActivityHistory', serviceName: 'query' });
    metrics.record({ kind: 'invocation', stage: 'query', outcome: 'ok', durationMs: 3 });
    await metrics.flush();
    written = [];

    await metrics.flush();

    expect(written.join('')).toBe('');
  });
});
