/** The scope that lets a trusted producer write events for any user. */
export const INGEST_SCOPE = 'activity/ingest';
/** The scope that lets an operator read any user's history and diagnosis. */
export const ADMIN_SCOPE = 'activity/admin';

/**
 * Who is calling, as the authorizer established it: the token's subject and scopes.
 *
 * @example
 * ```ts
 * const caller: Caller = { subject: 'u-1', scopes: new Set(['activity/ingest']) };
 * ```
 */
export interface Caller {
  readonly subject: string | null;
  readonly scopes: ReadonlySet<string>;
}

/**
 * Whether the caller may act on `userId`'s data: its own, or anyone's with `scope`.
 *
 * @example
 * ```ts
 * mayActFor(caller, 'u-2', ADMIN_SCOPE);
 * ```
 */
export const mayActFor = (caller: Caller, userId: string, scope: string): boolean =>
  caller.scopes.has(scope) || (caller.subject !== null && caller.subject === userId);
