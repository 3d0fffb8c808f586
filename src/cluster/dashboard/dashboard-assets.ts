// The dashboard's static files: its page, script and style (static/ beside this file) and
// uPlot's from node_modules. They are read once, when the controller registers its routes, so
// a request never touches the disk and a missing or oversized file stops the controller at
// start instead of failing an operator later.

import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShoalError } from '../../core/errors.ts';
import { MAX_DASHBOARD_ASSET_BYTES } from '../../core/limits.ts';

/** Where the dashboard page is served. */
export const DASHBOARD_PATH = '/dashboard';

/** One file the dashboard serves: its URL path, content type and bytes. */
export interface DashboardAsset {
  readonly urlPath: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * Every dashboard file, read now; INVALID_CONFIG naming the file when one is missing,
 * unreadable or larger than MAX_DASHBOARD_ASSET_BYTES (a broken install).
 */
export function loadDashboardAssets(): readonly DashboardAsset[] {
  // Resolved through the package, not a path from the cwd, so any working folder works.
  const uplotDir = path.join(
    path.dirname(createRequire(import.meta.url).resolve('uplot/package.json')),
    'dist',
  );
  const files: readonly [string, string, string][] = [
    [DASHBOARD_PATH, path.join(STATIC_DIR, 'index.html'), HTML],
    [`${DASHBOARD_PATH}/app.js`, path.join(STATIC_DIR, 'app.js'), JS],
    [`${DASHBOARD_PATH}/app.css`, path.join(STATIC_DIR, 'app.css'), CSS],
    [`${DASHBOARD_PATH}/uplot.js`, path.join(uplotDir, 'uPlot.iife.min.js'), JS],
    [`${DASHBOARD_PATH}/uplot.css`, path.join(uplotDir, 'uPlot.min.css'), CSS],
  ];
  return files.map(([urlPath, file, contentType]) => ({
    urlPath,
    contentType,
    body: readBounded(file),
  }));
}

function readBounded(file: string): Buffer {
  let body: Buffer | null;
  try {
    // The size is checked before reading, so an oversized file is never read whole.
    body = statSync(file).size > MAX_DASHBOARD_ASSET_BYTES ? null : readFileSync(file);
  } catch (error) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `the dashboard file ${file} cannot be read (${String(error)}); reinstall Shoal (npm ci)`,
      { cause: error },
    );
  }
  if (body === null || body.length > MAX_DASHBOARD_ASSET_BYTES) {
    throw new ShoalError(
      'INVALID_CONFIG',
      `the dashboard file ${file} is over ${MAX_DASHBOARD_ASSET_BYTES} bytes; reinstall Shoal (npm ci)`,
    );
  }
  return body;
}
