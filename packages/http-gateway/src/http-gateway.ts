import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandler, Logger } from '@activity-history/handlers';
import { errorResponse, type HttpResponse, methodNotAllowed } from '@activity-history/handlers';
import { type ApiFunction, type ApiRoute, apiPathMethods, matchApiRoute } from './api-routes.js';
import { type GatewayClaims, gatewayRequestId, httpApiEventOf } from './http-api-event.js';

/**
 * API Gateway's own limit on a request's payload (10 MB): a larger body is refused at the edge,
 * before any function sees it. The ingest function refuses bodies over 1 MiB itself (413).
 */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A page served beside the API (`GET` only, without the authorizer): a dashboard, the OpenAPI
 * document, metrics, probes. It gets the request's headers to choose a representation (`Accept`).
 */
export type GatewayPage = (url: URL, headers: IncomingHttpHeaders) => HttpResponse | Promise<HttpResponse>;

/**
 * What the authorizer decided about one request: the claims the route's function gets, or the
 * response that refuses it (401 for no valid token, 403 for a token without the route's scopes).
 */
export type Authorization =
  | { readonly allowed: true; readonly jwt: GatewayClaims }
  | { readonly allowed: false; readonly response: HttpResponse };

/**
 * The gateway's authorizer: API Gateway's JWT authorizer in the runtime, local mode's token check
 * in local mode. Gets the route (its scopes) and the request's headers, names in lower case.
 */
export type GatewayAuthorizer = (
  route: ApiRoute,
  headers: ReadonlyMap<string, string>,
) => Authorization | Promise<Authorization>;

/** What the gateway needs. */
export interface HttpGatewayOptions {
  readonly functions: Readonly<Record<ApiFunction, HttpHandler>>;
  readonly authorize: GatewayAuthorizer;
  /** Pages by path, answered without the authorizer. */
  readonly pages: ReadonlyMap<string, GatewayPage>;
  readonly host: string;
  /** `0` picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /**
   * Whether the functions see the gateway's own address (`127.0.0.1:<port>`) as the API's domain
   * instead of the request's `Host`: the diagnosis then asks the API over loopback, as a container
   * behind an ingress cannot rely on reaching its public name, nor know its scheme. Default false.
   */
  readonly selfAddressed?: boolean;
}

/** The running gateway. */
export interface HttpGateway {
  /** `http://<host>:<port>` */
  readonly url: string;
  /** The port it listens on (the one picked, for port `0`). */
  readonly port: number;
  /** Stops taking requests, lets those in flight finish, then resolves. */
  close(): Promise<void>;
}

const send = (res: ServerResponse, response: HttpResponse, requestId: string, close: boolean): void => {
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
 * becomes a payload-2.0 event for the function of its route, authorized by the given authorizer,
 * and the function's result becomes the response (status, headers, body). Unknown paths answer 404
 * with the contract's error body, a known path asked with another method 405 with `Allow` (as the
 * deployed API's catch-all routes make the functions answer); bodies over the gateway's limit, 413.
 *
 * @example
 * ```ts
 * const gateway = await startHttpGateway({ functions: handlers, authorize, pages, host: '127.0.0.1', port: 3000, logger });
 * await gateway.close();
 * ```
 */
export const startHttpGateway = async (options: HttpGatewayOptions): Promise<HttpGateway> => {
  const limit = options.maxBodyBytes ?? GATEWAY_MAX_BODY_BYTES;
  const log = options.logger.child({ stage: 'gateway' });
  let port = 0;
  // Once closing, every response closes its connection: a keep-alive client would otherwise hold
  // the server open after its request in flight was answered.
  let closing = false;
  const reply = (res: ServerResponse, response: HttpResponse, requestId: string, close = false) =>
    send(res, response, requestId, close || closing);

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = gatewayRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://local.invalid');
    const page = method === 'GET' ? options.pages.get(url.pathname) : undefined;
    if (page !== undefined) {
      req.resume();
      reply(res, await page(url, req.headers), requestId);
      return;
    }
    const route = matchApiRoute(method, url.pathname);
    if (route === null) {
      req.resume();
      const allow = options.pages.has(url.pathname) ? ['GET'] : apiPathMethods(url.pathname);
      reply(
        res,
        allow.length > 0
          ? methodNotAllowed(method, url.pathname, allow)
          : errorResponse(404, 'not_found', `no route ${method} ${url.pathname}: see /openapi.json`),
        requestId,
      );
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      reply(res, tooLarge(limit), requestId, true);
      req.destroy();
      return;
    }
    const body = await readBody(req, limit);
    if (body === null) {
      reply(res, tooLarge(limit), requestId, true);
      req.destroy();
      return;
    }
    const headers = new Map(
      Object.entries(req.headers).flatMap(([name, value]) =>
        typeof value === 'string' ? [[name, value] as const] : [],
      ),
    );
    const authorization = await options.authorize(route, headers);
    if (!authorization.allowed) {
      reply(res, authorization.response, requestId);
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
      {
        requestId,
        now: Date.now(),
        host: options.selfAddressed === true ? `127.0.0.1:${port}` : (req.headers.host ?? options.host),
      },
    );
    reply(res, await options.functions[route.target](event, { awsRequestId: gatewayRequestId() }), requestId);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      // The functions turn their own faults into responses; reaching here is a bug of the server.
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'the request failed');
      if (!res.headersSent) {
        reply(res, errorResponse(500, 'internal_error', 'the gateway failed; see its log'), 'local');
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
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeIdleConnections();
      }),
  };
};
