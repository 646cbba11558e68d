import type {
  AcceptedItem,
  ActivityHistoryBody,
  DiagnosisBody,
  EventTrace,
  FailedItem,
  HealthBody,
  RejectedItem,
} from '@activity-history/core';

/**
 * How the command-line tools (and the end-to-end tests) call a deployment's HTTP API: the base
 * URL, a bearer token when the deployment checks one, and JSON in and out.
 */
export interface ApiTarget {
  /** The API's base URL, without a trailing slash. */
  readonly url: string;
  readonly token: string | null;
  /** Headers sent with every request (local mode reads the caller from `x-activity-subject` / `-scopes`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The default target: local mode on its default port. */
export const LOCAL_URL = 'http://127.0.0.1:3000';

/** The API's base URL, and where it was taken from (for a message when it cannot be reached). */
export interface ApiUrl {
  readonly url: string;
  readonly from: '--url' | 'ACTIVITY_API_URL' | 'PORT' | 'default';
}

/**
 * Which API the tools call: `--url`, else `ACTIVITY_API_URL`, else local mode on `PORT` (as
 * `pnpm start` reads it), else local mode's default port.
 *
 * @example
 * ```ts
 * apiUrlOf(undefined, { PORT: '3100' }); // { url: 'http://127.0.0.1:3100', from: 'PORT' }
 * ```
 */
export const apiUrlOf = (
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ApiUrl => {
  const set = (value: string | undefined) => (value?.trim() ?? '') !== '';
  if (set(flag)) return { url: flag!.trim(), from: '--url' };
  if (set(env.ACTIVITY_API_URL)) return { url: env.ACTIVITY_API_URL!.trim(), from: 'ACTIVITY_API_URL' };
  if (set(env.PORT)) return { url: `http://127.0.0.1:${env.PORT!.trim()}`, from: 'PORT' };
  return { url: LOCAL_URL, from: 'default' };
};

/**
 * Why the API at `api` could not be reached, naming the URL, where it came from and how to set it.
 *
 * @example
 * ```ts
 * unreachable({ url: LOCAL_URL, from: 'default' }, new Error('fetch failed'));
 * ```
 */
export const unreachable = (api: ApiUrl, error: unknown): string => {
  const origin = api.from === 'default' ? "local mode's default port" : api.from;
  return (
    `cannot reach ${api.url} (from ${origin}): ${error instanceof Error ? error.message : String(error)}; ` +
    'give the API with --url <base URL> or ACTIVITY_API_URL, or the local port with PORT'
  );
};

/** A response read as JSON (`null` when the body is not JSON). */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** An error body of the contract: `{ error: { code, message } }`, details beside it. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * A `GET` answered: the contract's 200 body, typed; or any other status with whatever came back
 * (an error body of the contract, a proxy's page as `null`).
 */
export type ApiAnswer<Body> =
  | { readonly ok: true; readonly status: 200; readonly headers: Headers; readonly body: Body }
  | { readonly ok: false; readonly status: number; readonly headers: Headers; readonly body: unknown };

/**
 * Every field an answer to `POST /activities` holds: 202 `accepted` and `rejected`; 400 `error`
 * and `rejected`; 503 `error`, `accepted`, `failed` and `rejected`; other statuses `error`.
 */
export interface IngestAnswerBody {
  readonly accepted?: readonly AcceptedItem[];
  readonly rejected?: readonly RejectedItem[];
  readonly failed?: readonly FailedItem[];
  readonly error?: ErrorBody['error'];
}

/** An answer to `POST /activities`; `body` is `null` when it is not JSON. */
export interface IngestAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: IngestAnswerBody | null;
}

/** `from` and `to` of a history or a diagnosis, `YYYY-MM-DD`; absent ones take the API's defaults. */
export interface WindowParameters {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

// JSON.parse's result, untyped on purpose: the readers below give it the type the contract (and
// the OpenAPI document the handler tests validate every answer against) says the status carries.
const parseJson = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough, and callers show it.
    return null;
  }
};

const send = async (target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown) => {
  const response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(target.token === null ? {} : { authorization: `Bearer ${target.token}` }),
      ...target.headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, json: parseJson(await response.text()) };
};

