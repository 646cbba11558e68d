import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * Counts the requests an AWS SDK client sends, by command name (`PutRecords`, `Query`...).
 *
 * @example
 * ```ts
 * const requests = countRequests(kinesisClient);
 * await stream.publish(envelopes);
 * requests().PutRecords; // 1
 * ```
 */
export const countRequests = (
  client: KinesisClient | DynamoDBClient | CloudWatchClient,
): (() => Readonly<Record<string, number>>) => {
  const counts: Record<string, number> = {};
  // The middleware only reads the command's name: it fits every client's stack alike.
  (client.middlewareStack as KinesisClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[command] = (counts[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'activityHistoryRequestCounter' },
  );
  return () => ({ ...counts });
};
