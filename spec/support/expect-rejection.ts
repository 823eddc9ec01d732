import { expect } from 'chai';

/**
 * Awaits `action` and returns the error it failed with, asserting that it failed with an
 * instance of `errorClass`.
 */
export async function expectRejection<E extends Error>(action: Promise<unknown> | (() => unknown), errorClass: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    expect(error, `expected a ${errorClass.name}, got: ${String(error)}`).to.be.instanceOf(errorClass);
    return error as E;
  }
  expect.fail(`expected a ${errorClass.name}, but the call succeeded`);
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
