import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/storage',
    include: ['test/**/*.test.ts'],
  },
});
