/**
 * The process function at AWS-like latency: the built `process` bundle in a process of its own
 * handles 500-record batches over 1,000 users against dynalite behind a proxy that holds every
 * request L ms (L = 0, 250, 500, alternating batch by batch so that load on the machine hits each
 * latency alike) and counts requests and capacity. The slope of batch time over L
 * is the batch's critical path in sequential round trips (the latencies are large because a batch
 * whose requests all go out at once is CPU-bound: at 20-40 ms, or even 200, a path of two round trips hides in
 * the noise of its CPU time); the CPU per event is the bundle
 * process's own; the projection at 5 ms per request is 500 / (critical path x 5 ms + CPU per
 * batch). Baselines from the same run: one round trip, a shard's 1,000 records/s, one bare PutItem
 * per event through the same SDK, and the process's RSS before a 10,000-record batch (goal: a peak
 * of 128 MB).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bundle, bundlePaths } from '../packages/handlers/scripts/bundle.js';
import type { BenchFigure, BenchSuite } from './kit.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const LATENCIES = [0, 250, 500];
/** Rounds of one batch per latency, in an order that rotates, in one process of the bundle. */
const ROUNDS = 5;
const RECORDS = 500;
const TABLE = 'bench-latency';
/** The function's environment, as its deployment sets it, with emulator credentials. */
const FUNCTION_ENV = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  ACTIVITY_TABLE_NAME: TABLE,
  ACTIVITY_STREAM_NAME: 'bench-latency',
  LOG_LEVEL: 'silent',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const firstLine = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited ${code}`)));
  });

const tsx = (script: string, args: readonly string[], env: Record<string, string> = {}) =>
  spawn(
    process.execPath,
    ['--conditions=@activity-history/source', '--import', 'tsx', join(here, script), ...args],
    {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );

interface Run {
  /** Batch wall times, ms, by latency. */
  readonly times: Record<string, number[]>;
  readonly cpuUsPerEvent: number;
  readonly bareCpuUsPerEvent: number;
}

/**
 * The heap flags Lambda's Node.js runtime starts a 128 MB function with (5% of the memory for
 * each semi-space, 90% for the old space): the collector works as hard as it does there, so the
 * peak is what the batch needs, not what a lazy collector leaves lying around.
 */
const LAMBDA_128_MB_HEAP = ['--max-semi-space-size=6', '--max-old-space-size=115'];

/**
 * The bundle's RSS before and through a 10,000-record batch, in plain Node with the given heap
 * flags, on the emulator itself.
 */
const memoryOf = async (outfile: string, endpoint: string, flags: readonly string[], runId: string) => {
  const child = spawn(process.execPath, [...flags, join(here, 'latency', 'rss-bundle.mjs'), outfile, runId], {
    env: { ...process.env, ...FUNCTION_ENV, AWS_ENDPOINT_URL_DYNAMODB: endpoint },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  await new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the memory run exited ${code}`)),
    ),
  );
  return JSON.parse(lines.filter((l) => l.startsWith('{"rssBeforeMb"')).at(-1)!) as {
    rssBeforeMb: number;
    rssPeakMb: number;
  };
};

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const suite: BenchSuite = {
  name: 'process function at AWS-like latency: critical path, CPU per event, capacity (built bundle, dynalite behind a delaying proxy)',
  async run(): Promise<readonly BenchFigure[]> {
    const dir = await mkdtemp(join(tmpdir(), 'bench-process-'));
    const outfile = join(dir, 'process', 'index.mjs');
    await bundle({ entryPoint: bundlePaths('process').entryPoint }, outfile);
    const backend = tsx('latency/backend.ts', [TABLE]);
    try {
      const { proxy, direct } = JSON.parse(await firstLine(backend)) as { proxy: string; direct: string };
      const child = tsx('latency/run-bundle.ts', [outfile, String(ROUNDS), 'L', LATENCIES.join(',')], {
        ...FUNCTION_ENV,
        AWS_ENDPOINT_URL_DYNAMODB: proxy,
        BARE_ENDPOINT: direct,
      });
      const lines: string[] = [];
      createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
      await new Promise<void>((resolve, reject) =>
        child.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`the bundle run exited ${code}`)),
        ),
      );
      const run = JSON.parse(lines.filter((l) => l.startsWith('{"times"')).at(-1)!) as Run;
      const stats = (await (await fetch(`${proxy}/__stats`)).json()) as {
        requests: Record<string, number>;
        writeUnits: number;
        readUnits: number;
      };
      const at = (latency: number) => median(run.times[String(latency)]!);
      const highest = LATENCIES.at(-1)!;
      const criticalPath = (at(highest) - at(0)) / highest;
      const { cpuUsPerEvent, bareCpuUsPerEvent } = run;
      const { rssBeforeMb, rssPeakMb } = await memoryOf(outfile, direct, [], 'rss-default');
      const lambda128 = await memoryOf(outfile, direct, LAMBDA_128_MB_HEAP, 'rss-lambda');
      const projected = RECORDS / ((criticalPath * 5 + (cpuUsPerEvent * RECORDS) / 1000) / 1000);
      // Every batch, the warm-up's too, went through the proxy: capacity per event over them all.
      const events = (ROUNDS * LATENCIES.length + 1) * RECORDS;
      process.stdout.write(
        `  (median batch ms at L=${LATENCIES.join('/')}: ${LATENCIES.map((l) => at(l).toFixed(0)).join('/')}; requests: ${JSON.stringify(stats.requests)})\n`,
      );
      return [
        {
          subject:
            'critical path of one 500-record batch over 1,000 users (slope of batch time over request latency)',
          baseline: 'one round trip',
          subjectValue: criticalPath,
          baselineValue: 1,
          unit: 'round trips',
          goal: { max: 8 },
        },
        {
          subject: 'process bundle, events/s per invocation projected at 5 ms per store request',
          baseline: "a shard's write limit",
          subjectValue: projected,
          baselineValue: 1_000,
          unit: 'events/s',
          goal: { min: 5 },
        },
        {
          subject: 'process bundle CPU per event (SDK work included)',
          baseline: 'one bare PutItem per event through the same SDK',
          subjectValue: cpuUsPerEvent,
          baselineValue: bareCpuUsPerEvent,
          unit: 'us/event',
          goal: { max: 120 / bareCpuUsPerEvent },
        },
        {
          subject:
            'process bundle peak RSS through one 10,000-record (about 6 MB) batch, Node default heap flags',
          baseline: 'the same process (plain Node) before the batch, bundle loaded',
          subjectValue: rssPeakMb,
          baselineValue: rssBeforeMb,
          unit: 'MB',
          goal: { max: 128 / rssBeforeMb },
        },
        {
          subject: "the same, with Lambda's heap flags for a 128 MB function (what the batch needs)",
          baseline: 'the same process before the batch, bundle loaded',
          subjectValue: lambda128.rssPeakMb,
          baselineValue: lambda128.rssBeforeMb,
          unit: 'MB',
          goal: { max: 128 / lambda128.rssBeforeMb },
        },
        {
          subject:
            'write units per stored event, 500-record batches over 1,000 users (refused conditional writes charged)',
          baseline: 'a bare PutItem per event',
          subjectValue: stats.writeUnits / events,
          baselineValue: 1,
          unit: 'WCU/event',
          goal: { max: 2 },
        },
      ];
    } finally {
      backend.stdin!.end();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
