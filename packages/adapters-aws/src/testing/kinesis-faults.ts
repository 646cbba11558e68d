import type { StreamEnvelope } from '@activity-history/core';
import type {
  KinesisClient,
  PutRecordsInput,
  PutRecordsOutput,
  PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';

/** Refusal injection on a Kinesis client, see {@link injectKinesisRefusals}. */
export interface KinesisRefusals {
  /**
   * Makes the next `PutRecords` call refuse the records whose envelope the predicate picks, with
   * `ProvisionedThroughputExceededException` as a busy shard does.
   */
  refuseNext(predicate: (envelope: StreamEnvelope) => boolean): void;
  /** Makes every following `PutRecords` call refuse the records the predicate picks, until `clear`. */
  refuseAlways(predicate: (envelope: StreamEnvelope) => boolean): void;
  clear(): void;
  /** The envelopes each `PutRecords` call carried, in call order (refused ones included). */
  calls(): readonly (readonly StreamEnvelope[])[];
}

const decoder = new TextDecoder();

/**
 * Puts a refusing shard in front of the real backend, through the SDK's own middleware stack: the
 * picked records are taken out of the request (so they are really not written), the others go to
 * the backend, and the response gets a `ProvisionedThroughputExceededException` entry at each
 * refused record's position, with `FailedRecordCount` raised to match: the answer Kinesis gives
 * when some records of a call hit a busy shard.
 *
 * @example
 * ```ts
 * const refusals = injectKinesisRefusals(client);
 * refusals.refuseNext((envelope) => envelope.event.userId === 'u-1');
 * await stream.publish(envelopes); // u-1's records: { written: false, retryable: true, ... }
 * ```
 */
export const injectKinesisRefusals = (client: KinesisClient): KinesisRefusals => {
  let once: ((envelope: StreamEnvelope) => boolean) | null = null;
  let always: ((envelope: StreamEnvelope) => boolean) | null = null;
  const calls: StreamEnvelope[][] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutRecordsCommand') return next(args);
      const input = args.input as PutRecordsInput;
      const records = input.Records ?? [];
      const envelopes = records.map((r) => JSON.parse(decoder.decode(r.Data)) as StreamEnvelope);
      calls.push(envelopes);
      const predicate = once ?? always;
      once = null;
      if (predicate === null) return next(args);
      const refused = envelopes.map((envelope) => predicate(envelope));
      const kept = records.filter((_, i) => !refused[i]);
      const result =
        kept.length > 0
          ? await next({ ...args, input: { ...input, Records: kept } })
          : { output: { $metadata: {}, FailedRecordCount: 0, Records: [] }, response: {} };
      const output = result.output as PutRecordsOutput;
      const answered = [...(output.Records ?? [])];
      const entries: PutRecordsResultEntry[] = refused.map((isRefused) =>
        isRefused
          ? {
              ErrorCode: 'ProvisionedThroughputExceededException',
              ErrorMessage: 'Rate exceeded for shard (injected)',
            }
          : answered.shift()!,
      );
      const failed = entries.filter((entry) => entry.ErrorCode !== undefined).length;
      return {
        ...result,
        output: { ...output, FailedRecordCount: failed, Records: entries } as typeof result.output,
      };
    },
    { step: 'initialize', name: 'activityHistoryRefusalInjection' },
  );
  return {
    refuseNext(predicate) {
      once = predicate;
    },
    refuseAlways(predicate) {
      always = predicate;
    },
    clear() {
      once = null;
      always = null;
    },
    calls: () => calls,
  };
};
