// The page's files, all shipped in the package (no CDN, no external font: an isolated hospital network
// must get the whole page from the gateway): the compiled browser modules (dist/web), the stylesheet
// and icon (web/static), uPlot's ES module and CSS (node_modules/uplot), and the record stylesheet.
// Read once at start into memory (≈ 200 kB); served by exact name only, so no path reaches the disk.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../../vocabulary/errors.js';
import { REPORT_CSS } from '../report/report-css.js';

export interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** The package root: three levels above dist/gateway/http, two above gateway/http (sources under vitest). */
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
}

function asset(type: string, body: Buffer): Asset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function addDir(out: Map<string, Asset>, dir: string, prefix: string, exts: readonly string[]): number {
  let n = 0;
  for (const name of fs.readdirSync(dir)) {
    const ext = path.extname(name);
    if (!exts.includes(ext)) continue;
    out.set(`${prefix}${name}`, asset(TYPES[ext] as string, fs.readFileSync(path.join(dir, name))));
    n++;
  }
  return n;
}

/** Every asset by its URL path under /assets/. Throws a GatewayError naming what is missing. */
export function loadAssets(root = packageRoot()): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const webDist = path.join(root, 'dist', 'web');
  const webStatic = path.join(root, 'web', 'static');
  try {
    if (addDir(out, webDist, '', ['.js']) === 0) throw new Error(`no .js files in ${webDist}`);
    addDir(out, webStatic, '', ['.css', '.svg', '.png']);
    const require = createRequire(import.meta.url);
    const uplotDir = path.dirname(require.resolve('uplot/dist/uPlot.esm.js'));
    out.set('vendor/uPlot.esm.js', asset(TYPES['.js'] as string, fs.readFileSync(path.join(uplotDir, 'uPlot.esm.js'))));
    out.set('vendor/uPlot.min.css', asset(TYPES['.css'] as string, fs.readFileSync(path.join(uplotDir, 'uPlot.min.css'))));
  } catch (e) {
    throw new GatewayError('http.assets', `the web page's files are missing (${(e as Error).message}); run \`npm run build\``, { root }, { cause: e });
  }
  out.set('record.css', asset(TYPES['.css'] as string, Buffer.from(REPORT_CSS, 'utf8')));
  return out;
}
