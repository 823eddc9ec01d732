/**
 * Wraps a function that opens something closable (a store, a fixture's run) so that everything
 * it opened is closed after each spec of the `describe` it is called in, whether the spec passed
 * or not.
 *
 * @example
 * ```ts
 * const open = closedAfterEach(testStore);
 * it('starts empty', async () => expect(await (await open()).headPosition()).to.equal(0));
 * ```
 */
export function closedAfterEach<A extends unknown[], T extends { close(): Promise<void> }>(open: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  const opened: T[] = [];
  afterEach(() => Promise.all(opened.splice(0).map((item) => item.close())));
  return async (...args) => {
    const item = await open(...args);
    opened.push(item);
    return item;
  };
}
