import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The environment variable that names the Chromium the browser specs drive. */
export const CHROMIUM_VARIABLE = 'EVENTFOLD_CHROMIUM';

/** Where Debian's `chromium` package installs it. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Every page the specs open has this size, so that screenshots come out the same each run. */
export const VIEWPORT = { width: 1200, height: 800 } as const;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive: the one named by EVENTFOLD_CHROMIUM, else Debian's, else one on PATH. */
export function findChromium(): string | undefined {
  const named = process.env[CHROMIUM_VARIABLE];
  if (named) return named;
  if (isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(folder, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

let skipReported = false;

/**
 * The Chromium to drive, or undefined after printing (once per run) why the browser specs skip
 * and how to enable them.
 */
export function chromiumOrReportSkip(): string | undefined {
  const found = findChromium();
  if (found) return found;
  if (!skipReported) {
    skipReported = true;
    process.stdout.write(
      `Browser specs skipped: no Chromium found (install Debian's chromium package, e.g. apt-get install chromium, ` +
        `or set ${CHROMIUM_VARIABLE}=/path/to/chromium).\n`,
    );
  }
  return undefined;
}

/** What a browser spec drives: one page, reused by every spec of the file. */
export interface BrowserSession {
  readonly page: Page;
}

/**
 * Defines browser specs inside a `describe`: Chromium is launched once for them all, with one
 * page of a fixed size in UTC and English. Without a Chromium they are not defined, and a line
 * says how to enable them.
 */
export function describeInBrowser(title: string, define: (session: BrowserSession) => void): void {
  const executablePath = chromiumOrReportSkip();
  if (!executablePath) return;
  describe(title, function () {
    let browser: Browser | undefined;
    let context: BrowserContext | undefined;
    let page: Page | undefined;
    const session: BrowserSession = {
      get page() {
        if (!page) throw new Error('The browser is not running: session.page is only there inside specs.');
        return page;
      },
    };
    before(async function () {
      // Chromium's sandbox refuses to start as root, which is how containers often run.
      const asRoot = process.getuid?.() === 0;
      browser = await chromium.launch({ executablePath, headless: true, args: asRoot ? ['--no-sandbox'] : [] });
      context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC', colorScheme: 'light' });
      page = await context.newPage();
    });
    after(async () => {
      await context?.close();
      await browser?.close();
    });
    define(session);
  });
}
