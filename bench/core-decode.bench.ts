/**
 * The processor's hot path, per event: a Kinesis record's base64 data to bytes, `decodeRecord`
 * (UTF-8 decode, JSON.parse, envelope and schema validation, normalization) and the fold of the
 * event into a summary (`addEvent`), against `JSON.parse` alone of the same record's text, timed
 * in the same run. The ratio says what validating and counting cost on top of merely reading.
 * Run it with `pnpm bench core`.
 */
import {
  addEvent,
  decodeRecord,
  emptySummary,
  type StreamEnvelope,
  type Summary,
} from '../packages/core/src/index.js';
import { type BenchSuite, compareTimes, median } from './kit.js';

const NOW = Date.UTC(2026, 2, 1, 12);
const RECORDS = 1_000;
const TYPES = ['track.played', 'page.read', 'workout.completed', 'video.watched'];

/** A realistic record: a v1 envelope of an event with a UUID, a typical user id and 2-3 attributes. */
const envelopeOf = (i: number): StreamEnvelope => {
  const attributes: Record<string, string | number | boolean> = {
    trackId: `trk_${(i * 7919).toString(36)}`,
    device: i % 3 === 0 ? 'ios' : 'web',
  };
  if (i % 2 === 0) attributes.liked = i % 4 === 0;
  return {
    v: 1,
    event: {
      eventId: crypto.randomUUID(),
      userId: `user-${(i * 104_729) % 50_000}@example.com`,
      type: TYPES[i % TYPES.length]!,
      occurredAt: new Date(NOW - (i % 86_400) * 60_000).toISOString(),
      quantity: 1 + (i % 240) / 4,
      attributes,
    },
    correlationId: crypto.randomUUID(),
    receivedAt: new Date(NOW).toISOString(),
  };
};

const envelopes = Array.from({ length: RECORDS }, (_, i) => envelopeOf(i));
const texts = envelopes.map((envelope) => JSON.stringify(envelope));
/** What the Lambda event carries: `data` in base64, a sequence number and the partition key. */
const kinesisRecords = envelopes.map((envelope, i) => ({
  data: Buffer.from(texts[i]!, 'utf8').toString('base64'),
  sequenceNumber: `49590338271490256608559692538361571095921575989136588${String(i).padStart(6, '0')}`,
  partitionKey: envelope.event.userId,
}));

let next = 0;
let summary: Summary = emptySummary();
/** Where the baseline keeps what it parsed, so that the parse is not optimized away. */
let parsed: unknown;

/** One record through the processor's path; the summary restarts with each pass over the records. */
const decodeValidateFold = () => {
  const i = next;
  next = (next + 1) % RECORDS;
  if (i === 0) summary = emptySummary();
  const kinesis = kinesisRecords[i]!;
  const decoded = decodeRecord(
    {
      recordId: kinesis.sequenceNumber,
      shard: 'shardId-000000000000',
      partitionKey: kinesis.partitionKey,
      data: Buffer.from(kinesis.data, 'base64'),
      arrivedAt: NOW,
    },
    NOW,
  );
  if (decoded.kind !== 'event') throw new Error(`benchmark record ${i} was refused: ${decoded.kind}`);
  summary = addEvent(summary, decoded.event);
};

/** The baseline: parse the same record's text, nothing more. */
const parseOnly = () => {
  const i = next;
  next = (next + 1) % RECORDS;
  parsed = JSON.parse(texts[i]!);
};

/** Back-to-back comparisons; the figure is the median of their ratios. */
const SAMPLES = 15;

const suite: BenchSuite = {
  name: 'core: decode + validate + fold per event',
  async run() {
    const ratios: number[] = [];
    const baselines: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      const { subjectNs, baselineNs } = compareTimes(decodeValidateFold, parseOnly, {
        iterations: 10 * RECORDS,
        rounds: 2,
      });
      ratios.push(subjectNs / baselineNs);
      baselines.push(baselineNs);
    }
    // Both paths really ran over every record: a folded pass counts each event once.
    if (parsed === undefined || summary.count === 0) throw new Error('the benchmark measured nothing');
    // Load on this shared machine moves the two times of one comparison together, but a ratio of
    // separate medians can pair a quiet moment with a busy one: the median ratio is steadier. The
    // subject's time is stated as that ratio applied to the median baseline.
    const baselineNs = median(baselines);
    return [
      {
        subject: 'base64 -> decodeRecord (UTF-8, JSON.parse, validate) -> addEvent',
        baseline: 'JSON.parse of the same record text',
        subjectValue: median(ratios) * baselineNs,
        baselineValue: baselineNs,
        unit: 'ns/event',
        goal: { max: 2.5 },
      },
    ];
  },
};

export default suite;
