import { userIdError } from '../activity-event-rules.js';
import { parseDiagnosisRange, type RangeParameters } from '../day-range.js';
import type { FieldError } from '../field-error.js';
import { err, ok, type Result } from '../result.js';
import { ADMIN_SCOPE, type Caller } from './caller.js';
import { type Diagnosis, type DiagnosisDependencies, diagnoseUser } from './diagnose-user.js';

/**
 * Why a diagnosis request is refused: a caller without {@link ADMIN_SCOPE} (403; a diagnosis shows
 * pipeline-wide figures, so even a user's own needs it), or a bad `userId` or window (400).
 */
export type DiagnosisRefusal =
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'invalid_parameter'; readonly errors: readonly FieldError[] };

/**
 * `GET /users/{userId}/diagnosis`: checks the caller, then the `userId` and the window (`from`,
 * `to`, nothing else), then answers with {@link diagnoseUser}. The caller is checked first, so a
 * caller who may not diagnose learns nothing about which requests would be valid.
 *
 * @example
 * ```ts
 * const result = await getDiagnosis('u-1', { from: '2026-01-01' }, caller, deps);
 * if (!result.ok && result.error.kind === 'forbidden') return forbidden(result.error.message);
 * ```
 */
export const getDiagnosis = async (
  userId: string,
  parameters: RangeParameters,
  caller: Caller,
  deps: DiagnosisDependencies,
): Promise<Result<Diagnosis, DiagnosisRefusal>> => {
  if (!caller.scopes.has(ADMIN_SCOPE)) {
    return err({ kind: 'forbidden', message: `a diagnosis needs the scope ${ADMIN_SCOPE}` });
  }
  const badUserId = userIdError(userId);
  if (badUserId !== null) return err({ kind: 'invalid_parameter', errors: [badUserId] });
  const range = parseDiagnosisRange(parameters, deps.clock.now());
  if (!range.ok) return err({ kind: 'invalid_parameter', errors: range.error });
  return ok(await diagnoseUser(userId, range.value, deps));
};
