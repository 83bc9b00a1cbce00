import { CATALOGUE } from '../helpers/assets.js';
import { readdirSync, readFileSync } from 'node:fs';
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, test } from 'vitest';
import { buildSchema } from '../../src/graphql/schema.js';

/**
 * The operations a UI needs (examples/operations/*.graphql), checked against
 * schema.graphql: they validate, and every selection of an asset selects
 * its `id`, so Apollo Client can store each asset once (it adds
 * `__typename` itself). The typed client example is generated from the same
 * files (codegen.yml) and runs in apollo-client.test.ts.
 */

const OPERATIONS_DIR = new URL('../../examples/operations/', import.meta.url);
const files = readdirSync(OPERATIONS_DIR).filter((name) => name.endsWith('.graphql')).sort();
const document: DocumentNode = {
  kind: Kind.DOCUMENT,
  definitions: files.flatMap((name) => parse(readFileSync(new URL(name, OPERATIONS_DIR), 'utf8')).definitions),
};
const schema = buildSchema(CATALOGUE);

describe('examples/operations', () => {
  test('holds the operations a lineage UI needs, each named', () => {
    const names = document.definitions.map((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION
        ? `${definition.kind === Kind.FRAGMENT_DEFINITION ? 'fragment' : definition.operation} ${definition.name?.value ?? '(anonymous)'}`
        : definition.kind,
    );
    expect(names.sort()).toEqual([
      'fragment AssetSummary',
      'mutation TagAsset',
      'query Asset',
      'query CompareRuns',
      'query DatasetImpact',
      'query ModelProvenance',
      'query SearchAssets',
    ]);
  });

  test('validate against the schema', () => {
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });

  test('select the id of every object that has one', () => {
    const fragments = new Map(
      document.definitions.flatMap((definition) =>
        definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition.selectionSet] as const] : [],
      ),
    );
    // Directly, or through a named fragment that does.
    const selectsId = (set: SelectionSetNode | undefined): boolean =>
      set !== undefined &&
      set.selections.some(
        (selection) =>
          (selection.kind === Kind.FIELD && selection.name.value === 'id' && !selection.alias) ||
          (selection.kind === Kind.FRAGMENT_SPREAD && selectsId(fragments.get(selection.name.value))),
      );

    const typeInfo = new TypeInfo(schema);
    const missing: string[] = [];
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const type = getNamedType(typeInfo.getType());
          if (!node.selectionSet || !(isObjectType(type) || isInterfaceType(type))) return;
          if ('id' in type.getFields() && !selectsId(node.selectionSet)) {
            missing.push(`${node.name.value}: ${type.name} (line ${node.loc?.startToken.line ?? '?'})`);
          }
        },
      }),
    );
    expect(missing).toEqual([]);
  });
});
