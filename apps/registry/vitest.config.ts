import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/registry',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
