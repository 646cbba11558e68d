import type { EventTrace } from '@activity-history/core';
import { textTable } from './terminal-table.js';

const WHY: Readonly<Record<EventTrace['quarantined'][number]['reason'], string>> = {
  conflict: 'a resend with other content: the stored version stands, this one was set aside',
  invalid_event: 'it broke the event schema: it was never stored or counted',
  malformed_record: 'the stream data was not an event',
  unstorable: 'the store refused it for its content: it was never stored or counted',
};

/** The one-line answer to "where is my event?". */
const verdictOf = (trace: EventTrace): string => {
  const conflicts = trace.quarantined.filter((q) => q.reason === 'conflict').length;
  if (trace.stored !== null && conflicts > 0)
    return `STORED, and ${conflicts} conflicting resend(s) quarantined: the stored version stands and counts once`;
  if (trace.stored !== null) return 'STORED and counted once';
  if (trace.quarantined.length > 0)
    return `NOT STORED: every arrival was quarantined (latest: ${trace.quarantined[0]?.reason})`;
  return 'NOT FOUND: never stored and nothing quarantined (not sent, not processed yet, or quarantined over 30 days ago)';
};

/**
 * An event trace as a report for a terminal: the verdict, the stored version with its day and
 * buckets, every quarantined arrival (newest first) with its reason, errors and content, whether
 * the user-day's counter agrees with its events, and where to search the logs.
 *
 * @example
 * ```ts
 * const trace = await readEventTrace(target, 'u-1', 'e-1');
 * if (trace.ok) process.stdout.write(eventTraceReport(trace.body));
 * ```
 */
export const eventTraceReport = (trace: EventTrace): string => {
  const lines = [`Event ${trace.eventId} of ${trace.userId}`, `Verdict: ${verdictOf(trace)}`, ''];
  const { stored } = trace;
  if (stored === null) lines.push('Stored version: none');
  else {
    const { event } = stored;
    const attributes =
      Object.keys(event.attributes).length === 0 ? '' : `  attributes ${JSON.stringify(event.attributes)}`;
    lines.push(
      'Stored version (the one that stands):',
      `  ${event.type}  quantity ${event.quantity}  occurredAt ${event.occurredAt}${attributes}`,
      `  counts on UTC day ${stored.day}: buckets day ${stored.buckets.day}, week ${stored.buckets.week}, month ${stored.buckets.month}, year ${stored.buckets.year}`,
    );
  }
  lines.push(
    '',
    `Quarantined arrivals (newest first): ${trace.quarantined.length === 0 ? 'none' : trace.quarantined.length}`,
  );
  for (const q of trace.quarantined) {
    lines.push(
      `  ${q.at}  ${q.reason}  correlationId ${q.correlationId ?? '-'}  record ${q.recordId}`,
      `    ${WHY[q.reason]}`,
      ...q.errors.map((e) => `    ${e.path ? `${e.path}: ` : ''}${e.message}`),
      `    arrived as: ${q.payload}`,
    );
  }
  const { counter } = trace;
  lines.push('');
  if (counter === null) lines.push('User-day counter: nothing stored, nothing to check');
  else {
    lines.push(
      `User-day counter of ${counter.day}: ${counter.agrees ? 'agrees with the stored events' : 'DRIFTS from the stored events (the diagnosis repairs it)'}`,
      textTable(
        [{ header: '' }, { header: 'count', right: true }, { header: 'quantity', right: true }],
        [
          [
            'counter says',
            counter.counter === null ? '-' : String(counter.counter.count),
            counter.counter === null ? '-' : String(counter.counter.quantity),
          ],
          ['events add up to', String(counter.events.count), String(counter.events.quantity)],
        ],
      ),
    );
  }
  lines.push('');
  if (trace.logs === null)
    lines.push('Logs: no log groups configured here (local mode logs to its own output)');
  else
    lines.push(
      'Logs (CloudWatch Logs Insights):',
      trace.logs.query.replace(/^/gm, '  '),
      `  open: ${trace.logs.url}`,
    );
  return `${lines.join('\n')}\n`;
};
