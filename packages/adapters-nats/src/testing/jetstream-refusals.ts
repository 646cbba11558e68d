import type { EventStream, StreamEnvelope } from '@activity-history/core';
import type { JetStreamClient } from '@nats-io/jetstream';
import { TimeoutError } from '@nats-io/nats-core';

type Pick = (envelope: StreamEnvelope) => boolean;

/** Refusal injection on a JetStream client, from {@link injectJetStreamRefusals}. */
export interface JetStreamRefusals {
  /** The client to give the event stream: it publishes through the real one unless told to refuse. */
  readonly client: JetStreamClient;
  /**
   * The event stream built on {@link client}, marking where one `publish` call starts and ends so
   * that {@link refuseNext} applies to exactly one call.
   */
  around(stream: EventStream): EventStream;
  /** The next `publish` call fails (a timeout, nothing stored) for the envelopes picked. */
  refuseNext(predicate: Pick): void;
  /** Every publish fails for the envelopes picked, until set to `null`. */
  refuseAlways(predicate: Pick | null): void;
}

const decoder = new TextDecoder();

/**
 * Wraps a JetStream client so that chosen envelopes are refused as a silent server refuses them:
 * the publish throws nats' `TimeoutError` and nothing is stored.
 *
 * @example
 * ```ts
 * const refusals = injectJetStreamRefusals(jetstream(nc));
 * const stream = refusals.around(
 *   createJetStreamEventStream({ connection: nc, stream: 'activity', partitions: 2, client: refusals.client }),
 * );
 * refusals.refuseNext((e) => e.event.userId === 'u-2');
 * ```
 */
export const injectJetStreamRefusals = (real: JetStreamClient): JetStreamRefusals => {
  let next: Pick | null = null;
  let current: Pick | null = null;
  let always: Pick | null = null;
  const client = new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'publish') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<JetStreamClient['publish']>) => {
        const data = args[1];
        if (data instanceof Uint8Array) {
          const envelope = JSON.parse(decoder.decode(data)) as StreamEnvelope;
          if (current?.(envelope) === true || always?.(envelope) === true) throw new TimeoutError();
        }
        return target.publish(...args);
      };
    },
  });
  return {
    client,
    around: (stream) => ({
      async publish(envelopes) {
        current = next;
        next = null;
        try {
          return await stream.publish(envelopes);
        } finally {
          current = null;
        }
      },
    }),
    refuseNext: (predicate) => {
      next = predicate;
    },
    refuseAlways: (predicate) => {
      always = predicate;
    },
  };
};
