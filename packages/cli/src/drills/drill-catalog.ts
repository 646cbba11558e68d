import { dayKeyOf } from '@activity-history/core';
import { type Drill, memoryOf } from './drill-run.js';
import type { DrillEvent } from './drill-traffic.js';
import { brokenQueryRoute, crashingProcessor, failingQuery } from './function-faults.js';

const encoder = new TextEncoder();

/**
 * The fault drills: each breaks one part of the running pipeline, and the diagnosis of an affected
 * user must name it. The table in docs/drills.md is this list.
 *
 * @example
 * ```ts
 * const drill = DRILLS.find((d) => d.name === 'store-throttling')!;
 * await runDrill(drill);
 * ```
 */
export const DRILLS: readonly Drill[] = [
  {
    name: 'stream-refusal',
    fault: 'the stream refuses records at ingest',
    injection:
      'memory stream `faults.refuse(1)`: every PutRecords entry refused, so ingest retries, then answers 503',
    suspect: 'ingest',
    stage: 'ingest',
    recovery: 'stop refusing; the client resends the refused requests (always safe)',
    memoryOnly:
      "its fault is the memory stream's refusal switch (JetStream refusals are injected on the client, in the adapter's own tests)",
    arm() {
      const refused: DrillEvent[][] = [];
      return {
        async inject(context) {
          memoryOf(context).stream.faults.refuse(1);
          const requests = [context.events(context.affected, 5), context.events(context.affected, 5)];
          const statuses = await Promise.all(requests.map((events) => context.send(events)));
          refused.push(...requests.filter((_, i) => statuses[i] === 503));
        },
        async remove(context) {
          memoryOf(context).stream.faults.refuse(null);
          for (const events of refused) await context.send(events);
          return `stream accepts again; ${refused.length} refused requests resent`;
        },
      };
    },
  },
  {
    name: 'processor-crash',
    fault: 'the process function crashes mid-batch',
    injection: 'wrapped process function: stores half of each batch, then throws (one failed invocation)',
    suspect: 'processor',
    stage: 'process',
    recovery: 'the function works again; the delivery engine redelivers, the half already stored counts once',
    memoryOnly: null,
    arm() {
      const crash = crashingProcessor();
      return {
        options: { wrapHandlers: crash.wrapHandlers },
        async inject(context) {
          crash.arm(true);
          await context.send(context.events(context.affected, 30));
        },
        async remove() {
          crash.arm(false);
          return 'the function no longer crashes; the batches are redelivered';
        },
      };
    },
  },
  {
    name: 'poison-flood',
    fault: 'a flood of poison records written straight to the stream',
    injection: "the backend's `appendRaw`: 40 records that are not events (not JSON, bare invalid events)",
    suspect: 'processor',
    stage: 'process',
    recovery: 'the flood stops; the poison stays quarantined, the valid events are counted',
    memoryOnly: null,
    arm() {
      return {
        async inject(context) {
          await context.send(context.events(context.affected, 4));
          for (let i = 0; i < 40; i++) {
            const poison =
              i % 2 === 0
                ? `{"not json ${i}`
                : JSON.stringify({ eventId: `raw-${i}`, userId: context.affected, type: 'Bad Type' });
            await context.appendRaw(context.affected, encoder.encode(poison));
          }
        },
        async remove() {
          return 'no more poison written; quarantined records kept with their reasons';
        },
      };
    },
  },
  {
    name: 'conflicting-resends',
    fault: 'a client resends its events with changed content',
    injection: "the affected user's 30 events, then the same 30 keys again with other quantities",
    suspect: 'processor',
    stage: 'process',
    recovery:
      'the client stops; the first versions stand and count, and the event trace shows both versions of a key and which stands',
    memoryOnly: null,
    arm() {
      const sent: DrillEvent[] = [];
      return {
        async inject(context) {
          const events = context.events(context.affected, 30);
          await context.send(events);
          sent.push(...events);
          await context.send(events.map((event) => ({ ...event, quantity: event.quantity + 10 })));
        },
        async remove(context) {
          const first = sent[0]!;
          const trace = await context.trace(context.affected, first.eventId);
          const stands = trace?.stored?.event.quantity === first.quantity;
          const resend = trace?.quarantined.find((arrival) => arrival.reason === 'conflict');
          if (!stands || resend === undefined || !resend.payload.includes(String(first.quantity + 10))) {
            throw new Error(
              `the trace of ${first.eventId} does not show both versions: ${JSON.stringify(trace)}`,
            );
          }
          return `the trace of ${first.eventId}: quantity ${first.quantity} stands; the resend (${first.quantity + 10}) is set aside as conflict`;
        },
      };
    },
  },
  {
    name: 'store-throttling',
    fault: 'the store throttles every write',
    injection: "memory store `faults.throttle('always')`",
    suspect: 'store',
    stage: 'store',
    recovery: 'throttling stops; the retried batches drain the backlog',
    memoryOnly:
      "its fault is the memory store's throttling switch; PostgreSQL has no throttling to provoke from outside",
    arm() {
      return {
        async inject(context) {
          memoryOf(context).store.faults.throttle('always');
          await context.send(context.events(context.affected, 20));
        },
        async remove(context) {
          memoryOf(context).store.faults.throttle('off');
          return 'store writes accepted again; the backlog drains';
        },
      };
    },
  },
  {
    name: 'stuck-shard',
    fault: "one shard's records are read but not processed (growing lag)",
    injection: "delivery engine `holdShard(<the affected user's shard>)`",
    suspect: 'stream',
    stage: 'stream',
    recovery: 'the shard is released; its backlog is processed in order',
    memoryOnly: null,
    arm() {
      let shard = '';
      return {
        async inject(context) {
          shard = context.shardOf(context.affected);
          context.pipeline.delivery.holdShard(shard);
          await context.send(context.events(context.affected, 20));
        },
        async remove(context) {
          context.pipeline.delivery.releaseShard(shard);
          return `${shard} released`;
        },
      };
    },
  },
  {
    name: 'counter-drift',
    fault: "a counter item altered behind the pipeline's back",
    injection: "memory store `tamperCounter`: today's counter of the user gets 3 more events",
    suspect: 'counters',
    stage: null,
    recovery: 'repair recomputes the counters from the stored events',
    memoryOnly:
      "the drift is written with the memory store's tamperCounter; PostgreSQL's counterpart is test support, which the tools do not ship",
    arm() {
      return {
        async inject(context) {
          const store = memoryOf(context).store;
          const day = dayKeyOf(context.pipeline.clock.now() - 60_000);
          const counters = await store.readDailyCounters(context.affected, context.range);
          const counter = counters.find((c) => c.day === day) ?? counters[0]!;
          const { summary } = counter;
          // Counters are kept per type: the drift goes into the day's first type.
          const [type, tally] = [...summary.byType][0]!;
          const byType = new Map(summary.byType).set(type, { ...tally, count: tally.count + 3 });
          await store.tamperCounter(context.affected, counter.day, {
            ...summary,
            count: summary.count + 3,
            byType,
          });
        },
        async remove(context) {
          const repair = await memoryOf(context).store.repairCounters(context.affected, context.range);
          return `repair fixed ${repair.fixed.length} day(s): ${repair.fixed.map((d) => d.day).join(', ')}`;
        },
      };
    },
  },
  {
    name: 'query-failure',
    fault: 'the query function fails every request',
    injection: 'wrapped query function: throws on every request (500, failed invocation)',
    suspect: 'query',
    stage: 'query',
    recovery: 'the function works again; reads answer with exact totals',
    memoryOnly: null,
    arm() {
      const broken = failingQuery();
      return {
        options: { wrapHandlers: broken.wrapHandlers },
        async inject(context) {
          broken.arm(true);
          await Promise.all(Array.from({ length: 5 }, () => context.totals(context.affected)));
        },
        async remove() {
          broken.arm(false);
          return 'the query function answers again';
        },
      };
    },
  },
  {
    name: 'api-route-broken',
    fault: 'the query route answers 502 without reaching the function',
    injection:
      'wrapped query route: 502 from the gateway, the function never invoked (its metrics stay clean)',
    suspect: 'api',
    stage: null,
    recovery: 'the route reaches the function again; the API answers the stored totals',
    memoryOnly: null,
    arm() {
      const broken = brokenQueryRoute();
      return {
        options: { wrapHandlers: broken.wrapHandlers },
        async inject() {
          broken.arm(true);
        },
        async remove() {
          broken.arm(false);
          return 'the query route answers again';
        },
      };
    },
  },
];
