import { openJetStreamDeadLetters } from '@activity-history/adapters-nats';
import { createLogger } from '@activity-history/handlers';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadiness } from '../src/readiness.js';
import { deadLetterStreamOf, type Runtime, startRuntime } from '../src/runtime.js';
import { runtimeConfigFromEnv } from '../src/runtime-config.js';
import { eventsOf, get, postEvents, totalsOf } from './support/api.js';
import { type Backends, startBackends } from './support/backends.js';

let backends: Backends;
let runtime: Runtime;
let url: string;
let admin: string;
let reader: string;

beforeAll(async () => {
  backends = await startBackends();
  const config = runtimeConfigFromEnv({
    ...backends.env,
    // A failing batch is given up on within a second: the poison test waits for its dead letter.
    ACTIVITY_POLLER_MAX_RETRY_ATTEMPTS: '2',
    ACTIVITY_POLLER_RETRY_BACKOFF_MS: '20',
    ACTIVITY_POLLER_RETRY_BACKOFF_MAX_MS: '50',
  });
  if (!config.ok) throw new Error(config.error.join('\n'));
  runtime = await startRuntime(config.value, { logger: createLogger({ level: 'silent' }) });
  url = runtime.url;
  admin = await backends.issuer.sign('operator', 'activity/admin activity/ingest');
  reader = await backends.issuer.sign('u-1', '');
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await backends?.stop();
});

describe('the runtime over HTTP, on PostgreSQL and NATS JetStream', () => {
  it('counts what a user posts exactly, a resend once, and reads it back', async () => {
    const events = eventsOf('u-1', 30, 'e');

    const first = await postEvents(url, reader, events);
    const resent = await postEvents(url, reader, events);

    expect(first.status).toBe(202);
    expect((first.body.accepted as unknown[]).length).toBe(30);
    expect(resent.status).toBe(202);
    await expect
      .poll(() => totalsOf(url, reader, 'u-1'), { timeout: 20_000, interval: 100 })
      .toEqual(expect.objectContaining({ count: 30, quantityMicros: '60000000' }));
  });

  it('answers the diagnosis and the event trace for an admin token, the api check asking itself', async () => {
    const diagnosis = await get(url, '/users/u-1/diagnosis', admin);
    const trace = await get(url, '/users/u-1/events/e-0', admin);

    expect(diagnosis.status).toBe(200);
    const checks = diagnosis.body.checks as { id: string; status: string; data: Record<string, unknown> }[];
    expect(checks.map((check) => check.id)).toEqual(
      expect.arrayContaining(['api', 'query', 'store', 'counters', 'processor', 'stream', 'ingest']),
    );
    expect(checks.find((check) => check.id === 'counters')?.status).toBe('ok');
    expect(checks.find((check) => check.id === 'api')).toMatchObject({ status: 'ok' });
    expect(trace.status).toBe(200);
    expect(trace.body).toMatchObject({
      stored: { event: { eventId: 'e-0', quantity: 2 } },
      counter: { agrees: true },
    });
  });

  it('shows the counters at /metrics in Prometheus text format', async () => {
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/^activity_history_stored_events_total 30$/m);
    expect(text).toMatch(/^activity_history_accepted_events_total 60$/m);
    expect(text).toMatch(/^activity_history_invocations_total\{stage="ingest",outcome="ok"\} 2$/m);
  });

  it('refuses a missing, forged, expired or foreign token with 401, as API Gateway would', async () => {
    const forged = `${reader.slice(0, -4)}AAAA`;
    const expired = await backends.issuer.sign('u-1', '', { exp: Math.floor(Date.now() / 1000) - 60 });
    const foreign = await backends.issuer.sign('u-1', '', { aud: 'another-api' });

    for (const token of [null, forged, expired, foreign]) {
      const answer = await get(url, '/users/u-1/activity', token);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect((await get(url, '/health', null)).status).toBe(401);
    expect((await get(url, '/health', reader)).status).toBe(200);
  });

  it('refuses with 403 what the token has no scope for, at the route or in the function', async () => {
    const diagnosis = await get(url, '/users/u-1/diagnosis', reader);
    const other = await get(url, '/users/u-2/activity', reader);
    const foreignEvents = await postEvents(url, reader, eventsOf('u-2', 1, 'x'));

    expect(diagnosis.status).toBe(403);
    expect(diagnosis.body).toMatchObject({ error: { code: 'forbidden' } });
    expect(other.status).toBe(403);
    expect(foreignEvents.status).toBe(403);
  });

  it('is alive and ready while PostgreSQL and NATS answer', async () => {
    expect((await get(url, '/livez', null)).status).toBe(200);
    const ready = await get(url, '/readyz', null);

    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, nats: { ok: true } },
    });
  });
});

