import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/transport-ws',
    include: ['test/**/*.test.ts'],
  },
});
