import { parseArgs } from 'node:util';
import {
  type ApiAnswer,
  type ApiTarget,
  apiUrlOf,
  errorMessage,
  LOCAL_URL,
  readDiagnosis,
  readEventTrace,
  unreachable,
} from './api-client.js';
import type { CommandIo } from './demo-command.js';
import { diagnosisReport } from './diagnosis-report.js';
import { eventTraceReport } from './event-trace-report.js';

const USAGE = `usage: pnpm run doctor <userId> [--url ${LOCAL_URL}] [--token <bearer>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
       pnpm run doctor <userId> --event <eventId> [--url ...] [--token ...] [--json]

Prints the diagnosis of one user (GET /users/{userId}/diagnosis) of any deployment, or with
--event the trace of one of its events (GET /users/{userId}/events/{eventId}): stored or not, its
buckets, every quarantined arrival, its user-day counter, and where its logs are. The token needs
the scope activity/admin (also read from ACTIVITY_TOKEN). The URL: --url, else ACTIVITY_API_URL,
else local mode on PORT, else ${LOCAL_URL}. Exit code: 0 healthy or degraded (a trace: stored, its
counter agreeing), 1 failing (a trace: not stored, or its counter drifting), 2 when nothing could be
fetched (bad arguments, unreachable, refused).`;

/** Who is to blame when the diagnosis itself is refused, by the status it was refused with. */
const suspectOf = (status: number, what: string): string => {
  if (status === 401)
    return "the API's authorizer: the token is missing, expired or not from the issuer it trusts";
  if (status === 403) return `the token: it lacks the scope activity/admin the ${what} needs`;
  if (status === 404) return `the URL: no ${what} route there (is it the API of this deployment?)`;
  if (status >= 500) return 'the diagnose function, or the API in front of it';
  return 'the request: see the message above';
};

/**
 * `pnpm run doctor` (`pnpm doctor` is a pnpm command of its own): fetches one user's diagnosis and prints it as a readable report, or raw with
 * `--json`. Returns the exit code: 0 when the verdict is `healthy` or `degraded` (a warning should
 * not fail a script), 1 when it is `failing`, 2 when there is no diagnosis to show.
 *
 * @example
 * ```ts
 * process.exitCode = await runDoctor(['u-1', '--json'], { out: process.stdout, err: process.stderr }, process.env);
 * ```
 */
export const runDoctor = async (
  argv: readonly string[],
  io: CommandIo,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> => {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        event: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  try {
    parsed = parse();
  } catch (error) {
    io.err.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    io.err.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const userId = positionals[0]!;
  const api = apiUrlOf(values.url, env);
  const target: ApiTarget = {
    url: api.url,
    token: values.token ?? env.ACTIVITY_TOKEN ?? null,
  };
  if (values.event !== undefined) {
    if (values.from !== undefined || values.to !== undefined) {
      io.err.write(
        `doctor: --event takes no --from or --to: a trace looks at the event's own day\n${USAGE}\n`,
      );
      return 2;
    }
    return traceOne(target, api, userId, values.event, values.json === true, io);
  }
  const response = await fetched(target, api, 'diagnosis', io, () =>
    readDiagnosis(target, userId, { from: values.from, to: values.to }),
  );
  if (response === null) return 2;
  const diagnosis = response.body;
  io.out.write(values.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : diagnosisReport(diagnosis));
  return diagnosis.verdict === 'failing' ? 1 : 0;
};

/**
 * One answer the doctor shows, or `null` once it has said why there is none: the API did not
 * answer, or refused (and who is to blame).
 */
const fetched = async <Body>(
  target: ApiTarget,
  api: ReturnType<typeof apiUrlOf>,
  what: string,
  io: CommandIo,
  ask: () => Promise<ApiAnswer<Body>>,
): Promise<{ readonly body: Body } | null> => {
  let response: ApiAnswer<Body>;
  try {
    response = await ask();
  } catch (error) {
    io.err.write(
      `doctor: ${unreachable(api, error)}\nsuspect: the API itself: its endpoint does not answer\n`,
    );
    return null;
  }
  if (!response.ok) {
    io.err.write(
      `doctor: ${target.url} answered ${errorMessage(response)}\nsuspect: ${suspectOf(response.status, what)}\n`,
    );
    return null;
  }
  return response;
};

/** `doctor <userId> --event <eventId>`: the event trace, as a report or raw. */
const traceOne = async (
  target: ApiTarget,
  api: ReturnType<typeof apiUrlOf>,
  userId: string,
  eventId: string,
  json: boolean,
  io: CommandIo,
): Promise<number> => {
  const response = await fetched(target, api, 'event trace', io, () =>
    readEventTrace(target, userId, eventId),
  );
  if (response === null) return 2;
  const trace = response.body;
  io.out.write(json ? `${JSON.stringify(trace, null, 2)}\n` : eventTraceReport(trace));
  return trace.stored !== null && trace.counter?.agrees === true ? 0 : 1;
};
