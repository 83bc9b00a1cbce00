import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the browser side into dist/ui/: the explorer (index.html) and
 * GraphiQL (graphiql/index.html). Hashed files go under static/, which the
 * server caches for a year; `/assets/...` stays free for the explorer's
 * asset pages. Nothing is left to load from another host: small files and
 * fonts are inlined, the rest served from dist/ui/.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../dist/ui'),
    emptyOutDir: true,
    assetsDir: 'static',
    chunkSizeWarningLimit: 6_000,
    rollupOptions: {
      input: { explorer: here('index.html'), graphiql: here('graphiql/index.html') },
      // GraphiQL's React-compiler directives ("use no memo") are dropped by bundling, harmlessly.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
});
