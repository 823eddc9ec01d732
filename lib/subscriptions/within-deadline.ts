/**
 * `work`'s result, or `late` once `deadline` (milliseconds since 1970) passed first. `work` goes
 * on either way: this only stops waiting for it.
 */
export async function withinDeadline<T, L>(work: Promise<T>, deadline: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<L>((resolve) => (timer = setTimeout(() => resolve(late), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
