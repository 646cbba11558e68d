import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a metered client consumed. */
export interface CapacityReading {
  /** Requests sent, by command name. */
  readonly requests: Readonly<Record<string, number>>;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Items the reads examined: `ScannedCount` of queries and scans, items found by gets. */
  readonly itemsRead: number;
}

/** Capacity metering of a DynamoDB client, see {@link meterDynamoDb}. */
export interface CapacityMeter {
  read(): CapacityReading;
  reset(): void;
}

interface ConsumedCapacity {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

const READS = /^(Get|BatchGet|Query|Scan|TransactGet)/;

/**
 * Counts the requests of a DynamoDB client (and of every document client over it) and the
 * capacity units they consumed, as DynamoDB reports them: the middleware asks each request for
 * `ReturnConsumedCapacity: 'TOTAL'` and adds up the answers. A request that fails (a refused
 * conditional write) reports nothing: it is counted as a request only.
 *
 * @example
 * ```ts
 * const meter = meterDynamoDb(client);
 * await store.append(events);
 * meter.read().writeUnits / events.length;
 * ```
 */
export const meterDynamoDb = (client: DynamoDBClient): CapacityMeter => {
  let requests: Record<string, number> = {};
  let readUnits = 0;
  let writeUnits = 0;
  let itemsRead = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      requests[command] = (requests[command] ?? 0) + 1;
      const input = args.input as Record<string, unknown>;
      if (!/Table|TimeToLive/.test(command)) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as {
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
        ScannedCount?: number;
        Item?: unknown;
        Responses?: Record<string, unknown[]>;
      };
      itemsRead +=
        output.ScannedCount ??
        (output.Item === undefined ? 0 : 1) +
          Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      const consumed = output.ConsumedCapacity;
      for (const entry of Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed]) {
        const units = entry.CapacityUnits ?? 0;
        if (entry.ReadCapacityUnits !== undefined || entry.WriteCapacityUnits !== undefined) {
          readUnits += entry.ReadCapacityUnits ?? 0;
          writeUnits += entry.WriteCapacityUnits ?? 0;
        } else if (READS.test(command)) readUnits += units;
        else writeUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'activityHistoryCapacityMeter' },
  );
  return {
    read: () => ({ requests: { ...requests }, readUnits, writeUnits, itemsRead }),
    reset() {
      requests = {};
      readUnits = 0;
      writeUnits = 0;
      itemsRead = 0;
    },
  };
};
