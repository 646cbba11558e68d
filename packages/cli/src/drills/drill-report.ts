import { textTable } from '../terminal-table.js';
import type { DrillResult } from './drill-run.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The drills' results as a text table: each fault, the suspect the diagnosis named against the
 * one expected, what `/health` showed, how long localizing and recovering took, and whether the
 * totals came back exact.
 *
 * @example
 * ```ts
 * process.stdout.write(`${drillTable(results)}\n`);
 * ```
 */
export const drillTable = (results: readonly DrillResult[]): string =>
  textTable(
    [
      { header: 'drill' },
      { header: 'suspect named' },
      { header: 'health' },
      { header: 'shown in', right: true },
      { header: 'recovery' },
      { header: 'totals got/expected' },
      { header: 'recovered in', right: true },
      { header: 'result' },
    ],
    results.map((r) => [
      r.drill.name,
      r.observed.suspect === r.drill.suspect
        ? `${r.observed.suspect} (ok)`
        : `${r.observed.suspect ?? 'none'} (expected ${r.drill.suspect})`,
      r.drill.stage === null
        ? `${r.observed.health ?? '?'} (user-level fault)`
        : `${r.drill.stage}: ${r.observed.stageStatus ?? '?'}`,
      seconds(r.localizedAfterMs),
      r.remedy,
      r.totals.map((t) => `${t.actual?.count ?? '-'}/${t.expected.count}`).join(', '),
      seconds(r.recoveredAfterMs),
      r.problem === null ? 'PASS' : `FAIL: ${r.problem}`,
    ]),
  );
