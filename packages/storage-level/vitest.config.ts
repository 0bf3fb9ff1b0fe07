import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/storage-level',
    include: ['test/**/*.test.ts'],
  },
});
