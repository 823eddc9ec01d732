import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleCompiler } from './module-compiler';
import { ModuleSyntaxError } from './module-syntax-error';
import type { SourceLocation } from './source-location';

/** Why a config module failed to load, and where in the application's code. */
export interface LoadFailure {
  /** What went wrong, in the words of the error. */
  readonly reason: string;
  /** The line it went wrong at, when the error tells. */
  readonly location?: SourceLocation;
}

const STACK_FRAME = /^\s*at (?:.* \()?(.+?):(\d+):(\d+)\)?$/;
const REQUIRE_STACK = /\nRequire stack:\n[\s\S]*$/;
// eventfold's own build: frames in it are how the error got out, not where the application went wrong.
const OWN_BUILD = resolve(__dirname, '..', '..');

/**
 * Tells why loading a config failed and, when it can, at which line of the application's files:
 * the line with a syntax error, or the line that threw. For an error thrown inside a package
 * (eventfold's own decorators, say) that is the application's line that called into it. Lines of
 * compiled files are traced back to their source through `compiler`'s source maps. For a syntax
 * error in line 7 of events.ts: `{ reason: 'syntax error: Expected ...', location: { file: '/app/events.ts', line: 7 } }`.
 */
export function describeLoadFailure(error: unknown, compiler: ModuleCompiler): LoadFailure {
  if (error instanceof ModuleSyntaxError) {
    const reason = `syntax error: ${error.reason}`;
    return error.line === undefined ? { reason: `${reason} in ${error.file}` } : { reason, location: { file: error.file, line: error.line } };
  }
  if (!(error instanceof Error)) return { reason: String(error) };
  const location = applicationFrame(error.stack ?? '', compiler);
  // Node lists the importing files after a missing module's name; the location names the one that matters.
  return { reason: location ? error.message.replace(REQUIRE_STACK, '') : error.message, location };
}

function applicationFrame(stack: string, compiler: ModuleCompiler): SourceLocation | undefined {
  for (const frame of stack.split('\n')) {
    const match = STACK_FRAME.exec(frame);
    if (!match) continue;
    const [, name, line, column] = match as unknown as [string, string, string, string];
    const file = name.startsWith('file://') ? fileURLToPath(name) : name;
    if (!isApplicationFile(file)) continue;
    return { file, line: compiler.sourceLine(file, Number(line), Number(column)) ?? Number(line) };
  }
  return undefined;
}

function isApplicationFile(file: string): boolean {
  return resolve(file) === file && !file.includes(`${sep}node_modules${sep}`) && !file.startsWith(OWN_BUILD + sep);
}
