import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/storage-mysql',
    include: ['test/**/*.test.ts'],
  },
});
