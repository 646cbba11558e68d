/**
 * The store side of the latency benchmark, in a process of its own so that the process bundle's
 * CPU can be read apart from the emulator's: dynalite, and in front of it an HTTP proxy that holds
 * every request for the current latency (network and service time, as on AWS), asks for the
 * capacity each request consumes, and counts requests and capacity. A refused conditional write
 * reports no capacity but is charged a write unit on AWS: the proxy adds it. It prints
 * `{ "proxy": "<url>", "direct": "<dynalite url>" }` on stdout, then serves until stdin closes.
 * `GET /__stats` answers its counts; `POST /__reset` clears them; `POST /__latency` with a number
 * of milliseconds as its body sets the latency of the requests that follow, so one run of the
 * bundle can alternate latencies batch by batch and a burst of load on the machine hits each.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDynamoDbClients, ensureTable } from '../../packages/adapters-aws/src/index.js';
import { emulatorConfig, startDynalite } from '../../packages/aws-emulators/src/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const table = process.argv[2] ?? 'bench-latency';

const dynalite = await startDynalite();
const { client } = createDynamoDbClients(emulatorConfig(dynalite.endpoint));
await ensureTable(client, table);
client.destroy();
const target = new URL(dynalite.endpoint);

interface Stats {
  requests: Record<string, number>;
  writeUnits: number;
  readUnits: number;
}

const proxy = () => {
  let stats: Stats = { requests: {}, writeUnits: 0, readUnits: 0 };
  let latency = 0;
  const server = createServer((incoming, outgoing) => {
    if (incoming.url === '/__stats') return void outgoing.end(JSON.stringify(stats));
    if (incoming.url === '/__reset') {
      stats = { requests: {}, writeUnits: 0, readUnits: 0 };
      return void outgoing.end('{}');
    }
    if (incoming.url === '/__latency') {
      const body: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => body.push(chunk));
      incoming.on('end', () => {
        latency = Number(Buffer.concat(body).toString());
        outgoing.end('{}');
      });
      return;
    }
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      stats.requests[operation] = (stats.requests[operation] ?? 0) + 1;
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      const data = Buffer.from(JSON.stringify({ ...body, ReturnConsumedCapacity: 'TOTAL' }));
      setTimeout(() => {
        const forward = request(
          {
            host: target.hostname,
            port: target.port,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, 'content-length': String(data.length) },
          },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => parts.push(chunk));
            answer.on('end', () => {
              const text = Buffer.concat(parts).toString();
              count(operation, text);
              outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
              outgoing.end(text);
            });
          },
        );
        forward.end(data);
      }, latency);
    });
  });
  const count = (operation: string, text: string) => {
    const answer = JSON.parse(text || '{}') as {
      __type?: string;
      ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
    };
    if (answer.__type?.endsWith('ConditionalCheckFailedException')) stats.writeUnits += 1;
    const consumed = [answer.ConsumedCapacity ?? []].flat();
    const units = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    if (/^(Put|Update|Delete|BatchWrite)/.test(operation)) stats.writeUnits += units;
    else stats.readUnits += units;
  };
  return new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
};

process.stdout.write(`${JSON.stringify({ proxy: await proxy(), direct: dynalite.endpoint })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await dynalite.stop();
  process.exit(0);
});
