import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (`main`) and ESM (`module`) builds. Node loads
    // the CommonJS one for every importer; Vite would hand our sources the ESM
    // one while Apollo Server and graphql-tools, loaded by Node, get CommonJS.
    // Two copies break `instanceof GraphQLError`, so tests use Node's choice.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
