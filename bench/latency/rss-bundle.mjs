/**
 * The process bundle's memory, in plain Node (no TypeScript loader, nothing else loaded): imports
 * the bundle, then hands it one Kinesis event of 10,000 records (about 6 MB of data) and prints,
 * as JSON, the RSS before the batch and its peak while the batch runs.
 */
const [bundlePath, runId] = process.argv.slice(2);
const { handler } = await import(bundlePath);

const records = Array.from({ length: 10_000 }, (_, i) => {
  const userId = `${runId}-u${i % 1_000}`;
  const event = {
    eventId: `${runId}-e${i}`,
    userId,
    type: i % 2 === 0 ? 'track.played' : 'episode.watched',
    occurredAt: new Date(Date.UTC(2026, 2, 1 + (i % 5), 12)).toISOString(),
    quantity: (i % 600) / 10 + 0.1,
    attributes: { trackId: `t-${i}`, device: 'phone', note: 'x'.repeat(320) },
  };
  const data = { v: 1, event, correlationId: `c-${i}`, receivedAt: new Date().toISOString() };
  const sequence = String(10n ** 20n + BigInt(i));
  return {
    eventID: `shardId-000000000000:${sequence}`,
    eventSource: 'aws:kinesis',
    kinesis: {
      sequenceNumber: sequence,
      partitionKey: userId,
      data: Buffer.from(JSON.stringify(data)).toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
  };
});
const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.kinesis.data, 'base64'), 0);

const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 5);
const result = await handler({ Records: records });
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({ rssBeforeMb: rssBefore / 2 ** 20, rssPeakMb: rssPeak / 2 ** 20, dataMb: bytes / 2 ** 20, failures: result.batchItemFailures.length })}\n`,
);
process.exit(0);
