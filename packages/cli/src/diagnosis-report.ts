import type { CheckStatus, DiagnosisBody } from '@activity-history/core';
import { textTable } from './terminal-table.js';

const MARK: Readonly<Record<CheckStatus, string>> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/**
 * A diagnosis as a report for a terminal: the verdict and suspect, each check's status, question
 * and summary, this user's rejected events with their reasons, and the counter drift.
 *
 * @example
 * ```ts
 * const diagnosis = await readDiagnosis(target, 'u-1');
 * if (diagnosis.ok) process.stdout.write(diagnosisReport(diagnosis.body));
 * ```
 */
export const diagnosisReport = (diagnosis: DiagnosisBody): string => {
  const lines = [
    `Diagnosis of ${diagnosis.userId} from ${diagnosis.window.from} to ${diagnosis.window.to}`,
    `Verdict: ${diagnosis.verdict.toUpperCase()}${diagnosis.suspect ? `   suspect: ${diagnosis.suspect}` : ''}`,
    '',
  ];
  for (const check of diagnosis.checks) {
    lines.push(`[${MARK[check.status]}] ${check.id}: ${check.question}`);
    lines.push(`       ${check.summary}`);
  }
  const quarantine = diagnosis.checks.find((check) => check.id === 'processor')?.data;
  const rejected = quarantine?.recentQuarantined ?? [];
  lines.push(
    '',
    quarantine?.recentQuarantined === null
      ? `Rejected events: cannot tell (${quarantine.quarantineError})`
      : `Rejected events (latest first): ${rejected.length === 0 ? 'none' : rejected.length}`,
  );
  if (rejected.length > 0) {
    lines.push(
      textTable(
        [{ header: 'when' }, { header: 'eventId' }, { header: 'reason' }, { header: 'why' }],
        rejected.map((r) => [
          r.quarantinedAt,
          r.eventId ?? '-',
          r.reason,
          r.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
        ]),
      ),
    );
  }
  const counters = diagnosis.checks.find((check) => check.id === 'counters')?.data;
  const drift = counters !== undefined && 'drift' in counters ? counters.drift : [];
  lines.push(
    '',
    counters !== undefined && 'error' in counters
      ? `Counter drift: cannot tell (${counters.error})`
      : `Counter drift: ${drift.length === 0 ? 'none' : `${drift.length} day(s)`}`,
  );
  if (drift.length > 0) {
    lines.push(
      textTable(
        [
          { header: 'day' },
          { header: 'counter says', right: true },
          { header: 'events add up to', right: true },
        ],
        drift.map((d) => [d.day, String(d.counter?.count ?? 'none'), String(d.events?.count ?? 'none')]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
};
