#!/usr/bin/env node
// `pnpm test`: every vitest project, then the Mini App build and the Playwright suite in Chromium.
// Sums the runners' JSON reports into one closing line: `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(path.join(results, 'screenshots'), { recursive: true });

const run = (cmd, args, options = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options }).status ?? 1;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

// 1. Unit and integration tests (shared, server, miniapp).
const vitestJson = path.join(results, 'vitest.json');
const vitestStatus = run('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
  // A suite whose beforeAll/afterAll failed or timed out reports no failed test (and vitest may still exit 0): count it.
  for (const file of vitest.testResults ?? []) {
    if (file.status === 'failed' && !file.assertionResults?.some((a) => a.status === 'failed'))
      problems.push(`${path.relative(root, file.name)}: the suite failed outside its tests (a hook or loading)`);
  }
  if (vitestStatus !== 0 && vitest.numFailedTests === 0 && problems.length === 0)
    problems.push(`vitest exited ${vitestStatus} (a suite failed to load or a hook failed)`);
} else {
  problems.push('vitest wrote no report');
}

// 2. Browser tests against the built Mini App.
const buildStatus = run('pnpm', ['-C', 'miniapp', 'run', 'build']);
if (buildStatus !== 0) {
  problems.push('the Mini App build failed');
} else {
  const playwrightJson = path.join(results, 'playwright.json');
  const playwrightStatus = run('pnpm', ['-C', 'miniapp', 'exec', 'playwright', 'test', '--reporter=list,json'], {
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  });
  const playwright = readJson(playwrightJson);
  if (playwright) {
    totals.passed += playwright.stats.expected + playwright.stats.flaky;
    totals.failed += playwright.stats.unexpected;
    totals.skipped += playwright.stats.skipped;
    if (playwrightStatus !== 0 && playwright.stats.unexpected === 0)
      problems.push(`playwright exited ${playwrightStatus} (setup or the web server failed)`);
    for (const error of playwright.errors ?? []) problems.push(`playwright: ${error.message?.split('\n')[0]}`);
  } else {
    problems.push('playwright wrote no report');
  }
}

// A runner that broke without reporting a failing test still fails the run, counted once.
totals.failed += problems.length;
for (const problem of problems) console.error(`ERROR: ${problem}`);
writeFileSync(path.join(results, 'summary.json'), `${JSON.stringify({ ...totals, problems })}\n`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
