import { EventfoldError } from '../../errors/eventfold-error';

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

/** The config module could not be loaded, or does not export a valid {@link EventfoldConfig}. */
export class ConfigInvalidError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_CONFIG_INVALID';

  constructor(
    /** The config file. */
    readonly file: string,
    /** What is wrong with it. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Config ${file} ${problem}`, options);
  }
}

/** A TypeScript config was given but the `typescript` package cannot be found to compile it. */
export class TypeScriptNotFoundError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_TYPESCRIPT_MISSING';

  constructor(
    /** The TypeScript config file. */
    readonly file: string,
  ) {
    super(
      `Cannot load ${file}: the typescript package is not installed in this project. ` +
        'Install it (npm install --save-dev typescript), or point --config at the compiled JavaScript config.',
    );
  }
}
