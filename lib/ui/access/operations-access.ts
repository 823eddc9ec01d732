import { timingSafeEqual } from 'node:crypto';

/** The cookie that carries the token once a browser opened `/?token=...`. */
export const TOKEN_COOKIE = 'eventfold_token';

/** Whether a request may run an operation, and if not, the answer it gets. */
export type Access = { readonly granted: true } | { readonly granted: false; readonly status: 401 | 403; readonly message: string };

/**
 * Decides whether a request may run an operation: never when the browser was started without
 * operations (403), and otherwise only with the token, given as a bearer token or in the cookie
 * (401 without it). Tokens are compared in constant time.
 */
export function operationAccess(operationsToken: string | undefined, authorization: string | undefined, cookieToken: string | undefined): Access {
  if (operationsToken === undefined) {
    return {
      granted: false,
      status: 403,
      message: 'This event browser is read-only. Start it with operations enabled (eventfold ui --operations) to retry, discard and resume.',
    };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (sameToken(bearer, operationsToken) || sameToken(cookieToken, operationsToken)) return { granted: true };
  return {
    granted: false,
    status: 401,
    message:
      'This operation needs the token printed when the browser started: open the address printed with it (it ends in ?token=...), or send Authorization: Bearer <token>.',
  };
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
