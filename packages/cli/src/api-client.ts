/**
 * How the command-line tools call a deployment's HTTP API: the base URL, a bearer token when the
 * deployment checks one, and JSON in and out.
 */
export interface ApiTarget {
  /** The API's base URL, without a trailing slash. */
  readonly url: string;
  readonly token: string | null;
}

/** The default target: local mode on its default port. */
export const LOCAL_URL = 'http://127.0.0.1:3000';

/** A response read as JSON (`null` when the body is not JSON). */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * Calls the API and reads the JSON body. Throws only when the API cannot be reached.
 *
 * @example
 * ```ts
 * const { status, body } = await callApi({ url: LOCAL_URL, token: null }, 'GET', '/health');
 * ```
 */
export const callApi = async (
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<JsonResponse> => {
  const response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(target.token === null ? {} : { authorization: `Bearer ${target.token}` }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): the status says enough, and callers show it.
  }
  return { status: response.status, headers: response.headers, body: parsed };
};

/**
 * The message of an error body of the contract, or a description of whatever came back.
 *
 * @example
 * ```ts
 * errorMessage(response); // '403 forbidden: a diagnosis needs the scope activity/admin'
 * ```
 */
export const errorMessage = (response: JsonResponse): string => {
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.message === 'string'
    ? `${response.status} ${String(error.code)}: ${error.message}`
    : `HTTP ${response.status}`;
};
