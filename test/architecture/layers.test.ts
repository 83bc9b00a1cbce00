import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * The layers of docs/architecture.md, held by the imports themselves:
 * adapters (server, graphql, the command line) → application core (app) → store port ←
 * engines, and every layer may use the domain, which uses nothing. The
 * server reaches the GraphQL adapter only through its public surface.
 */

const SRC = new URL('../../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of every source file, as paths from src/ (`graphql/index.ts`). */
const IMPORTS = sourceFiles(SRC).flatMap((file) => {
  const from = relative(SRC, file);
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((match) => ({
    from,
    to: relative(SRC, join(file, '..', (match[1] ?? '').replace(/\.js$/, '.ts'))),
  }));
});

const layerOf = (path: string) => path.split('/')[0] ?? path;

/** Which layers each layer may import (besides itself). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  domain: [],
  store: ['domain'],
  app: ['domain', 'store'],
  graphql: ['domain', 'app', 'store'],
  server: ['domain', 'app', 'store', 'graphql'],
  demo: ['domain', 'store'],
  cli: ['domain', 'store', 'server'],
  'cli.ts': ['domain', 'app', 'store', 'server', 'demo', 'cli'],
};

describe('the layers', () => {
  test('every source file sits in a known layer', () => {
    expect([...new Set(IMPORTS.map(({ from }) => layerOf(from)))].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  test('dependencies point one way', () => {
    const crossings = IMPORTS.filter(({ from, to }) => {
      const [source, target] = [layerOf(from), layerOf(to)];
      return source !== target && !ALLOWED[source]?.includes(target);
    });
    expect(crossings).toEqual([]);
  });

  test('the store port is all the core sees of the engines', () => {
    const intoEngines = IMPORTS.filter(
      ({ from, to }) => !from.startsWith('store/') && /^store\/(sqlite|arango)\//.test(to),
    );
    expect(intoEngines).toEqual([]);
  });

  test('the server uses the GraphQL adapter only through its public surface', () => {
    const pastSurface = IMPORTS.filter(({ from, to }) => from.startsWith('server/') && to.startsWith('graphql/') && to !== 'graphql/index.ts');
    expect(pastSurface).toEqual([]);
  });

  test('this test sees the imports it judges', () => {
    expect(IMPORTS).toContainEqual({ from: 'server/app.ts', to: 'graphql/index.ts' });
    expect(IMPORTS.length).toBeGreaterThan(100);
  });
});
