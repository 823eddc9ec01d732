import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Set to `docs` to also write the screenshots into docs/ui/ (what `npm run screenshots` does). */
export const SCREENSHOTS_VARIABLE = 'EVENTFOLD_UI_SCREENSHOTS';

// Specs run compiled from build/spec/support, three folders below the project.
const projectRoot = resolve(__dirname, '..', '..', '..');

/**
 * Saves what `page` shows as `<name>.png` in build/screenshots/, and in docs/ui/ when
 * EVENTFOLD_UI_SCREENSHOTS=docs, so the images in the docs are those the specs checked.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const folders = [join(projectRoot, 'build', 'screenshots')];
  if (process.env[SCREENSHOTS_VARIABLE] === 'docs') folders.push(join(projectRoot, 'docs', 'ui'));
  const image = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  for (const folder of folders) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${name}.png`), image);
  }
}
