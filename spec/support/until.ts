/**
 * Waits until `condition` holds, checking it every few milliseconds, and fails naming `what`
 * did not happen when it still does not hold after `timeoutMs`.
 *
 * For a state that no event announces (a row another process writes, a file it appends to, the
 * clock). Where a promise or a message says that something happened, await that instead. The
 * timeout only bounds how long a failing spec takes: a passing one never depends on it.
 *
 * @example
 * ```ts
 * await until(() => dispatcher.stats()[0].state === 'standby', 'the subscriber never stood by');
 * ```
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === 'string' ? what : what()} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
