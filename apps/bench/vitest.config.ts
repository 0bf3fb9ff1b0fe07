import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/bench',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
