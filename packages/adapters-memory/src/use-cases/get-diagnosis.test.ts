import { ADMIN_SCOPE, type Caller, getDiagnosis, ingest, userIdError } from '@activity-history/core';
import { describe, expect, it } from 'vitest';
import { memoryPipeline, TRUSTED, userCaller } from '../testing/memory-pipeline.js';

const ADMIN: Caller = { subject: 'ops-1', scopes: new Set([ADMIN_SCOPE]) };

/** A pipeline where u-1 has one stored event on 2029-06-01. */
const seeded = async () => {
  const pipeline = memoryPipeline();
  const events = [{ eventId: 'a', userId: 'u-1', type: 'track.played', occurredAt: '2029-06-01T10:00:00Z' }];
  await ingest({ body: { events }, caller: TRUSTED, correlationId: 'seed' }, pipeline.ingestDeps);
  await pipeline.processAll();
  return pipeline;
};

const WINDOW = { from: '2029-06-01', to: '2029-06-02' };

/** Query parameters as they arrive: any names. */
const query = (parameters: Record<string, string>): Record<string, string> => parameters;

describe('getDiagnosis over the memory adapters', () => {
  it("answers an admin with the user's diagnosis over the window asked for", async () => {
    const pipeline = await seeded();

    const result = await getDiagnosis('u-1', WINDOW, ADMIN, pipeline.diagnosisDeps);

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      userId: 'u-1',
      window: { from: '2029-06-01T00:00:00Z', to: '2029-06-02T00:00:00Z' },
      verdict: 'healthy',
    });
    const store = result.value.checks.find((check) => check.id === 'store');
    expect(store?.data).toMatchObject({ events: 1, eventsByType: { 'track.played': 1 } });
  });

  it.each([
    ['a user, even for their own diagnosis', userCaller('u-1')],
    ['an ingest-only producer', { subject: null, scopes: new Set(['activity/ingest']) }],
  ])('refuses %s: a diagnosis needs the admin scope', async (_, caller) => {
    const pipeline = await seeded();

    const result = await getDiagnosis('u-1', WINDOW, caller, pipeline.diagnosisDeps);

    expect(result).toEqual({
      ok: false,
      error: { kind: 'forbidden', message: `a diagnosis needs the scope ${ADMIN_SCOPE}` },
    });
  });

  it('refuses a caller without the scope before looking at its parameters', async () => {
    const pipeline = memoryPipeline();

    const result = await getDiagnosis(
      'a#b',
      query({ granularity: 'day' }),
      userCaller('a#b'),
      pipeline.diagnosisDeps,
    );

    expect(result.ok ? null : result.error.kind).toBe('forbidden');
  });

  it.each(['', 'a#b', 'a/b', `u${'x'.repeat(128)}`])(
    'refuses the userId %j with the message every userId refusal uses',
    async (userId) => {
      const pipeline = memoryPipeline();

      const result = await getDiagnosis(userId, WINDOW, ADMIN, pipeline.diagnosisDeps);

      expect(result).toEqual({
        ok: false,
        error: { kind: 'invalid_parameter', errors: [userIdError(userId)] },
      });
      expect(userIdError(userId)?.message).toMatch(/^userId must be 1-128 characters/);
    },
  );

  it('refuses a bad or unknown window parameter, naming each', async () => {
    const pipeline = memoryPipeline();

    const result = await getDiagnosis(
      'u-1',
      query({ to: '2029-02-30', granularity: 'day' }),
      ADMIN,
      pipeline.diagnosisDeps,
    );

    expect(
      result.ok ? [] : result.error.kind === 'invalid_parameter' ? result.error.errors : [],
    ).toMatchObject([{ path: 'granularity' }, { path: 'to' }]);
  });
});
