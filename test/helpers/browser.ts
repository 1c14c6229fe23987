// Debian's Chromium driven by playwright-core for the browser tests (no browser is ever downloaded:
// .ci/run installs the distribution's chromium when it is absent). Playwright gives every launch a
// fresh temporary profile (its own --user-data-dir); the flags keep Chromium off the network.
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { ROOT } from './process.js';

export const CHROMIUM = process.env.STERILINK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install the distribution's package (apt-get install chromium) or set STERILINK_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** test-artifacts/<name>/ (gitignored): screenshots and PDFs a person can look at after a run. */
export function artifactDir(name: string): string {
  const dir = path.join(ROOT, 'test-artifacts', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Pages in a PDF written by Chromium (its page objects; the page tree itself is `/Type /Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/** The width and height of the first page, in points (A4 is 595 × 842). */
export function pdfPageSize(pdf: Buffer): [number, number] | null {
  const m = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  return m ? [Number(m[1]), Number(m[2])] : null;
}
