/** Anything with an SDK v3 middleware stack: every AWS SDK client. */
interface WithMiddleware {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { readonly commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { readonly step: 'initialize'; readonly name: string },
    ): void;
  };
}

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
export const countRequests = (client: WithMiddleware): (() => Readonly<Record<string, number>>) => {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[command] = (counts[command] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'activityHistoryRequestCounter' },
  );
  return () => ({ ...counts });
};
