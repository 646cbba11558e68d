import { createHash } from 'node:crypto';
import type { ActivityEvent } from '@activity-history/core';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64url');

/**
 * The content that decides a resend from a conflict, as core's `sameContent` compares it: type,
 * instant, quantity, and the attributes as a set (sorted by key, so their order does not matter).
 */
const contentOf = (event: ActivityEvent): string =>
  JSON.stringify([
    event.type,
    event.occurredAt,
    event.quantity,
    Object.entries(event.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);

/**
 * The JetStream message id (`Nats-Msg-Id`) of a normalized event: a hash of its idempotency key
 * (`userId`, `eventId`) and a hash of its content. A producer's retry of the same event has the same
 * id and is dropped by the stream's duplicate window; a resend of the key with other content has
 * another id and reaches the processor, which records the conflict. The correlation id and the
 * arrival time are not part of it: a retry may carry new ones.
 *
 * @example
 * ```ts
 * await js.publish(subject, data, { msgID: messageIdOf(envelope.event) });
 * ```
 */
export const messageIdOf = (event: ActivityEvent): string =>
  `${sha256(JSON.stringify([event.userId, event.eventId]))}.${sha256(contentOf(event))}`;
