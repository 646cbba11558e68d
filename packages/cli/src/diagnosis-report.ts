import { textTable } from './terminal-table.js';

/** A diagnosis body as the API returns it (shared/CONTRACT.md), read defensively. */
interface DiagnosisBody {
  readonly userId?: string;
  readonly window?: { readonly from?: string; readonly to?: string };
  readonly verdict?: string;
  readonly suspect?: string | null;
  readonly checks?: readonly {
    readonly id?: string;
    readonly question?: string;
    readonly status?: string;
    readonly summary?: string;
    readonly data?: Record<string, unknown>;
  }[];
}

interface QuarantinedView {
  readonly eventId?: string | null;
  readonly reason?: string;
  readonly errors?: readonly { readonly path?: string; readonly message?: string }[];
  readonly quarantinedAt?: string;
}

interface DriftView {
  readonly day?: string;
  readonly counter?: { readonly count?: number } | null;
  readonly events?: { readonly count?: number } | null;
}

const MARK: Readonly<Record<string, string>> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

const listOf = <T>(value: unknown): readonly T[] => (Array.isArray(value) ? (value as T[]) : []);

/**
 * A diagnosis as a report for a terminal: the verdict and suspect, each check's status, question
 * and summary, this user's rejected events with their reasons, and the counter drift.
 *
 * @example
 * ```ts
 * process.stdout.write(diagnosisReport(await response.json()));
 * ```
 */
export const diagnosisReport = (body: unknown): string => {
  const diagnosis = (body ?? {}) as DiagnosisBody;
  const checks = listOf<NonNullable<DiagnosisBody['checks']>[number]>(diagnosis.checks);
  const lines = [
    `Diagnosis of ${diagnosis.userId ?? '?'} from ${diagnosis.window?.from ?? '?'} to ${diagnosis.window?.to ?? '?'}`,
    `Verdict: ${(diagnosis.verdict ?? 'unknown').toUpperCase()}${diagnosis.suspect ? `   suspect: ${diagnosis.suspect}` : ''}`,
    '',
  ];
  for (const check of checks) {
    lines.push(`[${MARK[check.status ?? ''] ?? check.status}] ${check.id ?? '?'}: ${check.question ?? ''}`);
    lines.push(`       ${check.summary ?? ''}`);
  }
  const processor = checks.find((check) => check.id === 'processor');
  const rejected = listOf<QuarantinedView>(processor?.data?.recentQuarantined);
  lines.push('', `Rejected events (latest first): ${rejected.length === 0 ? 'none' : rejected.length}`);
  if (rejected.length > 0) {
    lines.push(
      textTable(
        [{ header: 'when' }, { header: 'eventId' }, { header: 'reason' }, { header: 'why' }],
        rejected.map((r) => [
          r.quarantinedAt ?? '',
          r.eventId ?? '-',
          r.reason ?? '',
          listOf<{ path?: string; message?: string }>(r.errors)
            .map((e) => (e.path ? `${e.path}: ${e.message ?? ''}` : (e.message ?? '')))
            .join('; '),
        ]),
      ),
    );
  }
  const drift = listOf<DriftView>(checks.find((check) => check.id === 'counters')?.data?.drift);
  lines.push('', `Counter drift: ${drift.length === 0 ? 'none' : `${drift.length} day(s)`}`);
  if (drift.length > 0) {
    lines.push(
      textTable(
        [
          { header: 'day' },
          { header: 'counter says', right: true },
          { header: 'events add up to', right: true },
        ],
        drift.map((d) => [
          d.day ?? '',
          String(d.counter?.count ?? 'none'),
          String(d.events?.count ?? 'none'),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
};