describe('the runtime given a batch it cannot store', () => {
  it('sends it to the dead-letter stream once retries are spent, readable there, and says so in /health and the diagnosis', async () => {
    // A real refusal by the database, for one user only: every append of theirs fails.
    const pool = new pg.Pool({ connectionString: backends.env.DATABASE_URL });
    await pool.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the test refuses u-poison'; END $$`);
    await pool.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON activity_events FOR EACH ROW
      WHEN (NEW.user_id = 'u-poison') EXECUTE FUNCTION refuse_poison()`);
    const nats = await connect({ servers: backends.env.NATS_URL! });
    try {
      const poisoned = await backends.issuer.sign('u-poison', '');
      expect((await postEvents(url, poisoned, eventsOf('u-poison', 3, 'p'))).status).toBe(202);
      const health = async () => {
        const body = (await get(url, '/health', reader)).body as {
          stages: { process: { data: { deadLetters: { depth: number | null } } } };
        };
        return body.stages.process.data.deadLetters.depth;
      };
      await expect.poll(health, { timeout: 20_000, interval: 100 }).toBe(3);

      const deadLetters = await openJetStreamDeadLetters({
        connection: nats,
        stream: deadLetterStreamOf('activity-events'),
      });
      const letters = (await deadLetters.read(0, 10)).map(({ letter }) => letter);
      const diagnosis = await get(url, '/users/u-poison/diagnosis', admin);
      const processor = (
        diagnosis.body.checks as { id: string; status: string; data: Record<string, unknown> }[]
      ).find((check) => check.id === 'processor');

      expect(deadLetters.depth()).toBe(3);
      expect(letters.map((letter) => letter.partitionKey)).toEqual(['u-poison', 'u-poison', 'u-poison']);
      expect(letters.every((letter) => letter.reason === 'retries_exhausted' && letter.attempts === 3)).toBe(
        true,
      );
      // The function reported the records failed (batchItemFailures), so the engine retried them alone.
      expect(letters[0]!.lastError).toBe('3 records reported failed');
      const envelope = JSON.parse(Buffer.from(letters[0]!.data, 'base64').toString('utf8'));
      expect(envelope).toMatchObject({ event: { userId: 'u-poison', eventId: 'p-0' } });
      expect(processor).toMatchObject({
        summary: expect.stringContaining('3 records in the dead-letter store'),
        data: { deadLetters: { depth: 3 } },
      });
      expect(processor?.status).not.toBe('ok');
      // The partition moved on: a user sharing it is still counted.
      await postEvents(url, reader, eventsOf('u-1', 1, 'after-poison'));
      await expect
        .poll(() => totalsOf(url, reader, 'u-1'), { timeout: 20_000, interval: 100 })
        .toMatchObject({ count: 31 });
    } finally {
      await pool.query('DROP TRIGGER refuse_poison ON activity_events');
      await pool.end();
      await nats.close();
    }
  });
});

describe('checkReadiness', () => {
  it('is not ready on a database without the migrations, nor on a closed NATS connection', async () => {
    const pool = new pg.Pool({ connectionString: await backends.emptyDatabase('unmigrated') });
    await pool.query(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text, applied_at timestamptz)',
    );
    const nats = await connect({ servers: backends.env.NATS_URL! });
    await nats.close();
    try {
      const readiness = await checkReadiness({ db: pool, connection: nats, stream: 'activity-events' });

      expect(readiness.ready).toBe(false);
      expect(readiness.checks.postgres).toEqual({
        ok: false,
        detail: expect.stringContaining('migrations not applied'),
      });
      expect(readiness.checks.nats).toEqual({ ok: false, detail: 'the NATS connection is closed' });
    } finally {
      await pool.end();
    }
  });
});
