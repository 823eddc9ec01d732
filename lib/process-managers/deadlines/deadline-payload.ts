import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { checkExactJson, isExactNumber } from '../../events/exact-json';
import { parseJsonSafely } from '../../events/safe-json';
import { describeValue } from '../../store/describe-value';

/**
 * Turns a deadline's payload into the JSON text stored with it, refusing what JSON would not give
 * back unchanged when the deadline is delivered: functions, bigints, symbols, NaN and infinities,
 * -0, Dates, Maps and other class instances, holes and `undefined` in arrays. The deadline's
 * process manager could not tell, at delivery, that what it scheduled had changed on the way.
 *
 * Two things JSON drops are taken as meaning nothing: an `undefined` payload (no payload: it is
 * delivered as `null`) and object fields set to `undefined` (delivered unset), as eventfold's
 * metadata does.
 *
 * @example
 * ```ts
 * encodeDeadlinePayload({ orderId: 'o-1', limit: 101.5 }, "deadline 'expire'"); // '{"orderId":"o-1","limit":101.5}'
 * encodeDeadlinePayload({ at: new Date() }, "deadline 'expire'"); // throws InvalidArgumentError naming `deadline 'expire' payload.at`
 * ```
 * @throws {@link InvalidArgumentError} naming `deadline` and the path of what cannot be stored.
 */
export function encodeDeadlinePayload(payload: unknown, deadline: string): string {
  const argument = `${deadline} payload`;
  switch (typeof payload) {
    case 'undefined':
      return 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(payload);
    case 'number':
      if (!isExactNumber(payload))
        throw new InvalidArgumentError(
          argument,
          `${describeValue(payload)} is not a number JSON gives back unchanged. Store a finite number other than -0, or a string.`,
        );
      return JSON.stringify(payload);
    case 'object':
      if (payload !== null) checkExactJson(payload, { mode: 'metadata', argument });
      return JSON.stringify(payload);
    default:
      throw new InvalidArgumentError(
        argument,
        `it is a ${typeof payload} (${describeValue(payload)}), which JSON cannot hold. Store a string, number, boolean, null, array or plain object.`,
      );
  }
}

/** The payload of a stored deadline, as it was scheduled. */
export function decodeDeadlinePayload(text: string): unknown {
  return parseJsonSafely(text);
}
