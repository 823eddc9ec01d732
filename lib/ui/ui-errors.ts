import { EventfoldError } from '../errors/eventfold-error';

/** The event browser's server could not listen on the address asked for. */
export class BrowserListenError extends EventfoldError {
  readonly code = 'EVENTFOLD_UI_LISTEN_FAILED';

  constructor(
    /** The host asked for. */
    readonly host: string,
    /** The port asked for. */
    readonly port: number,
    /** Why, as the system said it. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `The event browser cannot listen on ${host}:${port}: ${reason}. Choose another port with --port <n> (0 picks a free one), or stop what uses this one.`,
      options,
    );
  }
}
