/**
 * The year-query workload the stores' cost suites share: a light and a heavy user active on the
 * same days, so that what a year query reads is compared at 100 and at 100,000 stored events.
 */
import { type ActivityEvent, type DayRange, dayRange, type EventStore } from '../packages/core/src/index.js';
import type { BenchFigure } from './kit.js';

const year = dayRange(Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1));
if (!year.ok) throw new Error('2025 is a range of days');
/** 2025, the year read. */
export const YEAR: DayRange = year.value;

/** The same 100 active days of 2025 for both users: every third day from January 1st. */
const activeDays = Array.from({ length: 100 }, (_, i) => Date.UTC(2025, 0, 1) + i * 3 * 86_400_000);

const yearOf = (userId: string, perDay: number): ActivityEvent[] =>
  activeDays.flatMap((day, d) =>
    Array.from({ length: perDay }, (_, i) => ({
      eventId: `e-${d}-${i}`,
      userId,
      // One type for both users: a counter's size grows with the types of its day, not its events.
      type: 'track.played',
      occurredAt: new Date(day + Math.floor((i / perDay) * 86_400_000)).toISOString(),
      quantity: 1 + (i % 7),
      attributes: {},
    })),
  );

/** The users seeded by {@link seedYears}: one event a day, and 1,000 a day on the same days. */
export const LIGHT_USER = 'light-user';
export const HEAVY_USER = 'heavy-user';

/** Stores both users' years through the store itself, in chronological batches (as a stream delivers them). */
export const seedYears = async (store: EventStore, batch: number): Promise<void> => {
  for (const events of [yearOf(LIGHT_USER, 1), yearOf(HEAVY_USER, 1_000)]) {
    const entries = events.map((event, i) => ({
      event,
      position: { shard: 'shardId-000000000000', sequence: String(i + 1) },
    }));
    for (let i = 0; i < entries.length; i += batch) await store.append(entries.slice(i, i + batch));
  }
};

/** What a year query of one user read, and what it answered. */
export interface YearRead {
  readonly days: number;
  readonly events: number;
}

/** The line that says what the two year queries answered. */
export const yearQueryLine = (light: YearRead, heavy: YearRead, detail = ''): string =>
  `  (year query: ${light.events} events on ${light.days} days vs ${heavy.events} events on ${heavy.days} days${detail})\n`;

/** A figure of the heavy user's year query against the light user's, whose goal is 1: no growth. */
export const yearQueryFigure = (
  measure: string,
  unit: string,
  light: YearRead & { readonly value: number },
  heavy: YearRead & { readonly value: number },
): BenchFigure => ({
  subject: `${measure} by a year query, ${heavy.events} stored events of one type`,
  baseline: `${light.events} stored events on the same days`,
  subjectValue: heavy.value,
  baselineValue: light.value,
  unit,
  goal: { max: 1 },
});
