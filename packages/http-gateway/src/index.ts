/**
 * The HTTP front of activity-history outside AWS: a Node HTTP server presenting the functions as
 * API Gateway's HTTP API would (routes, payload-2.0 events, 404/405/413 at the edge), with an
 * authorizer hook. Local mode runs it with its token check, the container runtime with JWT
 * verification.
 *
 * @example
 * ```ts
 * import { startHttpGateway } from '@activity-history/http-gateway';
 *
 * const gateway = await startHttpGateway({ functions: handlers, authorize, pages: new Map(), host: '127.0.0.1', port: 0, logger });
 * await gateway.close();
 * ```
 *
 * @packageDocumentation
 */
export { type ApiFunction, type ApiRoute, apiPathMethods, matchApiRoute } from './api-routes.js';
export {
  type GatewayClaims,
  gatewayRequestId,
  httpApiEventOf,
  type RawRequest,
} from './http-api-event.js';
export {
  type Authorization,
  GATEWAY_MAX_BODY_BYTES,
  type GatewayAuthorizer,
  type GatewayPage,
  type HttpGateway,
  type HttpGatewayOptions,
  startHttpGateway,
} from './http-gateway.js';
