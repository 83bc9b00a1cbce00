import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { describe, expect, test } from 'vitest';
import { buildSchema, readTypeDefs } from '../../src/graphql/schema.js';
import { seedHousingDemo } from '../../src/demo/housing.js';
import { createTestApi } from '../helpers/graphql.js';
import { COSTS_TYPE_DEFS, OWNERS_TYPE_DEFS } from '../helpers/subgraphs.js';
import { CATALOGUE } from '../helpers/assets.js';
import { EXTENDED_CATALOGUE } from '../helpers/extensions.js';

/**
 * The README and docs/*.md, checked: every relative link resolves (the file
 * exists, and a `#fragment` names a heading of it, by GitHub's slug rules),
 * every ```graphql operation validates against the schema (the supergraph's
 * or the example extensions' where a note above the block says so:
 * `<!-- schema: supergraph -->`, `<!-- schema: extensions -->`), and the README's
 * operations, run in order on a fresh store, answer exactly the ```json
 * block shown after each.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

interface CodeBlock {
  language: string;
  body: string;
  line: number;
  /** The HTML comment just above the fence, if any (`<!-- schema: supergraph -->`). */
  note: string | null;
}

/** The fenced code blocks of a page, and its prose with them blanked out. */
function split(markdown: string): { blocks: CodeBlock[]; prose: string } {
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})(\S*)/.exec(lines[i] ?? '');
    if (!fence) {
      prose.push(lines[i] ?? '');
      continue;
    }
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !(lines[i] ?? '').trim().startsWith(fence[2] ?? '```')) body.push(lines[i] ?? '');
    const above = /^<!--\s*(.*?)\s*-->$/.exec((lines[start - 1] ?? '').trim());
    blocks.push({ language: fence[3] ?? '', body: body.join('\n'), line: start + 1, note: above?.[1] ?? null });
    prose.push('');
  }
  return { blocks, prose: prose.join('\n') };
}

