import type { Container } from 'inversify';
import { createDiagnoseHandler } from '../handlers/diagnose-handler.js';
import { inProcessHistoryApi } from '../handlers/in-process-history-api.js';
import { createIngestHandler } from '../handlers/ingest-handler.js';
import { createProcessHandler } from '../handlers/process-handler.js';
import { createQueryHandler } from '../handlers/query-handler.js';
import { TOKENS } from './tokens.js';

/*
 * Each function binds only its own handler, so a bundle pulls in only the ports that handler asks
 * the container for. Handlers are singletons: built once per container, at module scope in Lambda.
 */

/**
 * Binds the ingest handler over the container's stream, clock, metrics and logger.
 *
 * @example
 * ```ts
 * bindIngestHandler(container);
 * const handler = container.get(TOKENS.ingestHandler);
 * ```
 */
export const bindIngestHandler = (container: Container): void => {
  container
    .bind(TOKENS.ingestHandler)
    .toDynamicValue((ctx) => {
      const { retryPolicy } = ctx.get(TOKENS.settings);
      return createIngestHandler({
        stream: ctx.get(TOKENS.stream),
        clock: ctx.get(TOKENS.clock),
        metrics: ctx.get(TOKENS.metrics),
        logger: ctx.get(TOKENS.logger),
        ...(retryPolicy === undefined ? {} : { retryPolicy }),
      });
    })
    .inSingletonScope();
};

/** Binds the process handler over the container's store. @example `bindProcessHandler(container);` */
export const bindProcessHandler = (container: Container): void => {
  container
    .bind(TOKENS.processHandler)
    .toDynamicValue((ctx) =>
      createProcessHandler({
        store: ctx.get(TOKENS.store),
        clock: ctx.get(TOKENS.clock),
        metrics: ctx.get(TOKENS.metrics),
        logger: ctx.get(TOKENS.logger),
      }),
    )
    .inSingletonScope();
};

/** Binds the query handler over the container's store. @example `bindQueryHandler(container);` */
export const bindQueryHandler = (container: Container): void => {
  container
    .bind(TOKENS.queryHandler)
    .toDynamicValue((ctx) =>
      createQueryHandler({
        store: ctx.get(TOKENS.store),
        clock: ctx.get(TOKENS.clock),
        metrics: ctx.get(TOKENS.metrics),
        logger: ctx.get(TOKENS.logger),
      }),
    )
    .inSingletonScope();
};

/**
 * Binds the diagnose handler (diagnosis and `/health`), and, unless the container already has one,
 * a history API answered in process by the query use case over the same store.
 *
 * @example
 * ```ts
 * bindDiagnoseHandler(container);
 * ```
 */
export const bindDiagnoseHandler = (container: Container): void => {
  if (!container.isBound(TOKENS.historyApi)) {
    container
      .bind(TOKENS.historyApi)
      .toDynamicValue((ctx) =>
        inProcessHistoryApi({ store: ctx.get(TOKENS.store), clock: ctx.get(TOKENS.clock) }),
      )
      .inSingletonScope();
  }
  container
    .bind(TOKENS.diagnoseHandler)
    .toDynamicValue((ctx) =>
      createDiagnoseHandler({
        store: ctx.get(TOKENS.store),
        clock: ctx.get(TOKENS.clock),
        metrics: ctx.get(TOKENS.metrics),
        logger: ctx.get(TOKENS.logger),
        metricsReader: ctx.get(TOKENS.metricsReader),
        historyApi: ctx.get(TOKENS.historyApi),
        ...ctx.get(TOKENS.settings),
      }),
    )
    .inSingletonScope();
};
