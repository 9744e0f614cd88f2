import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-fast-check.ts'],
    // `serverless package` and replay over the corpus spawn processes; the default 5 s is too tight on a loaded 2-core machine
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
