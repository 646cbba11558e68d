import type { MetricSample } from '@activity-history/core';
import { createHandlers, type HandlerPorts, type Handlers, serveHttp } from '@activity-history/handlers';

/** A fault of one function, switched on and off while the pipeline runs. */
export interface FunctionFault {
  /** For `startLocalPipeline({ wrapHandlers })`: the functions, with this one able to fail. */
  readonly wrapHandlers: (handlers: Handlers, ports: HandlerPorts) => Handlers;
  /** Switches the fault on (`true`) or off. */
  arm(on: boolean): void;
}

/**
 * The process function crashing mid-batch, as a Lambda whose runtime dies (out of memory, a
 * timeout): the first half of each batch is stored, then the invocation fails without returning,
 * so the whole batch comes again. Its own accounting dies with it; what is recorded is what
 * Lambda's `Errors` metric would show: one failed invocation.
 *
 * @example
 * ```ts
 * const crash = crashingProcessor();
 * const pipeline = await startLocalPipeline({ backend: 'memory', wrapHandlers: crash.wrapHandlers });
 * crash.arm(true);
 * ```
 */
export const crashingProcessor = (): FunctionFault => {
  let armed = false;
  return {
    arm(on) {
      armed = on;
    },
    wrapHandlers(handlers, ports) {
      const recorder = ports.metrics;
      const untilCrash = createHandlers({
        ...ports,
        metrics: {
          record: (sample: MetricSample) => {
            if (sample.kind !== 'invocation') recorder.record(sample);
          },
          flush: () => recorder.flush(),
        },
      }).process;
      return {
        ...handlers,
        process: async (event, context) => {
          if (!armed) return handlers.process(event, context);
          const startedAt = performance.now();
          const written = Math.floor(event.Records.length / 2);
          if (written > 0) await untilCrash({ Records: event.Records.slice(0, written) }, context);
          recorder.record({
            kind: 'invocation',
            stage: 'process',
            outcome: 'error',
            durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
          });
          throw new Error(`injected crash after ${written} of ${event.Records.length} records`);
        },
      };
    },
  };
};

/**
 * The query function failing every request (a broken deployment): 500 through the same HTTP edge
 * as the real one, which records each failed invocation.
 *
 * @example
 * ```ts
 * const broken = failingQuery();
 * const pipeline = await startLocalPipeline({ backend: 'memory', wrapHandlers: broken.wrapHandlers });
 * broken.arm(true);
 * ```
 */
export const failingQuery = (): FunctionFault => {
  let armed = false;
  return {
    arm(on) {
      armed = on;
    },
    wrapHandlers(handlers, ports) {
      const broken = serveHttp('query', ports, async () => {
        throw new Error('injected fault: the query function is broken');
      });
      return { ...handlers, query: (event, context) => (armed ? broken : handlers.query)(event, context) };
    },
  };
};

/**
 * The query route broken in front of the function (a route or integration misconfigured, as a bad
 * deployment leaves it): API Gateway answers 502 and the function is never invoked, so its metrics
 * stay clean. Only a diagnosis that asks the API itself sees it.
 *
 * @example
 * ```ts
 * const broken = brokenQueryRoute();
 * const pipeline = await startLocalPipeline({ backend: 'memory', wrapHandlers: broken.wrapHandlers });
 * broken.arm(true);
 * ```
 */
export const brokenQueryRoute = (): FunctionFault => {
  let armed = false;
  return {
    arm(on) {
      armed = on;
    },
    wrapHandlers(handlers) {
      return {
        ...handlers,
        query: async (event, context) =>
          armed
            ? {
                statusCode: 502,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ message: 'Internal Server Error' }),
              }
            : handlers.query(event, context),
      };
    },
  };
};