const answer = async <Body>(target: ApiTarget, path: string): Promise<ApiAnswer<Body>> => {
  const { status, headers, json } = await send(target, 'GET', path);
  return status === 200
    ? { ok: true, status, headers, body: json }
    : { ok: false, status, headers, body: json };
};

const query = (parameters: Readonly<Record<string, string | undefined>>): string => {
  const defined = Object.entries(parameters).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined)}`;
};

const userPath = (userId: string, resource: 'activity' | 'diagnosis') =>
  `/users/${encodeURIComponent(userId)}/${resource}`;

/**
 * Calls the API and reads the JSON body, untyped. Throws only when the API cannot be reached.
 *
 * @example
 * ```ts
 * const { status, body } = await callApi({ url: LOCAL_URL, token: null }, 'GET', '/openapi.json');
 * ```
 */
export const callApi = async (
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<JsonResponse> => {
  const { status, headers, json } = await send(target, method, path, body);
  return { status, headers, body: json };
};

/**
 * `POST /activities` with `{ events }`. Throws only when the API cannot be reached.
 *
 * @example
 * ```ts
 * const { status, body } = await postActivities(target, events);
 * if (status === 202) body?.accepted;
 * ```
 */
export const postActivities = async (
  target: ApiTarget,
  events: readonly unknown[],
): Promise<IngestAnswer> => {
  const { status, headers, json } = await send(target, 'POST', '/activities', { events });
  return { status, headers, body: json };
};

/**
 * `GET /users/{userId}/activity`, with any of its query parameters.
 *
 * @example
 * ```ts
 * const history = await readHistory(target, 'u-1', { from: '2026-01-01', granularity: 'month' });
 * if (history.ok) history.body.totals.count;
 * ```
 */
export const readHistory = (
  target: ApiTarget,
  userId: string,
  parameters: Readonly<Record<string, string | undefined>> = {},
): Promise<ApiAnswer<ActivityHistoryBody>> =>
  answer(target, `${userPath(userId, 'activity')}${query(parameters)}`);

/**
 * `GET /users/{userId}/diagnosis` over a window (the token needs `activity/admin`).
 *
 * @example
 * ```ts
 * const diagnosis = await readDiagnosis(target, 'u-1', { from: '2026-01-01' });
 * if (diagnosis.ok) diagnosis.body.checks.find((check) => check.id === 'counters')?.data;
 * ```
 */
export const readDiagnosis = (
  target: ApiTarget,
  userId: string,
  window: WindowParameters = {},
): Promise<ApiAnswer<DiagnosisBody>> =>
  answer(target, `${userPath(userId, 'diagnosis')}${query({ from: window.from, to: window.to })}`);

/**
 * `GET /users/{userId}/events/{eventId}`: where one event is (the token needs `activity/admin`).
 *
 * @example
 * ```ts
 * const trace = await readEventTrace(target, 'u-1', 'e-1');
 * if (trace.ok && trace.body.stored === null) trace.body.quarantined[0]?.reason;
 * ```
 */
export const readEventTrace = (
  target: ApiTarget,
  userId: string,
  eventId: string,
): Promise<ApiAnswer<EventTrace>> =>
  answer(target, `/users/${encodeURIComponent(userId)}/events/${encodeURIComponent(eventId)}`);

/**
 * `GET /health`, over the service's window or `windowMs`.
 *
 * @example
 * ```ts
 * const health = await readHealth(target);
 * if (health.ok && health.body.stages !== null) health.body.stages.store.data.throttled;
 * ```
 */
export const readHealth = (target: ApiTarget, windowMs?: number): Promise<ApiAnswer<HealthBody>> =>
  answer(target, `/health${query({ windowMs: windowMs === undefined ? undefined : String(windowMs) })}`);

const isErrorBody = (body: unknown): body is ErrorBody => {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body;
  return (
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
  );
};

/**
 * The message of an error body of the contract, or a description of whatever came back.
 *
 * @example
 * ```ts
 * errorMessage(response); // '403 forbidden: a diagnosis needs the scope activity/admin'
 * ```
 */
export const errorMessage = (response: { readonly status: number; readonly body: unknown }): string =>
  isErrorBody(response.body)
    ? `${response.status} ${String(response.body.error.code)}: ${response.body.error.message}`
    : `HTTP ${response.status}`;
