import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@reg/distro',
    include: ['test/**/*.test.ts'],
  },
});
