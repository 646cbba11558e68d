import { describe, expect, it } from 'vitest';
import type { Clock } from '../ports/clock.js';
import type { EventStream, PublishOutcome } from '../ports/event-stream.js';
import type { StreamEnvelope } from '../stream-record.js';
import { normalizeEvent } from '../testing/arbitraries.js';
import { publishWithRetry, type RetryPolicy } from './publish-with-retry.js';

const WRITTEN: PublishOutcome = { written: true };
const THROTTLED: PublishOutcome = {
  written: false,
  retryable: true,
  reason: 'ProvisionedThroughputExceededException',
};
const DENIED: PublishOutcome = { written: false, retryable: false, reason: 'AccessDeniedException' };

/** A clock that only moves when someone sleeps on it or a test moves it. */
const manualClock = () => {
  let now = Date.UTC(2026, 2, 1);
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
};

/**
 * A stream answering from a script: the n-th time it sees an event id, it gives the n-th outcome
 * listed for it (the last one repeats; unlisted ids are written). Each publish call takes
 * `publishMs` of the clock. It remembers the event ids of every call.
 */
const scriptedStream = (
  script: Readonly<Record<string, readonly PublishOutcome[]>>,
  options: {
    readonly advance?: (ms: number) => void;
    readonly publishMs?: number;
    readonly answerOnly?: number;
  } = {},
) => {
  const calls: string[][] = [];
  const seen = new Map<string, number>();
  const stream: EventStream = {
    publish: async (envelopes) => {
      calls.push(envelopes.map((e) => e.event.eventId));
      options.advance?.(options.publishMs ?? 0);
      const outcomes = envelopes.map(({ event }) => {
        const n = seen.get(event.eventId) ?? 0;
        seen.set(event.eventId, n + 1);
        const listed = script[event.eventId] ?? [WRITTEN];
        return listed[Math.min(n, listed.length - 1)]!;
      });
      return outcomes.slice(0, options.answerOnly ?? outcomes.length);
    },
  };
  return { stream, calls };
};

const envelopes = (...eventIds: string[]): StreamEnvelope[] =>
  eventIds.map((eventId) => ({
    v: 1,
    event: normalizeEvent({
      eventId,
      userId: 'u-1',
      type: 'track.played',
      occurredAt: '2026-03-01T00:00:00Z',
    }),
    correlationId: 'req-1',
    receivedAt: '2026-03-01T00:00:00.000Z',
  }));

/** No jitter surprises: a fixed random number, generous limits; each test narrows what it checks. */
const policy = (patch: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  budgetMs: 60_000,
  random: () => 0.5,
  ...patch,
});

