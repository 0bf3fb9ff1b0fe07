import { defineConfig } from 'vite';

// Relative asset URLs: the registry serves the console under a configurable context path and
// sets <base href> in index.html, so one build works under /nacos/ or any other prefix.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
});
