import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { initialJsSize } from './vite-plugins/initial-js-size.ts';

// In `pnpm dev` the API runs on :3000 and Vite on :5173; the proxy makes them one origin, as in production.
const api = process.env.SLOTPILOT_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  // Issue 5: initial JavaScript ≤ 150 kB gzip; the build fails above it.
  plugins: [react(), initialJsSize({ budgetKb: 150 })],
  server: { proxy: { '/trpc': api, '/dev': api } },
  // Source maps publish the Mini App's source: only for local builds, never in the production image (Dockerfile).
  build: { target: 'es2022', sourcemap: process.env.NODE_ENV !== 'production' },
  // Playwright specs live in e2e/ and run in Chromium, not here.
  test: { name: 'miniapp', include: ['src/**/*.test.{ts,tsx}'] },
});
