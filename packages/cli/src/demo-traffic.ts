import { randomUUID } from 'node:crypto';

/** An event as the demo sends it. */
export interface DemoEvent {
  readonly eventId: string;
  readonly userId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly quantity?: number;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** What the API must end up showing for one user. */
export interface ExpectedTotals {
  readonly count: number;
  /** The summed quantity in hundredths (every demo quantity has at most two decimals). */
  readonly quantityHundredths: number;
}

/** A day of traffic, and what it must add up to. */
export interface DemoTraffic {
  /** Valid events, duplicates and invalid ones, shuffled: send these first. */
  readonly events: readonly unknown[];
  /** Events resent with other content under the same key: send these once the rest is accepted. */
  readonly conflicts: readonly DemoEvent[];
  readonly expected: ReadonlyMap<string, ExpectedTotals>;
  readonly counts: {
    readonly valid: number;
    readonly duplicates: number;
    readonly invalid: number;
    readonly conflicts: number;
  };
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

const GENRES = ['jazz', 'rock', 'classical', 'hip-hop', 'ambient'];
const SERIES = ['the-long-night', 'harbour-lights', 'small-hours'];
const BOOKS = ['moby-dick', 'middlemarch', 'the-waves', 'beloved'];
const PLATFORMS = ['ios', 'android', 'web'];

/** The activity types of a listening/reading app, with how often each occurs and its quantity. */
const ACTIVITIES: readonly {
  readonly weight: number;
  readonly make: (random: () => number) => Pick<DemoEvent, 'type' | 'quantity' | 'attributes'>;
}[] = [
  {
    weight: 50,
    make: (r) => ({
      type: 'track.played',
      quantity: (2 + Math.floor(r() * 30)) / 4,
      attributes: { genre: pick(GENRES, r) },
    }),
  },
  {
    weight: 15,
    make: (r) => ({
      type: 'episode.watched',
      quantity: 20 + Math.floor(r() * 41),
      attributes: { series: pick(SERIES, r) },
    }),
  },
  {
    weight: 25,
    make: (r) => ({
      type: 'page.read',
      quantity: 1 + Math.floor(r() * 30),
      attributes: { book: pick(BOOKS, r) },
    }),
  },
  { weight: 10, make: (r) => ({ type: 'app.opened', attributes: { platform: pick(PLATFORMS, r) } }) },
];
const TOTAL_WEIGHT = ACTIVITIES.reduce((sum, a) => sum + a.weight, 0);

const activity = (random: () => number) => {
  let roll = random() * TOTAL_WEIGHT;
  for (const a of ACTIVITIES) {
    roll -= a.weight;
    if (roll < 0) return a.make(random);
  }
  return ACTIVITIES[0]!.make(random);
};

/** Ways a client gets an event wrong; the API rejects each with its errors. */
const BREAKAGES: readonly ((event: DemoEvent, now: number) => Record<string, unknown>)[] = [
  ({ quantity, ...event }) => ({ ...event, quantiy: quantity ?? 1 }),
  (event) => ({ ...event, quantity: -3 }),
  (event, now) => ({ ...event, occurredAt: new Date(now + 3_600_000).toISOString() }),
  (event) => ({ ...event, type: 'Track Played' }),
];

const shuffle = <T>(items: T[], random: () => number): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
};

/**
 * A realistic day of traffic for `users` users of a listening and reading app: a few to a few dozen
 * events each over the last 24 hours (`track.played` in minutes, `episode.watched`, `page.read` in
 * pages, `app.opened`), about 3% resent as duplicates, 1% (at least two) invalid, and two conflicts.
 *
 * @example
 * ```ts
 * const traffic = demoTraffic({ users: 300, run: 'a1b2c3', now: Date.now(), random: Math.random });
 * traffic.expected.get('listener-a1b2c3-001'); // { count: 17, quantityHundredths: 9125 }
 * ```
 */
export const demoTraffic = (options: {
  readonly users: number;
  /** Names this run's users (`listener-<run>-001`...), so that runs on kept data do not add up. */
  readonly run: string;
  readonly now: number;
  readonly random: () => number;
}): DemoTraffic => {
  const { now, random } = options;
  const valid: DemoEvent[] = [];
  const expected = new Map<string, ExpectedTotals>();
  const width = String(options.users).length;
  for (let u = 1; u <= options.users; u++) {
    const userId = `listener-${options.run}-${String(u).padStart(Math.max(3, width), '0')}`;
    const count = 2 + Math.floor(random() ** 2 * 24);
    let hundredths = 0;
    for (let i = 0; i < count; i++) {
      const event: DemoEvent = {
        eventId: randomUUID(),
        userId,
        occurredAt: new Date(now - Math.floor(random() * 86_400_000)).toISOString(),
        ...activity(random),
      };
      valid.push(event);
      hundredths += Math.round((event.quantity ?? 1) * 100);
    }
    expected.set(userId, { count, quantityHundredths: hundredths });
  }
  const duplicates = valid.filter(() => random() < 0.03);
  const invalid = Array.from({ length: Math.max(2, Math.round(valid.length / 100)) }, () =>
    pick(BREAKAGES, random)({ ...pick(valid, random), eventId: randomUUID() }, now),
  );
  const conflicts = valid.slice(0, Math.min(2, valid.length)).map((event) => ({
    ...event,
    quantity: (event.quantity ?? 1) + 1,
  }));
  return {
    events: shuffle([...valid, ...duplicates, ...invalid], random),
    conflicts,
    expected,
    counts: {
      valid: valid.length,
      duplicates: duplicates.length,
      invalid: invalid.length,
      conflicts: conflicts.length,
    },
  };
};
