import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandler, Logger } from '@activity-history/handlers';
import { errorResponse, type HttpResponse, methodNotAllowed } from '@activity-history/handlers';
import {
  type ApiFunction,
  apiPathMethods,
  gatewayRequestId,
  httpApiEventOf,
  matchApiRoute,
} from './api-gateway-event.js';
import { localAuthorizer } from './local-authorizer.js';

/**
 * API Gateway's own limit on a request's payload (10 MB): a larger body is refused at the edge,
 * before any function sees it. The ingest function refuses bodies over 1 MiB itself (413).
 */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A page local mode serves beside the API (`GET` only): the dashboard, the OpenAPI document. It
 * gets the request's headers to choose a representation (`Accept`).
 */
export type LocalPage = (url: URL, headers: IncomingHttpHeaders) => HttpResponse | Promise<HttpResponse>;

/** What the local server needs. */
export interface LocalServerOptions {
  readonly functions: Readonly<Record<ApiFunction, HttpHandler>>;
  /** The bearer token requests must carry, or `null` for no token check. */
  readonly token: string | null;
  /** Pages by path, answered without the authorizer. */
  readonly pages: ReadonlyMap<string, LocalPage>;
  readonly host: string;
  /** `0` picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
}

/** The running server. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops taking requests, lets those in flight finish, then resolves. */
  close(): Promise<void>;
}

const send = (res: ServerResponse, response: HttpResponse, requestId: string, close = false): void => {
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.statusCode, {
    ...response.headers,
    'apigw-requestid': requestId,
    'content-length': String(body.byteLength),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
};

/** The request's body, or `null` once it passes `limit` bytes (the rest is not read). */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const tooLarge = (limit: number): HttpResponse =>
  errorResponse(413, 'payload_too_large', `the body is over ${limit} bytes, the gateway's limit`);

/**
 * Serves the HTTP API the way API Gateway's HTTP API would in front of the functions: each request
 * becomes a payload-2.0 event for the function of its route, authorized by the local authorizer,
 * and the function's result becomes the response (status, headers, body). Unknown paths answer 404
 * with the contract's error body, a known path asked with another method 405 with `Allow` (as the
 * deployed API's catch-all routes make the functions answer); bodies over the gateway's limit, 413.
 *
 * @example
 * ```ts
 * const server = await startLocalServer({ functions: handlers, token: null, pages, host: '127.0.0.1', port: 3000, logger });
 * await server.close();
 * ```
 */
export const startLocalServer = async (options: LocalServerOptions): Promise<LocalServer> => {
  const limit = options.maxBodyBytes ?? GATEWAY_MAX_BODY_BYTES;
  const authorize = localAuthorizer(options.token);
  const openAuthorize = localAuthorizer(null);
  const log = options.logger.child({ stage: 'gateway' });

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = gatewayRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://local.invalid');
    const page = method === 'GET' ? options.pages.get(url.pathname) : undefined;
    if (page !== undefined) {
      req.resume();
      send(res, await page(url, req.headers), requestId);
      return;
    }
    const route = matchApiRoute(method, url.pathname);
    if (route === null) {
      req.resume();
      const allow = options.pages.has(url.pathname) ? ['GET'] : apiPathMethods(url.pathname);
      send(
        res,
        allow.length > 0
          ? methodNotAllowed(method, url.pathname, allow)
          : errorResponse(404, 'not_found', `no route ${method} ${url.pathname}: see /openapi.json`),
        requestId,
      );
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      send(res, tooLarge(limit), requestId, true);
      req.destroy();
      return;
    }
    const body = await readBody(req, limit);
    if (body === null) {
      send(res, tooLarge(limit), requestId, true);
      req.destroy();
      return;
    }
    const headers = new Map(
      Object.entries(req.headers).flatMap(([name, value]) =>
        typeof value === 'string' ? [[name, value] as const] : [],
      ),
    );
    const authorization = (route.open ? openAuthorize : authorize)(headers);
    if (!authorization.allowed) {
      send(
        res,
        errorResponse(401, 'unauthorized', 'send Authorization: Bearer <ACTIVITY_LOCAL_TOKEN>'),
        requestId,
      );
      return;
    }
    const event = httpApiEventOf(
      {
        method,
        url: req.url ?? '/',
        headers: req.headers,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      },
      route,
      authorization.jwt,
      { requestId, now: Date.now(), host: req.headers.host ?? options.host },
    );
    send(res, await options.functions[route.target](event, { awsRequestId: gatewayRequestId() }), requestId);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      // The functions turn their own faults into responses; reaching here is a bug of the server.
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'the request failed');
      if (!res.headersSent) {
        send(res, errorResponse(500, 'internal_error', 'the local gateway failed; see its log'), 'local');
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeIdleConnections();
      }),
  };
};
