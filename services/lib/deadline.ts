import { type ErrorCode, WardenError } from './errors.ts';

/**
 * Rejects with `code` when `promise` has not settled within `ms`. For calls to a dependency that
 * can hang rather than fail (a Kafka commit whose coordinator connection is stuck): an error makes
 * the caller's retry path run, a hang would stall it forever.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, code: ErrorCode, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WardenError(code, `${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
