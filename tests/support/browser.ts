/// <reference lib="dom" />
/**
 * The console in a real Chromium (Debian's, driven by playwright-core): one browser per test file,
 * a fresh context (no shared state) per page, axe-core for accessibility. Screenshots land in
 * tests/artifacts/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { REQUEST_WAIT_MS } from '../../tools/local/cold-start.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** .ci/run installs Chromium; on a machine without it the browser tests say so and do not run. */
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = 'tests/artifacts';
export const VIEWPORTS = [
  { name: 'phone', width: 360, height: 780 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;
export type Viewport = (typeof VIEWPORTS)[number];

/** Starts one Chromium for the file's tests. */
export function useBrowser() {
  const state = { browser: undefined as unknown as Browser };
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    state.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(() => state.browser?.close());
  return state;
}

export interface Opened {
  page: Page;
  /** Script errors and CSP refusals seen so far: a page without faults leaves it empty. */
  problems: string[];
}

/** A fresh context at a viewport, on `path` of the gateway; `clock`: the page's timers under the test's control. */
export async function openPage(browser: Browser, baseURL: string, viewport: Viewport, { path = '/', clock = false } = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport, baseURL });
  context.setDefaultTimeout(REQUEST_WAIT_MS); // Playwright's waits catch a hang too, not a busy machine (its default is 30 s)
  if (clock) await context.clock.install();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (m) => m.type() === 'error' && /Refused to|Content Security Policy/.test(m.text()) && problems.push(m.text()));
  await page.goto(path);
  return { page, problems };
}

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical findings on the page as it is. The script is evaluated through the
 * DevTools protocol, which the page's CSP (script-src 'self') does not govern, so the page keeps its CSP.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe-core is injected above and has no types in the page
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export async function expectAccessible(page: Page) {
  expect(await axeViolations(page)).toEqual([]);
}
