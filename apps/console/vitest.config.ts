import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/console',
    include: ['test/**/*.test.ts'],
  },
});
