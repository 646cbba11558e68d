import { describe, expect, it } from 'vitest';
import { DRILLS } from '../src/drills/drill-catalog.js';
import { drillTable } from '../src/drills/drill-report.js';
import { runDrill } from '../src/drills/drill-run.js';

const drill = (name: string) => {
  const found = DRILLS.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no drill ${name}`);
  return found;
};

describe('the fault drills', () => {
  it('cover each fault the issues name, each blaming its own stage', () => {
    expect(DRILLS.map((d) => [d.name, d.suspect, d.stage])).toEqual([
      ['stream-refusal', 'ingest', 'ingest'],
      ['processor-crash', 'processor', 'process'],
      ['poison-flood', 'processor', 'process'],
      ['conflicting-resends', 'processor', 'process'],
      ['store-throttling', 'store', 'store'],
      ['stuck-shard', 'stream', 'stream'],
      ['counter-drift', 'counters', null],
      ['query-failure', 'query', 'query'],
      ['api-route-broken', 'api', null],
    ]);
  });

  it('run on the postgres backend but for those whose fault is a switch of the memory adapters', () => {
    expect(DRILLS.filter((d) => d.memoryOnly !== null).map((d) => d.name)).toEqual([
      'stream-refusal',
      'store-throttling',
      'counter-drift',
    ]);
  });

  it('refuses to run a memory-only drill on another backend, saying why', async () => {
    await expect(runDrill(drill('store-throttling'), { backend: 'postgres' })).rejects.toThrow(
      /runs on the memory backend only: .*throttling switch/,
    );
  });

  /** What the suspect check's answer must say, drill by drill. */
  const SAYS: Record<string, RegExp> = {
    'stream-refusal': /\d+ events refused by the stream after retries/,
    'processor-crash': /process: \d+ invocations, [1-9]\d* errors/,
    'poison-flood':
      /quarantined \((5[1-9]|[6-9]\d|100)%\).*latest quarantined record: (malformed_record|invalid_event)/,
    'conflicting-resends': /quarantined \(\d+%\).*latest quarantined record: conflict/,
    'store-throttling': /store requests failing: [1-9]\d* throttled/,
    'stuck-shard': /lag \d+ s .*[1-9]\d* records pending/,
    'counter-drift': /counters drift from the stored events on 1 day/,
    'query-failure': /query: \d+ invocations, [1-9]\d* errors/,
    'api-route-broken': /the query API at http:\/\/127\.0\.0\.1:\d+ answered 502, not a history/,
  };

  // Each drill runs a pipeline of its own for about 5 s: the fault must show within the 5 s window
  // and clear once it leaves it.
  const runs = DRILLS.flatMap(({ name, memoryOnly }) => [
    { name, backend: 'memory' as const },
    ...(memoryOnly === null ? [{ name, backend: 'postgres' as const }] : []),
  ]);
  for (const { name, backend } of runs) {
    it(`${name} on ${backend}: the diagnosis names the suspect, /health shows the stage, and totals come back exact`, {
      timeout: 60_000,
    }, async () => {
      const result = await runDrill(drill(name), { backend });

      expect(result.observed.suspect).toBe(result.drill.suspect);
      expect(result.observed.summary).toMatch(SAYS[name]!);
      expect(result.observed.verdict).not.toBe('healthy');
      if (result.drill.stage === null) {
        // Drift is one user's, and a broken route is in front of every function: no stage's
        // figures are unhealthy, so /health cannot show either.
        expect(result.observed.health).toBe('healthy');
      } else {
        expect(result.observed.stageStatus).toMatch(/^(warn|fail)$/);
      }
      expect(result.localized).toBe(true);
      for (const { expected, actual } of result.totals) expect(actual).toEqual(expected);
      expect(result.recovered).toBe(true);
      expect(result.problem).toBeNull();
      expect(drillTable([result])).toContain('PASS');
    });
  }
});
