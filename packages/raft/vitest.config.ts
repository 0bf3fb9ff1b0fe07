import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/raft',
    include: ['test/**/*.test.ts'],
  },
});
