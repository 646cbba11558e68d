export { type HandlerSettings, TOKENS } from './composition/tokens.js';
export { createHandlers, type HandlerPorts, type Handlers } from './create-handlers.js';
export { ConfigurationError } from './errors.js';
export { createDiagnoseHandler, type DiagnoseHandlerDependencies } from './handlers/diagnose-handler.js';
export { httpHistoryApi } from './handlers/http-history-api.js';
export { createIngestHandler, type IngestHandlerDependencies } from './handlers/ingest-handler.js';
export {
  type BatchOrigin,
  incomingRecords,
  invokeAsEventSource,
  kinesisBatchEvent,
} from './handlers/kinesis-records.js';
export {
  createProcessHandler,
  type ProcessHandler,
  type ProcessHandlerDependencies,
} from './handlers/process-handler.js';
export { createQueryHandler, type QueryHandlerDependencies } from './handlers/query-handler.js';
export {
  callerOf,
  callerOfJwt,
  type HttpApiEvent,
  type HttpRequest,
  MAX_BODY_BYTES,
  readHttpRequest,
  readJsonBody,
} from './http/http-request.js';
export {
  type ErrorCode,
  errorResponse,
  type HttpResponse,
  jsonResponse,
  methodNotAllowed,
} from './http/http-response.js';
export { METRICS_WINDOW_BOUNDS, requestedWindowMs } from './http/metrics-window.js';
export { openApiDocument } from './http/openapi.js';
export { type AuthenticatedRequest, type HttpHandler, type HttpRoute, serveHttp } from './http/serve-http.js';
export type { InvocationContext, ObservabilityDependencies } from './observability/invocation.js';
export { createLogger, type Logger } from './observability/logger.js';
