import { parseArgs } from 'node:util';
import {
  type ApiTarget,
  apiUrlOf,
  errorMessage,
  LOCAL_URL,
  readDiagnosis,
  unreachable,
} from './api-client.js';
import type { CommandIo } from './demo-command.js';
import { diagnosisReport } from './diagnosis-report.js';

const USAGE = `usage: pnpm run doctor <userId> [--url ${LOCAL_URL}] [--token <bearer>] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Prints the diagnosis of one user (GET /users/{userId}/diagnosis) of any deployment. The token needs
the scope activity/admin (also read from ACTIVITY_TOKEN). The URL: --url, else ACTIVITY_API_URL,
else local mode on PORT, else ${LOCAL_URL}. Exit code: 0 healthy or degraded,
1 failing, 2 when no diagnosis could be fetched (bad arguments, unreachable, refused).`;

/** Who is to blame when the diagnosis itself is refused, by the status it was refused with. */
const suspectOf = (status: number): string => {
  if (status === 401)
    return "the API's authorizer: the token is missing, expired or not from the issuer it trusts";
  if (status === 403) return 'the token: it lacks the scope activity/admin the diagnosis needs';
  if (status === 404) return 'the URL: no diagnosis route there (is it the API of this deployment?)';
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
  let response: Awaited<ReturnType<typeof readDiagnosis>>;
  try {
    response = await readDiagnosis(target, userId, { from: values.from, to: values.to });
  } catch (error) {
    io.err.write(
      `doctor: ${unreachable(api, error)}\nsuspect: the API itself: its endpoint does not answer\n`,
    );
    return 2;
  }
  if (!response.ok) {
    io.err.write(
      `doctor: ${target.url} answered ${errorMessage(response)}\nsuspect: ${suspectOf(response.status)}\n`,
    );
    return 2;
  }
  const diagnosis = response.body;
  io.out.write(values.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : diagnosisReport(diagnosis));
  return diagnosis.verdict === 'failing' ? 1 : 0;
};
