import { defineConfig } from 'vitest/config';

// One `vitest run` at the root runs every workspace as a project. In CI a JSON report is
// written as well, so .ci/run prints its closing line from the runner's own counts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.reports/vitest.json' }]] : ['default'],
  },
});
