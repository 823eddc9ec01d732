import { EventfoldError } from '../../errors/eventfold-error';
import type { SourceLocation } from './source-location';

/** No config module was found: neither the `--config` file nor a default one in the folder. */
export class ConfigNotFoundError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_CONFIG_NOT_FOUND';

  constructor(
    /** The file given with `--config`, or the default names looked for. */
    readonly tried: readonly string[],
    /** The folder the default names were looked for in, when no `--config` was given. */
    readonly folder?: string,
  ) {
    super(
      folder === undefined
        ? `Config file ${tried[0]} does not exist. Check the path given to --config.`
        : `No eventfold config in ${folder} (looked for ${tried.join(', ')}). ` +
            'Create eventfold.config.ts exporting defineConfig({ ... }) as default, or pass --config <file>.',
    );
  }
}

/**
 * The config module could not be loaded (it, or a file it imports, has a syntax error or throws),
 * or it does not export a valid {@link EventfoldConfig}.
 */
export class ConfigInvalidError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_CONFIG_INVALID';
  /** The line of the application's code where loading failed, when it is known. */
  readonly location: SourceLocation | undefined;

  constructor(
    /** The config file. */
    readonly file: string,
    /** What is wrong with it. */
    readonly problem: string,
    options: { cause?: unknown; location?: SourceLocation } = {},
  ) {
    super(`Config ${file} ${problem}`, { cause: options.cause });
    this.location = options.location;
  }
}