describe('publishWithRetry', () => {
  it('publishes once when every record is written', async () => {
    // Arrange
    const { clock, sleeps } = manualClock();
    const { stream, calls } = scriptedStream({});

    // Act
    const report = await publishWithRetry(stream, envelopes('e-1', 'e-2'), clock, policy());

    // Assert
    expect(report).toEqual({ outcomes: [WRITTEN, WRITTEN], retriedRecords: 0 });
    expect(calls).toEqual([['e-1', 'e-2']]);
    expect(sleeps).toEqual([]);
  });

  it('sends again only the records the stream refused', async () => {
    // Arrange
    const { clock } = manualClock();
    const { stream, calls } = scriptedStream({ 'e-2': [THROTTLED, WRITTEN] });

    // Act
    const report = await publishWithRetry(stream, envelopes('e-1', 'e-2', 'e-3'), clock, policy());

    // Assert
    expect(report).toEqual({ outcomes: [WRITTEN, WRITTEN, WRITTEN], retriedRecords: 1 });
    expect(calls).toEqual([['e-1', 'e-2', 'e-3'], ['e-2']]);
  });

  it('does not retry a refusal that cannot succeed', async () => {
    // Arrange
    const { clock, sleeps } = manualClock();
    const { stream, calls } = scriptedStream({ 'e-1': [DENIED, WRITTEN] });

    // Act
    const report = await publishWithRetry(stream, envelopes('e-1', 'e-2'), clock, policy());

    // Assert
    expect(report).toEqual({ outcomes: [DENIED, WRITTEN], retriedRecords: 0 });
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('stops after maxAttempts publish calls and reports the last refusal', async () => {
    // Arrange
    const { clock, sleeps } = manualClock();
    const { stream, calls } = scriptedStream({ 'e-1': [THROTTLED] });

    // Act
    const report = await publishWithRetry(stream, envelopes('e-1'), clock, policy({ maxAttempts: 3 }));

    // Assert
    expect(report).toEqual({ outcomes: [THROTTLED], retriedRecords: 2 });
    expect(calls).toEqual([['e-1'], ['e-1'], ['e-1']]);
    expect(sleeps).toHaveLength(2);
  });

  it('doubles the backoff from its base and caps it, scaled by the jitter', async () => {
    // Arrange
    const { clock, sleeps } = manualClock();
    const { stream } = scriptedStream({ 'e-1': [THROTTLED] });

    // Act
    await publishWithRetry(stream, envelopes('e-1'), clock, policy({ maxAttempts: 7, maxDelayMs: 500 }));

    // Assert: half (the random number) of 100, 200, 400, then the 500 cap.
    expect(sleeps).toEqual([50, 100, 200, 250, 250, 250]);
  });

  it('draws a fresh jitter for every wait (full jitter, zero included)', async () => {
    // Arrange
    const { clock, sleeps } = manualClock();
    const { stream } = scriptedStream({ 'e-1': [THROTTLED] });
    const randoms = [0, 0.25, 0.999];

    // Act
    await publishWithRetry(
      stream,
      envelopes('e-1'),
      clock,
      policy({ maxAttempts: 4, random: () => randoms.shift()! }),
    );

    // Assert
    expect(sleeps).toEqual([0, 50, 399.6]);
  });

  it('starts no retry past the time budget, counting the time publishing took', async () => {
    // Arrange: each publish call takes 100 ms; waits are 50, 100, 200 ms.
    const { clock, sleeps, advance } = manualClock();
    const { stream, calls } = scriptedStream({ 'e-1': [THROTTLED] }, { advance, publishMs: 100 });

    // Act
    const report = await publishWithRetry(stream, envelopes('e-1'), clock, policy({ budgetMs: 400 }));

    // Assert: retries start at 100 + 50 = 150 and 250 + 100 = 350 ms; the next would start at
    // 450 + 200 = 650 ms, past the 400 ms budget.
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
    expect(report.outcomes).toEqual([THROTTLED]);
  });

  it('keeps every outcome at its envelope index whatever happened on each attempt', async () => {
    // Arrange
    const { clock } = manualClock();
    const { stream, calls } = scriptedStream({
      'e-1': [THROTTLED, THROTTLED, WRITTEN],
      'e-2': [DENIED],
      'e-4': [THROTTLED],
      'e-5': [THROTTLED, WRITTEN],
    });

    // Act
    const report = await publishWithRetry(
      stream,
      envelopes('e-1', 'e-2', 'e-3', 'e-4', 'e-5'),
      clock,
      policy({ maxAttempts: 3 }),
    );

    // Assert
    expect(report).toEqual({ outcomes: [WRITTEN, DENIED, WRITTEN, THROTTLED, WRITTEN], retriedRecords: 5 });
    expect(calls).toEqual([
      ['e-1', 'e-2', 'e-3', 'e-4', 'e-5'],
      ['e-1', 'e-4', 'e-5'],
      ['e-1', 'e-4'],
    ]);
  });

  it('treats a record the stream gave no outcome for as refused and retries it', async () => {
    // Arrange: the stream answers only for the first record of each call.
    const { clock } = manualClock();
    const { stream, calls } = scriptedStream({}, { answerOnly: 1 });

    // Act
    const report = await publishWithRetry(stream, envelopes('e-1', 'e-2'), clock, policy());

    // Assert
    expect(report).toEqual({ outcomes: [WRITTEN, WRITTEN], retriedRecords: 1 });
    expect(calls).toEqual([['e-1', 'e-2'], ['e-2']]);
  });

  it('publishes nothing for no envelopes', async () => {
    // Arrange
    const { clock } = manualClock();
    const { stream, calls } = scriptedStream({});

    // Act
    const report = await publishWithRetry(stream, [], clock, policy());

    // Assert
    expect(report).toEqual({ outcomes: [], retriedRecords: 0 });
    expect(calls).toEqual([]);
  });
});
