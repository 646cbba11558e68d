import { createLogger } from '@activity-history/handlers';
import { type LocalPipeline, startLocalPipeline } from '@activity-history/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo-command.js';
import { runDoctor } from '../../src/doctor-command.js';
import { captured } from '../support/captured-output.js';
import { eventsOf, postEvents, quarantineReasons } from './support/api-client.js';

/** An output stream kept in memory, as a pipe (not a terminal). */

describe('pnpm demo and pnpm doctor against local mode', () => {
  let pipeline: LocalPipeline;
  beforeAll(async () => {
    pipeline = await startLocalPipeline({
      backend: 'memory',
      port: 0,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('demo sends a day of traffic, waits for exact counts and prints histories', async () => {
    const out = captured();
    const err = captured();

    const code = await runDemo(['--url', pipeline.url, '--users', '40'], { out, err });

    expect(err.text()).toBe('');
    expect(code).toBe(0);
    expect(out.text()).toMatch(/sending: \d+ accepted, [1-9]\d* rejected as invalid/);
    expect(out.text()).toContain('every count is exact');
    expect(out.text()).toMatch(/type\s+count\s+quantity/);
    const conflicted = /pnpm run doctor (listener-[0-9a-f]{6}-\d+)/.exec(out.text())?.[1];
    expect(conflicted).toBeDefined();
    await expect.poll(() => quarantineReasons(pipeline.url, conflicted!)).toContain('conflict');
  });

  it('a second demo on the same data adds up too: each run has users of its own', async () => {
    const out = captured();
    const err = captured();

    const code = await runDemo(['--users', '20'], { out, err }, { ACTIVITY_API_URL: pipeline.url });

    expect(err.text()).toBe('');
    expect(code).toBe(0);
    expect(out.text()).toMatch(/^demo run [0-9a-f]{6}: 20 users/);
    expect(out.text()).toContain('every count is exact');
  });

  it('demo and doctor name the URL they could not reach, where it came from, and how to set it', async () => {
    const demoErr = captured();
    const doctorErr = captured();

    const demo = await runDemo(['--users', '1'], { out: captured(), err: demoErr }, { PORT: '9' });
    const doctor = await runDoctor(['u-1'], { out: captured(), err: doctorErr }, { PORT: '9' });

    expect(demo).toBe(1);
    expect(doctor).toBe(2);
    for (const text of [demoErr.text(), doctorErr.text()]) {
      expect(text).toContain('cannot reach http://127.0.0.1:9 (from PORT)');
      expect(text).toContain('--url <base URL> or ACTIVITY_API_URL');
    }
  });

  it('doctor prints the verdict, every check, rejected events with reasons and drift', async () => {
    const [event] = eventsOf('u-doctor', 1);
    await postEvents(pipeline.url, [event]);
    await postEvents(pipeline.url, [{ ...event!, quantity: 9 }]);
    await expect.poll(() => quarantineReasons(pipeline.url, 'u-doctor')).toEqual(['conflict']);
    const out = captured();

    const code = await runDoctor(['u-doctor', '--url', pipeline.url], { out, err: captured() }, {});

    expect(code).toBe(0);
    const report = out.text();
    expect(report).toMatch(/^Diagnosis of u-doctor from /);
    expect(report).toMatch(/Verdict: (HEALTHY|DEGRADED)/);
    for (const id of ['api', 'query', 'store', 'counters', 'processor', 'stream', 'ingest']) {
      expect(report).toMatch(new RegExp(`\\[(ok  |WARN|FAIL)\\] ${id}: `));
    }
    expect(report).toMatch(/Rejected events \(latest first\): 1\n.*\n.*\n\S+\s+e-0\s+conflict/);
    expect(report).toContain('Counter drift: none');
  });

  it('doctor --json prints the raw diagnosis', async () => {
    const out = captured();

    await runDoctor(['u-doctor', '--url', pipeline.url, '--json'], { out, err: captured() }, {});

    expect(JSON.parse(out.text())).toMatchObject({ userId: 'u-doctor', checks: expect.any(Array) });
  });

  it('doctor --event traces a conflicting resend: the stored version stands, the conflict beside it', async () => {
    const [event] = eventsOf('u-trace', 1);
    await postEvents(pipeline.url, [event]);
    await postEvents(pipeline.url, [{ ...event!, quantity: 9 }]);
    await expect.poll(() => quarantineReasons(pipeline.url, 'u-trace')).toEqual(['conflict']);
    const out = captured();

    const code = await runDoctor(
      ['u-trace', '--event', 'e-0', '--url', pipeline.url],
      { out, err: captured() },
      {},
    );

    expect(code).toBe(0);
    const report = out.text();
    const day = event!.occurredAt.slice(0, 10);
    expect(report).toMatch(/^Event e-0 of u-trace\n/);
    expect(report).toContain(
      'Verdict: STORED, and 1 conflicting resend(s) quarantined: the stored version stands and counts once',
    );
    expect(report).toContain('Stored version (the one that stands):');
    expect(report).toContain(`track.played  quantity 2  occurredAt ${day}T10:00:00.000Z`);
    expect(report).toContain(`counts on UTC day ${day}: buckets day ${day}T00:00:00Z`);
    expect(report).toMatch(/Quarantined arrivals \(newest first\): 1\n\s+\S+\s+conflict\s+correlationId \S+/);
    expect(report).toContain('the stored version stands, this one was set aside');
    expect(report).toMatch(/arrived as: \{.*"quantity":9/);
    expect(report).toContain(`User-day counter of ${day}: agrees with the stored events`);
    expect(report).toContain('Logs: no log groups configured here');
  });

  it('doctor --event --json prints the raw trace, and exits 1 for an event that is not stored', async () => {
    const out = captured();

    const code = await runDoctor(
      ['u-trace', '--event', 'never-sent', '--url', pipeline.url, '--json'],
      { out, err: captured() },
      {},
    );

    expect(code).toBe(1);
    expect(JSON.parse(out.text())).toEqual({
      userId: 'u-trace',
      eventId: 'never-sent',
      stored: null,
      quarantined: [],
      counter: null,
      logs: null,
    });
  });

  it('doctor --event refuses a window and a bad eventId, exiting 2', async () => {
    const err = captured();

    const windowed = await runDoctor(
      ['u-1', '--event', 'e-1', '--from', '2026-01-01'],
      { out: captured(), err },
      {},
    );
    const badEvent = await runDoctor(
      ['u-1', '--event', 'e.1', '--url', pipeline.url],
      { out: captured(), err },
      {},
    );

    expect(windowed).toBe(2);
    expect(err.text()).toContain('--event takes no --from or --to');
    expect(badEvent).toBe(2);
    expect(err.text()).toMatch(/400 invalid_parameter.*eventId/);
  });

  it('doctor exits 2 with a message when there is no diagnosis to show', async () => {
    const err = captured();

    const badUser = await runDoctor(['bad user', '--url', pipeline.url], { out: captured(), err }, {});
    const noUser = await runDoctor(['--url', pipeline.url], { out: captured(), err: captured() }, {});

    expect(badUser).toBe(2);
    expect(err.text()).toContain('400 invalid_parameter');
    expect(noUser).toBe(2);
  });
});
