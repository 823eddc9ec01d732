// The package as npm gives it to an application: `npm pack`, then `npm install` of the tarball
// into an empty project outside the repository, so that nothing resolves through the
// repository's own node_modules (its devDependencies, @types packages above all).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The repository's root folder, from build/spec/support. */
export const packageRoot = resolve(__dirname, '..', '..', '..');

/** The TypeScript compilers that consumers are checked with: the 5.x line and the 7.x line. */
export const compilers = [
  { name: 'TypeScript 5', tsc: join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc') },
  { name: 'TypeScript 7', tsc: join(packageRoot, 'node_modules', 'typescript-7', 'bin', 'tsc') },
] as const;

/** A project folder with eventfold installed from its packed tarball, and nothing else. */
export interface ConsumerProject {
  readonly path: string;
  remove(): void;
}

let installed: Promise<string> | undefined;

/**
 * Packs the built package and installs the tarball into a new folder, once per test run; each
 * caller gets the same installation (read-only by agreement: write your files into a subfolder
 * of your own, see {@link consumerFolder}).
 */
export function packedInstallation(): Promise<string> {
  installed ??= install();
  return installed;
}

/** A new subfolder of the packed installation, with a package.json of the given module type. */
export async function consumerFolder(type: 'commonjs' | 'module'): Promise<ConsumerProject> {
  const root = await packedInstallation();
  const path = mkdtempSync(join(root, `${type}-`));
  writeFileSync(join(path, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type }, null, 2));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs `tsc -p <folder>` (with `options`, such as `--noEmit`); resolves to its output, empty when it compiled without errors. */
export async function compile(tsc: string, folder: string, options: readonly string[] = []): Promise<string> {
  return run(process.execPath, [tsc, '-p', folder, '--pretty', 'false', ...options], { cwd: folder, maxBuffer: 16 * 1024 * 1024 }).then(
    () => '',
    (error: Error & { stdout?: string }) => error.stdout || error.message,
  );
}

async function install(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'eventfold-consumer-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  if (!existsSync(join(packageRoot, 'dist', 'cjs', 'index.js'))) throw new Error('eventfold is not built: run npm run build first.');
  const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { cwd: packageRoot });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'consumers', private: true }, null, 2));
  // Offline first: `npm ci` has put every dependency in npm's cache. Install scripts are skipped
  // and better-sqlite3's native module copied from the repository's own build (same version,
  // same Node.js), because compiling it again would take a minute per run and prove nothing
  // about eventfold.
  await run(npm, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(root, filename)], { cwd: root });
  const version = (folder: string) => (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }).version;
  const ours = join(packageRoot, 'node_modules', 'better-sqlite3');
  const theirs = join(root, 'node_modules', 'better-sqlite3');
  if (version(ours) === version(theirs)) cpSync(join(ours, 'build'), join(theirs, 'build'), { recursive: true });
  else await run(npm, ['rebuild', 'better-sqlite3'], { cwd: root });
  return root;
}
