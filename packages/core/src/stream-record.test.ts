import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeEnvelope, type IncomingRecord, type StreamEnvelope } from './stream-record.js';
import { normalizeEvent } from './testing/arbitraries.js';

const NOW = Date.UTC(2026, 2, 1, 12);
const PARTITION_KEY = 'pk-user';

const EVENT = {
  eventId: '3f1c9a52-7d4e-4b8a-9c1e-2a6f0d8b7e41',
  userId: 'alice@example.com',
  type: 'track.played',
  occurredAt: '2026-03-01T12:30:00+01:00',
  quantity: 3.5,
  attributes: { trackId: 't-9', liked: true },
};

const recordOf = (data: Uint8Array | string, partitionKey = PARTITION_KEY): IncomingRecord => ({
  recordId: '49590338271490256608559692538361571095921575989136588898',
  shard: 'shardId-000000000000',
  partitionKey,
  data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
  arrivedAt: NOW,
});

const envelopeText = (event: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, event, correlationId: 'req-1', receivedAt: '2026-03-01T11:30:01.000Z', ...extra });

describe('decodeRecord', () => {
  it('reads a version-1 envelope as its normalized event with the correlation id', () => {
    // Arrange
    const text = envelopeText(EVENT);

    // Act
    const decoded = decodeRecord(recordOf(text), NOW);

    // Assert
    expect(decoded).toEqual({
      kind: 'event',
      event: { ...EVENT, occurredAt: '2026-03-01T11:30:00.000Z' },
      correlationId: 'req-1',
      text,
    });
  });

  it('reads a bare event written straight to the stream, with no correlation id', () => {
    // Arrange
    const text = JSON.stringify(EVENT);

    // Act
    const decoded = decodeRecord(recordOf(text), NOW);

    // Assert
    expect(decoded).toEqual({
      kind: 'event',
      event: { ...EVENT, occurredAt: '2026-03-01T11:30:00.000Z' },
      correlationId: null,
      text,
    });
  });

  it('reads back what encodeEnvelope wrote', () => {
    // Arrange
    const event = normalizeEvent(EVENT);
    const envelope: StreamEnvelope = {
      v: 1,
      event,
      correlationId: 'c-7',
      receivedAt: '2026-03-01T12:00:00.000Z',
    };

    // Act
    const decoded = decodeRecord(recordOf(encodeEnvelope(envelope)), NOW);

    // Assert
    expect(decoded).toMatchObject({ kind: 'event', event, correlationId: 'c-7' });
  });

  describe('malformed records, attributed to the partition key', () => {
    it.each<[string, Uint8Array | string, string]>([
      ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'record data is not UTF-8 text'],
      ['text that is not JSON', '{"eventId": "e-1",', 'record data is not JSON'],
      ['empty data', '', 'record data is not JSON'],
      ['a JSON array', `[${JSON.stringify(EVENT)}]`, 'record data is not a JSON object'],
      ['a JSON number', '42', 'record data is not a JSON object'],
      ['JSON null', 'null', 'record data is not a JSON object'],
      ['a JSON string', '"hello"', 'record data is not a JSON object'],
      [
        'an object that is neither an envelope nor an event',
        '{"hello":"world"}',
        'record data is neither an event envelope nor an event',
      ],
      ['an empty object', '{}', 'record data is neither an event envelope nor an event'],
    ])('sets aside %s', (_, data, message) => {
      // Act
      const decoded = decodeRecord(recordOf(data), NOW);

      // Assert
      expect(decoded).toMatchObject({
        kind: 'malformed_record',
        userId: PARTITION_KEY,
        eventId: null,
        errors: [{ path: '', message }],
        correlationId: null,
      });
    });

    it.each<[string, string, string]>([
      ['an envelope of an unknown version', envelopeText(EVENT, { v: 2 }), 'unknown envelope version 2'],
      ['an envelope with a string version', envelopeText(EVENT, { v: '1' }), 'unknown envelope version "1"'],
      ['an envelope without an event', envelopeText(undefined), 'envelope has no event object'],
      ['an envelope whose event is an array', envelopeText([EVENT]), 'envelope has no event object'],
      [
        'an envelope whose event is a string',
        envelopeText(JSON.stringify(EVENT)),
        'envelope has no event object',
      ],
    ])('sets aside %s, keeping its correlation id', (_, text, message) => {
      // Act
      const decoded = decodeRecord(recordOf(text), NOW);

      // Assert
      expect(decoded).toMatchObject({
        kind: 'malformed_record',
        userId: PARTITION_KEY,
        errors: [{ path: '', message }],
        correlationId: 'req-1',
        text,
      });
    });

    it('keeps the text of JSON it could not use, for the quarantine', () => {
      // Arrange
      const text = '{"hello":"world"}';

      // Act
      const decoded = decodeRecord(recordOf(text), NOW);

      // Assert
      expect(decoded.text).toBe(text);
    });
  });

  describe('invalid events', () => {
    it('attributes an invalid event to its valid userId and keeps its eventId', () => {
      // Act
      const decoded = decodeRecord(recordOf(envelopeText({ ...EVENT, quantity: 0 })), NOW);

      // Assert
      expect(decoded).toEqual({
        kind: 'invalid_event',
        userId: 'alice@example.com',
        eventId: EVENT.eventId,
        errors: [{ path: 'quantity', message: 'quantity must be at least 0.000001 (one millionth)' }],
        correlationId: 'req-1',
        text: envelopeText({ ...EVENT, quantity: 0 }),
      });
    });

    it('attributes an event whose userId is invalid to the partition key, and drops an invalid eventId', () => {
      // Act
      const decoded = decodeRecord(
        recordOf(JSON.stringify({ ...EVENT, userId: 'org/alice', eventId: 'e 1' })),
        NOW,
      );

      // Assert
      expect(decoded).toMatchObject({
        kind: 'invalid_event',
        userId: PARTITION_KEY,
        eventId: null,
        errors: [{ path: 'eventId' }, { path: 'userId' }],
      });
    });

    it('attributes an event without a userId to the partition key', () => {
      // Arrange
      const { userId: _, ...withoutUser } = EVENT;

      // Act
      const decoded = decodeRecord(recordOf(envelopeText(withoutUser)), NOW);

      // Assert
      expect(decoded).toMatchObject({
        kind: 'invalid_event',
        userId: PARTITION_KEY,
        errors: [{ path: 'userId' }],
      });
    });

    it('treats an object with some event fields as an invalid event, not a malformed record', () => {
      // Act
      const decoded = decodeRecord(recordOf('{"userId":"bob","quantiy":2}'), NOW);

      // Assert
      expect(decoded).toMatchObject({ kind: 'invalid_event', userId: 'bob' });
      expect(decoded.kind === 'invalid_event' && decoded.errors.map((e) => e.path)).toContain('quantiy');
    });

    it('judges "in the future" against the clock it is given', () => {
      // Arrange
      const data = envelopeText({ ...EVENT, occurredAt: '2026-03-01T12:10:00Z' });

      // Act
      const early = decodeRecord(recordOf(data), NOW);
      const later = decodeRecord(recordOf(data), NOW + 5 * 60_000);

      // Assert
      expect(early).toMatchObject({ kind: 'invalid_event', errors: [{ path: 'occurredAt' }] });
      expect(later).toMatchObject({ kind: 'event' });
    });

    it('cuts a long correlation id to 128 characters and ignores one that is not a string', () => {
      // Act
      const long = decodeRecord(recordOf(envelopeText(EVENT, { correlationId: 'c'.repeat(500) })), NOW);
      const numeric = decodeRecord(recordOf(envelopeText(EVENT, { correlationId: 7 })), NOW);

      // Assert
      expect(long.correlationId).toBe('c'.repeat(128));
      expect(numeric.correlationId).toBeNull();
    });
  });

  describe('the rules of contract v1.1', () => {
    // The fields without quantity and attributes, as JSON text a patch of JSON text completes.
    const { quantity: _, attributes: __, ...required } = EVENT;
    const bare = (patch: string) => `${JSON.stringify(required).slice(0, -1)},${patch}}`;
    const enveloped = (patch: string) =>
      `{"v":1,"correlationId":"req-1","receivedAt":"2026-03-01T11:30:01.000Z","event":${bare(patch)}}`;

    it.each<[string, string, string]>([
      ['a lone surrogate in an attribute string', '"attributes":{"note":"\\ud800"}', 'attributes.note'],
      ['a U+0000 in an attribute string', '"attributes":{"note":"a\\u0000"}', 'attributes.note'],
      ['an attribute number below 1e-130', '"attributes":{"n":9.9e-131}', 'attributes.n'],
      ['an attribute number of 1e126', '"attributes":{"n":1e126}', 'attributes.n'],
      ['a quantity below one millionth', '"quantity":1e-7', 'quantity'],
    ])('refuses %s in a bare event and in an envelope alike', (_, patch, path) => {
      // Arrange: the patch is JSON text, so escapes such as \ud800 reach the parser as a client writes them
      const texts = [bare(patch), enveloped(patch)];

      // Act
      const decoded = texts.map((text) => decodeRecord(recordOf(text), NOW));

      // Assert
      for (const record of decoded) {
        expect(record).toMatchObject({ kind: 'invalid_event', userId: EVENT.userId, errors: [{ path }] });
      }
    });

    it('accepts attribute keys that spell prototype members, keeping them as own properties', () => {
      // Arrange
      const text = envelopeText({
        ...EVENT,
        attributes: { toString: 'a', valueOf: 2, hasOwnProperty: true },
      });

      // Act
      const decoded = decodeRecord(recordOf(text), NOW);

      // Assert
      expect(decoded.kind === 'event' && Object.entries(decoded.event.attributes)).toEqual([
        ['toString', 'a'],
        ['valueOf', 2],
        ['hasOwnProperty', true],
      ]);
    });

    it.each<[string, Uint8Array]>([
      [
        'a lone surrogate encoded in the bytes (CESU-8)',
        new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      ],
      ['an overlong encoding', new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d])],
    ])('sets aside %s as a malformed record: the decoder is fatal', (_, data) => {
      // Act
      const decoded = decodeRecord(recordOf(data), NOW);

      // Assert
      expect(decoded).toMatchObject({
        kind: 'malformed_record',
        errors: [{ path: '', message: 'record data is not UTF-8 text' }],
      });
    });

    it('sets aside JSON cut short as a malformed record', () => {
      // Act
      const decoded = decodeRecord(recordOf(envelopeText(EVENT).slice(0, -3)), NOW);

      // Assert
      expect(decoded).toMatchObject({
        kind: 'malformed_record',
        errors: [{ path: '', message: 'record data is not JSON' }],
      });
    });

    it('bounds the errors of an event with thousands of problems', () => {
      // Arrange
      const attributes = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, [i]]));

      // Act
      const decoded = decodeRecord(recordOf(JSON.stringify({ ...EVENT, attributes })), NOW);

      // Assert
      expect(decoded.kind === 'invalid_event' && decoded.errors.length).toBe(20);
    });

    it('bounds the message that quotes an unknown envelope version', () => {
      // Act
      const decoded = decodeRecord(recordOf(envelopeText(EVENT, { v: 'v'.repeat(100_000) })), NOW);

      // Assert
      expect(decoded.kind === 'malformed_record' && decoded.errors[0]!.message.length).toBe(200);
    });

    it('cuts a correlation id without splitting a surrogate pair and replaces U+0000', () => {
      // Act
      const astral = decodeRecord(
        recordOf(envelopeText(EVENT, { correlationId: `${'c'.repeat(127)}😀` })),
        NOW,
      );
      const nul = decodeRecord(recordOf(envelopeText(EVENT, { correlationId: 'c\u0000' })), NOW);

      // Assert
      expect([astral.correlationId, nul.correlationId]).toEqual(['c'.repeat(127), 'c\uFFFD']);
    });
  });

  describe('the size limit', () => {
    // 20 attributes of 256 '€' (3 bytes each) make about 16 KB of UTF-8.
    const oversize = {
      ...EVENT,
      attributes: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, '€'.repeat(256)])),
    };
    // 10 such attributes make about 7.8 KB: under the limit alone, over it inside an envelope.
    const nearLimit = {
      ...EVENT,
      attributes: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, '€'.repeat(256)])),
    };

    it.each([
      ['a bare event', JSON.stringify(oversize)],
      ['an enveloped event', envelopeText(oversize)],
    ])('refuses %s over 8 KiB as an invalid event of its user', (_, text) => {
      // Act
      const decoded = decodeRecord(recordOf(text), NOW);

      // Assert
      expect(decoded).toMatchObject({
        kind: 'invalid_event',
        userId: EVENT.userId,
        errors: [{ path: '', message: expect.stringMatching(/at most 8192 bytes/) }],
      });
    });

    it('measures an enveloped event on its own, not with the envelope around it', () => {
      // Arrange
      const text = envelopeText(nearLimit, { correlationId: 'x'.repeat(600) });

      // Act
      const decoded = decodeRecord(recordOf(text), NOW);

      // Assert
      expect(new TextEncoder().encode(JSON.stringify(nearLimit)).byteLength).toBeLessThanOrEqual(8192);
      expect(new TextEncoder().encode(text).byteLength).toBeGreaterThan(8192);
      expect(decoded.kind).toBe('event');
    });
  });
});
