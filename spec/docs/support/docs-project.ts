// The application the docs are checked in: a project with eventfold installed from its packed
// tarball, the README's tsconfig.json, @types/node (which the README says to add for Node.js's
// own modules), @types/better-sqlite3 and @types/pg (which docs/event-store.md and
// docs/scaling-postgres.md say to add to import those drivers) and the OpenTelemetry SDK packages
// of docs/observability.md, copied from the repository's own node_modules, and one source file per program of the docs and per TSDoc example. It is
// compiled once per compiler, and the programs run from what TypeScript 5 emitted.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Pool } from 'pg';
import { blockUnder } from '../../support/markdown-blocks';
import { compile, compilers, consumerFolder, packageRoot, packedInstallation } from '../../support/packed-package';
import { docPrograms, documentationFiles, type DocProgram } from './doc-programs';
import { where, type Origin, type SourceText } from './source-text';
import { TSDOC_CONTEXT } from './tsdoc-context';
import { exampleUnits } from './tsdoc-units';

/** A compiler's complaint, placed in the documentation file it is about when it can be. */
export interface CompileError {
  /** The line of the docs or of lib/ it is about; undefined for the project's own files. */
  readonly origin: Origin | undefined;
  /** `docs/events.md line 20: TS2304: Cannot find name 'store'.` */
  readonly text: string;
  /** Whether it is about the TSDoc examples (src/tsdoc/ of the project) rather than the Markdown's programs. */
  readonly tsdoc: boolean;
}

/** What a program did when it ran. */
export interface ProgramRun {
  /** Its exit code; null when it was killed. */
  readonly exitCode: number | null;
  /** Why it was killed, when it was. */
  readonly signal: NodeJS.Signals | null;
  /** What it printed through console.log, .info, .warn and .error, one entry per call. */
  readonly printed: readonly string[];
  readonly stderr: string;
}

/** A program may take this long; a program that has not exited by then left something running. */
export const RUN_TIMEOUT_MS = 60_000;
/** The docs' programs and TSDoc examples, in one project. */
export interface DocsProject {
  /** What is wrong with how the Markdown blocks say they fit together. */
  readonly problems: readonly string[];
  /** The installed `eventfold` command. */
  readonly bin: string;
  /** Compiles the whole project with one compiler, once: later calls share the result. */
  compile(compiler: Compiler): Promise<CompileError[]>;
  /** Runs one program of the docs (after TypeScript 5 compiled it), in an empty working folder of its own. */
  run(program: DocProgram, environment?: Record<string, string>): Promise<ProgramRun>;
}

type Compiler = (typeof compilers)[number];

let project: Promise<DocsProject> | undefined;

/** The docs project, written once per test run. */
export function docsProject(): Promise<DocsProject> {
  project ??= writeProject();
  return project;
}

const RECORDS_VARIABLE = 'EVENTFOLD_DOCS_PRINTED';

// Loaded into each program before it starts (`node --require`): records every console call.
const RECORD_CONSOLE = `'use strict';
const { appendFileSync } = require('node:fs');
const { format } = require('node:util');
for (const method of ['log', 'info', 'warn', 'error']) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    appendFileSync(process.env.${RECORDS_VARIABLE}, JSON.stringify(format(...args)) + '\\n');
    original(...args);
  };
}
`;

