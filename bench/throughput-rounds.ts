/**
 * The measurement shared by the pipeline throughput cases: rounds of 2,000 events (100 users, 20
 * each, batches of 500 sent four at a time), alternating a raw stream publish of the round's
 * envelopes (the baseline) and the pipeline from HTTP POST until every user's count is visible
 * through GET (the subject), then a check that every count is exact.
 */
import type { ActivityEvent, StreamEnvelope } from '../packages/core/src/index.js';
import { median } from './kit.js';

const ROUNDS = 3;
const USERS = 100;
const PER_USER = 20;
const BATCH = 500;
const PARALLEL = 4;

/** Events per round. */
export const EVENTS_PER_ROUND = USERS * PER_USER;

/** What a case measures with. */
export interface ThroughputTarget {
  /** Posts one batch of events to the pipeline's HTTP API; throws unless it is accepted. */
  post(events: readonly ActivityEvent[]): Promise<void>;
  /** A user's count as the pipeline's HTTP API answers it. */
  countOf(userId: string): Promise<number>;
  /** Publishes one batch of envelopes straight to a stream of the same backend; throws on a refusal. */
  publishRaw(envelopes: readonly StreamEnvelope[]): Promise<void>;
}

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** The window of every count a case reads: the events happened yesterday. */
export const countWindow = (): URLSearchParams => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return new URLSearchParams({ from: day(-2), to: day(1) });
};

const eventsOfRound = (round: number): ActivityEvent[] =>
  Array.from({ length: EVENTS_PER_ROUND }, (_, i) => ({
    eventId: `r${round}-${i}`,
    userId: `bench-${i % USERS}`,
    type: i % 3 === 0 ? 'page.read' : 'track.played',
    occurredAt: `${yesterday}T12:00:00Z`,
    quantity: 2,
    attributes: {},
  }));

const batchesOf = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));

const inParallel = async <T>(items: readonly T[], work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

const users = () => Array.from({ length: USERS }, (_, u) => `bench-${u}`);

/**
 * Runs the rounds and returns the median events/s of the subject and of the baseline; throws when
 * the counts are not exact at the end.
 */
export const measureThroughput = async (
  target: ThroughputTarget,
): Promise<{ readonly subject: number; readonly baseline: number }> => {
  const publishRate = async (round: number): Promise<number> => {
    const envelopes: StreamEnvelope[] = eventsOfRound(round).map((event) => ({
      v: 1,
      event,
      correlationId: `bench-${round}`,
      receivedAt: new Date().toISOString(),
    }));
    const started = performance.now();
    await inParallel(batchesOf(envelopes), (batch) => target.publishRaw(batch));
    return envelopes.length / ((performance.now() - started) / 1000);
  };

  const pipelineRate = async (round: number): Promise<number> => {
    const events = eventsOfRound(round);
    const expected = (round + 1) * PER_USER;
    const started = performance.now();
    await inParallel(batchesOf(events), (batch) => target.post(batch));
    // One user at a time: polling every user at once would spend more of the shared CPU on
    // queries than the pipeline spends on the events, and slow down what it measures.
    for (const user of users()) {
      while ((await target.countOf(user)) < expected) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return events.length / ((performance.now() - started) / 1000);
  };

  const subject: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(await publishRate(round));
    subject.push(await pipelineRate(round));
  }
  const counts = await Promise.all(users().map((user) => target.countOf(user)));
  const wrong = counts.filter((count) => count !== ROUNDS * PER_USER).length;
  if (wrong > 0) throw new Error(`counts are not exact: ${wrong} users differ`);
  return { subject: median(subject), baseline: median(baseline) };
};
