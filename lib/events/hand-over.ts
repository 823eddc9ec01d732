/**
 * What a compiled codec answers for a value it does not reproduce class-transformer's result
 * for exactly: anything but the plain shapes it was compiled for, and anything the checks on the
 * way to the log might refuse. The caller then hands the whole event to class-transformer and
 * its checks, which give the result, or the error, that they always gave.
 */
export const HAND_OVER: unique symbol = Symbol('hand over to class-transformer');

/** {@link HAND_OVER}'s type. */
export type HandOver = typeof HAND_OVER;