async function writeProject(): Promise<DocsProject> {
  const installation = await packedInstallation();
  const folder = await consumerFolder('module');
  const readme = join(packageRoot, 'README.md');
  const tsconfig = JSON.parse(blockUnder(readme, 'tsconfig.json', 'json').code) as { compilerOptions: Record<string, unknown> };
  writeFileSync(join(folder.path, 'tsconfig.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, types: ['node'] } }, null, 2));
  // The OpenTelemetry SDK packages that docs/observability.md installs, from the repository's dev dependencies.
  const openTelemetry = ['context-async-hooks', 'core', 'resources', 'sdk-metrics', 'sdk-trace', 'sdk-trace-base', 'semantic-conventions'].map(
    (name) => `@opentelemetry/${name}`,
  );
  for (const types of ['@types/node', 'undici-types', '@types/better-sqlite3', '@types/pg', ...openTelemetry]) {
    cpSync(join(packageRoot, 'node_modules', types), join(folder.path, 'node_modules', types), { recursive: true });
  }
  writeFileSync(join(folder.path, 'record-console.cjs'), RECORD_CONSOLE);

  const read = documentationFiles().map(docPrograms);
  const files = new Map<string, SourceText>();
  const write = (path: string, source: SourceText) => {
    mkdirSync(dirname(join(folder.path, path)), { recursive: true });
    writeFileSync(join(folder.path, path), source.text);
    files.set(path, source);
  };
  for (const program of read.flatMap((file) => file.programs)) write(`src/docs/${program.id}.${program.commonjs ? 'cts' : 'ts'}`, program.source);
  for (const example of exampleUnits(folder.path, installation)) write(`src/tsdoc/${example.id}.ts`, example.source);
  writeFileSync(join(folder.path, 'src', 'tsdoc', 'context.ts'), TSDOC_CONTEXT);

  const compiled = new Map<string, Promise<CompileError[]>>();
  const typescript5 = compilers[0];
  const compileOnce = (compiler: Compiler) => {
    // The programs run from what TypeScript 5 emits; the other compiler only checks.
    const made =
      compiled.get(compiler.name) ?? compile(compiler.tsc, folder.path, compiler === typescript5 ? [] : ['--noEmit']).then((text) => compileErrors(text, files));
    compiled.set(compiler.name, made);
    return made;
  };
  return {
    problems: read.flatMap((file) => file.problems),
    bin: join(installation, 'node_modules', 'eventfold', 'bin', 'eventfold.js'),
    compile: compileOnce,
    async run(program, environment = {}) {
      await compileOnce(typescript5);
      return runProgram(folder.path, join(folder.path, 'dist', 'docs', `${program.id}.${program.commonjs ? 'cjs' : 'js'}`), environment);
    },
  };
}

async function runProgram(project: string, script: string, environment: Record<string, string>): Promise<ProgramRun> {
  const cwd = mkdtempSync(join(project, 'run-'));
  const records = `${cwd}.printed`;
  writeFileSync(records, '');
  const outcome = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--require', join(project, 'record-console.cjs'), script],
      { cwd, env: { ...process.env, ...environment, [RECORDS_VARIABLE]: records }, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (_error, _stdout, stderr) => resolve({ exitCode: child.exitCode, signal: child.signalCode, stderr }),
    );
  });
  const printed = readFileSync(records, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string);
  return { ...outcome, printed };
}

/** Reads `tsc --pretty false` output: `src/docs/x.ts(12,5): error TS2304: …`, continued on indented lines. */
function compileErrors(output: string, files: ReadonlyMap<string, SourceText>): CompileError[] {
  const errors: CompileError[] = [];
  for (const line of output.split('\n')) {
    const head = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    const last = errors[errors.length - 1];
    if (!head) {
      if (last && line.trim() !== '') errors[errors.length - 1] = { ...last, text: `${last.text}\n${line}` };
      else if (line.trim() !== '') errors.push({ origin: undefined, text: line, tsdoc: false });
      continue;
    }
    const [, path = '', row = '0', , code = '', message = ''] = head;
    const source = files.get(path.replace(/\\/g, '/'));
    const origin = source?.origin(Number(row));
    const place = origin
      ? where(origin)
      : source
        ? `${path} line ${row} (an import the check adds)`
        : path.endsWith('tsdoc/context.ts')
          ? `spec/docs/support/tsdoc-context.ts, line ${row} of TSDOC_CONTEXT`
          : `${path} line ${row}`;
    errors.push({ origin, text: `${place}: ${code}: ${message}`, tsdoc: path.startsWith('src/tsdoc/') });
  }
  return errors;
}

/**
 * Runs `work` with the URL of a new, empty PostgreSQL database on the server `url` names, and
 * drops the database afterwards, so that what a docs program creates (a schema named `trading`,
 * say) never meets another run's.
 */
export async function withFreshDatabase<T>(url: string, work: (databaseUrl: string) => Promise<T>): Promise<T> {
  const name = `eventfold_docs_${process.pid}_${Date.now().toString(36)}`;
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`create database "${name}"`);
    const fresh = new URL(url);
    fresh.pathname = `/${name}`;
    try {
      return await work(fresh.toString());
    } finally {
      await pool.query(`drop database if exists "${name}" with (force)`);
    }
  } finally {
    await pool.end();
  }
}
