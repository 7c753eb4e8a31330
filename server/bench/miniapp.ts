// Mini App: the initial JavaScript a first visit downloads (gzip, as the build reports it) and the time until the Tasks
// screen shows a user's tasks in Chromium on localhost — a cold load (new browser context, empty cache) each time,
// against the server while it runs every stored task.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineSession } from './engine.ts';
import { loadAverage, percentile } from './stack.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The launch flags of miniapp/playwright.config.ts (Debian's Chromium, headless, no background traffic). */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface MiniAppResult {
  scenario: 'miniapp';
  initialJsGzipKb: number;
  initialJsFiles: number;
  buildLine: string;
  loads: number;
  tasksShown: number;
  firstRenderMs: number[];
  firstRenderP50Ms: number;
  firstRenderMaxMs: number;
  firstContentfulPaintP50Ms: number;
  loadAverage: number[];
  pass: { size: boolean; render: boolean };
}

// Page scripts as text: this package is type-checked without the DOM library.
/** The moment the first task card is in the DOM, on the page's own clock (ms since navigation start). */
const MARK_FIRST_TASK_CARD = `
  const observer = new MutationObserver(() => {
    if (window.__tasksAt === undefined && document.querySelector('[data-testid="task-card"]')) {
      window.__tasksAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });`;
const READ_MEASUREMENTS = `({
  at: window.__tasksAt ?? NaN,
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
  cards: document.querySelectorAll('[data-testid="task-card"]').length,
})`;

interface Page {
  addInitScript(script: { content: string }): Promise<void>;
  goto(url: string): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  evaluate<T>(expression: string): Promise<T>;
}
interface Browser {
  newContext(options: { viewport: { width: number; height: number } }): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function runMiniApp(session: EngineSession, loads = 5): Promise<MiniAppResult> {
  const build = spawnSync('pnpm', ['-C', 'miniapp', 'run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  const buildLine = (build.stdout ?? '').split('\n').find((l) => l.startsWith('initial JS:')) ?? '';
  if (build.status !== 0 || !buildLine) throw new Error(`the Mini App build failed:\n${(build.stdout ?? '').slice(-2000)}${build.stderr}`);
  const [, kb, files] = buildLine.match(/initial JS: ([\d.]+) kB gzip in (\d+) file/) ?? [];

  const require = createRequire(path.join(repoRoot, 'miniapp', 'package.json'));
  const { chromium } = require('@playwright/test') as {
    chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
  };
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const user = session.bulkUsers[1]!;
  const renders: number[] = [];
  const paints: number[] = [];
  let tasksShown = 0;
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 400, height: 800 } });
      const page = await context.newPage();
      // The moment the first task card is in the DOM, on the page's own clock (ms since navigation start).
      await page.addInitScript({ content: MARK_FIRST_TASK_CARD });
      await page.goto(`${session.server.url}/?devUserId=${user}&devFirstName=Bench&theme=light`);
      await page.waitForSelector('[data-testid="task-card"]', { timeout: 15_000 });
      const measured = await page.evaluate<{ at: number; fcp: number; cards: number }>(READ_MEASUREMENTS);
      renders.push(Math.round(measured.at));
      paints.push(Math.round(measured.fcp));
      tasksShown = measured.cards;
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const initialJsGzipKb = Number(kb);
  const max = Math.max(...renders);
  return {
    scenario: 'miniapp',
    initialJsGzipKb,
    initialJsFiles: Number(files),
    buildLine,
    loads,
    tasksShown,
    firstRenderMs: renders,
    firstRenderP50Ms: percentile(renders, 50),
    firstRenderMaxMs: max,
    firstContentfulPaintP50Ms: percentile(paints, 50),
    loadAverage: loadAverage(),
    pass: { size: initialJsGzipKb <= 150, render: max < 1_000 },
  };
}
