/**
 * Where a record sits in the stream: its shard (Kinesis shard id, JetStream partition...) and its
 * sequence number there, a decimal integer that grows with every record of the shard.
 *
 * The event store counts an event in the same atomic write that moves the counter's watermark for
 * the event's shard past the record's sequence number, so a redelivered record (whatever batch it
 * comes back in) is recognised as counted without re-reading the events of its day.
 *
 * @example
 * ```ts
 * const position: StreamPosition = { shard: 'shardId-000000000000', sequence: '49590338271490256608559692538361571095921575989136588898' };
 * ```
 */
export interface StreamPosition {
  readonly shard: string;
  /** Decimal digits, leading zeros allowed (`000042` and `42` are the same position). */
  readonly sequence: string;
}

const DIGITS = /^[0-9]+$/;

/**
 * A spelling of a sequence number whose text order is its numeric order: the digits without
 * leading zeros, behind their count in three digits (`42` -> `00242`). Stores compare these as
 * strings (DynamoDB numbers keep 38 digits; Kinesis sequence numbers have up to 129).
 *
 * @example
 * ```ts
 * sequenceKey('000042') < sequenceKey('1000'); // true: '00242' < '0041000'
 * ```
 */
export const sequenceKey = (sequence: string): string => {
  if (!DIGITS.test(sequence) || sequence.length > 999) {
    throw new RangeError(`a stream sequence number is decimal digits, got "${sequence.slice(0, 40)}"`);
  }
  const digits = sequence.replace(/^0+(?=.)/, '');
  return `${String(digits.length).padStart(3, '0')}${digits}`;
};

/**
 * Orders two sequence numbers of one shard: negative, zero or positive.
 *
 * @example
 * ```ts
 * compareSequences('9', '10'); // negative
 * ```
 */
export const compareSequences = (a: string, b: string): number => {
  const x = sequenceKey(a);
  const y = sequenceKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Whether two positions name the same record.
 *
 * @example
 * ```ts
 * samePosition({ shard: 's', sequence: '007' }, { shard: 's', sequence: '7' }); // true
 * ```
 */
export const samePosition = (a: StreamPosition, b: StreamPosition): boolean =>
  a.shard === b.shard && compareSequences(a.sequence, b.sequence) === 0;
