// `pnpm test` runs every package's unit and integration tests as one vitest run (plus Playwright, see scripts/run-tests.mjs).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['shared', 'server', 'miniapp'],
  },
});
