import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/membership',
    include: ['test/**/*.test.ts'],
  },
});