/** GitHub's heading anchors: lowercased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const counts = new Map<string, number>();
  for (const line of split(markdown).prose.split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const rendered = (heading[1] ?? '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/\*{1,2}([^*]+)\*{1,2}/g, "$1");
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    slugs.add(seen === 0 ? base : `${base}-${seen}`);
  }
  return slugs;
}

/** Every link and image target of a page's prose that is not a URL. */
function relativeLinks(markdown: string): string[] {
  return [...split(markdown).prose.replace(/`[^`\n]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

function brokenLinks(page: string): string[] {
  return relativeLinks(text(page)).flatMap((target) => {
    const [path = '', fragment] = target.split('#');
    const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
    const shown = relative(ROOT, file);
    if (!existsSync(file)) return [`${page}: ${target} (no file ${shown})`];
    if (fragment === undefined) return [];
    if (!file.endsWith('.md')) return [`${page}: ${target} (an anchor into ${shown}, which is not markdown)`];
    return headingSlugs(readFileSync(file, 'utf8')).has(fragment) ? [] : [`${page}: ${target} (no heading "#${fragment}" in ${shown})`];
  });
}

const isOperationDocument = (document: DocumentNode) =>
  document.definitions.every((definition) => definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION);

/** The API schema of metalayer composed with the test subgraphs, for examples that cross subgraphs. */
function supergraphApi(): GraphQLSchema {
  const composed = composeServices([
    { name: 'metalayer', url: 'http://127.0.0.1:4001/graphql', typeDefs: parse(readTypeDefs()) },
    { name: 'costs', url: 'http://127.0.0.1:4002/graphql', typeDefs: COSTS_TYPE_DEFS },
    { name: 'owners', url: 'http://127.0.0.1:4003/graphql', typeDefs: OWNERS_TYPE_DEFS },
  ]);
  if (!composed.schema) throw new Error('the test supergraph does not compose');
  return composed.schema.toAPISchema().toGraphQLJSSchema();
}

describe('slugs', () => {
  test('follow GitHub: punctuation and code marks dropped, repeats numbered', () => {
    expect([...headingSlugs('# `node` and `nodes`\n## Errors\n### Errors\n## Ordering, and the server language\n## Run on ArangoDB (3.12)')]).toEqual([
      'node-and-nodes',
      'errors',
      'errors-1',
      'ordering-and-the-server-language',
      'run-on-arangodb-312',
    ]);
  });
});

describe('links', () => {
  test('the README links every page of docs/', () => {
    const linked = new Set(relativeLinks(text('README.md')).map((target) => target.split('#')[0]));
    expect(PAGES.filter((page) => page !== 'README.md' && !linked.has(page))).toEqual([]);
  });

  test.each(PAGES)('%s: every relative link resolves, anchors included', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });
});

describe('graphql examples', () => {
  const schema = buildSchema(CATALOGUE);
  const supergraph = supergraphApi();
  const extended = buildSchema(EXTENDED_CATALOGUE);
  const schemaOf = (note: string | null) => (note === 'schema: supergraph' ? supergraph : note === 'schema: extensions' ? extended : schema);

  test.each(PAGES)('%s: every operation validates against the schema, every SDL block parses', (page) => {
    const problems = split(text(page))
      .blocks.filter((block) => block.language === 'graphql')
      .flatMap((block) => {
        const document = parse(block.body);
        if (!isOperationDocument(document)) return [];
        return validate(schemaOf(block.note), document).map((error) => `${page}:${block.line}: ${error.message}`);
      });
    expect(problems).toEqual([]);
  });

  test('there are examples to check', () => {
    const operations = PAGES.flatMap((page) => split(text(page)).blocks.filter((block) => block.language === 'graphql'));
    expect(operations.length).toBeGreaterThan(20);
  });
});

describe('the README', () => {
  test('is a front door: at most about 250 lines', () => {
    expect(text('README.md').split('\n').length).toBeLessThanOrEqual(260);
  });

  test('answers what it shows: each operation, run in order on a fresh store of a server with the example extensions, gives the JSON below it', async () => {
    const api = createTestApi({ catalogue: EXTENDED_CATALOGUE });
    try {
      const blocks = split(text('README.md')).blocks.filter((block) => block.language === 'graphql' || block.language === 'json');
      const pairs = blocks.flatMap((block, i) => (block.language === 'graphql' ? [[block, blocks[i + 1]] as const] : []));
      expect(pairs.length).toBe(7);
      for (const [operation, answer] of pairs) {
        expect(answer?.language, `the answer after line ${operation.line}`).toBe('json');
        const result = await api.execute(operation.body);
        expect({ data: result.data, errors: result.errors }, `README.md:${operation.line}`).toEqual({
          ...(JSON.parse(answer?.body ?? '{}') as object),
          errors: undefined,
        });
      }
    } finally {
      await api.close();
    }
  });
});

describe('docs/extensions.md', () => {
  test('registers the README\'s evaluation again, as a retry: the same key with the same content', async () => {
    const api = createTestApi({ catalogue: EXTENDED_CATALOGUE });
    try {
      const evaluate = (page: string) => {
        const block = split(text(page)).blocks.find((each) => each.language === 'graphql' && each.body.includes('registerEvaluation('));
        if (!block) throw new Error(`${page} registers no evaluation`);
        return block.body;
      };
      const readme = split(text('README.md')).blocks.filter((block) => block.language === 'graphql');
      for (const block of readme) expect((await api.execute(block.body)).errors, `README.md:${block.line}`).toBeUndefined();
      expect(evaluate('README.md')).not.toBe(evaluate('docs/extensions.md'));
      const again = await api.execute(evaluate('docs/extensions.md'));
      expect(again.errors).toBeUndefined();
      expect(again.data).toMatchObject({ registerEvaluation: { evaluation: { id: 'evaluations/churn-xgb-holdout', score: 0.89 } } });
    } finally {
      await api.close();
    }
  });
});

describe('docs/compare.md', () => {
  test('answers what it shows: each operation, run on the demo, gives the JSON below it', async () => {
    const api = createTestApi();
    try {
      await seedHousingDemo(api.store, CATALOGUE, '2026-04-01T00:00:00.000Z');
      const blocks = split(text('docs/compare.md')).blocks.filter((block) => block.language === 'graphql' || block.language === 'json');
      const pairs = blocks.flatMap((block, i) => (block.language === 'graphql' ? [[block, blocks[i + 1]] as const] : []));
      expect(pairs.length).toBe(3);
      for (const [operation, answer] of pairs) {
        expect(answer?.language, `the answer after line ${operation.line}`).toBe('json');
        const result = await api.execute(operation.body);
        expect({ data: result.data, errors: result.errors }, `docs/compare.md:${operation.line}`).toEqual({
          data: JSON.parse(answer?.body ?? '{}') as unknown,
          errors: undefined,
        });
      }
    } finally {
      await api.close();
    }
  });
});
