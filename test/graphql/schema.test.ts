import { CATALOGUE } from '../helpers/assets.js';
import { assertInterfaceType, buildSchema as buildSdlSchema, getNamedType, isEnumType, isScalarType } from 'graphql';
import { describe, expect, test } from 'vitest';
import { assertResolversMatchSchema } from '../../src/graphql/resolver-check.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { relationFields } from '../../src/graphql/resolvers/relations.js';

describe('buildSchema', () => {
  const schema = buildSchema(CATALOGUE);
  const assetTypes = schema.getPossibleTypes(assertInterfaceType(schema.getType('Asset')));

  test('binds all nine asset types to the Asset and Node interfaces', () => {
    expect(assetTypes.map((t) => t.name).sort()).toEqual([
      'Dataset',
      'Deployment',
      'DevPerf',
      'Featureset',
      'Model',
      'ModelParams',
      'Project',
      'Run',
      'ServingPerf',
    ]);
  });

  test('every field of an asset type that is not a stored scalar has a resolver', () => {
    // Object-typed fields are relations, lineage or derived lists; Feature lists are stored as they are.
    const missing = assetTypes.flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => {
          const named = getNamedType(field.type);
          const stored = isScalarType(named) || isEnumType(named) || named.name === 'Feature';
          return !stored && !field.resolve;
        })
        .map((field) => `${type.name}.${field.name}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('assertResolversMatchSchema', () => {
  const tiny = buildSdlSchema(`
    interface Named { name: String! }
    type Thing implements Named { name: String! size: Int }
    union Any = Thing
    enum Colour { RED }
    type Query { thing: Thing }
  `);
  const resolve = () => null;

  test('accepts fields, entity and type hooks that the schema has', () => {
    expect(() =>
      assertResolversMatchSchema(tiny, {
        Query: { thing: resolve },
        Thing: { size: resolve, __resolveReference: resolve, __isTypeOf: resolve },
        Named: { __resolveType: resolve, __resolveReference: resolve },
        Any: { __resolveType: resolve },
      }),
    ).not.toThrow();
  });

  test('lists every resolver the schema has no place for', () => {
    expect(() =>
      assertResolversMatchSchema(tiny, {
        Query: { things: resolve },
        Thing: { __resolveRefrence: resolve, __resolveType: resolve },
        Named: { name: resolve },
        Any: { thing: resolve },
        Colour: { RED: resolve },
        Gone: { field: resolve },
      }),
    ).toThrow(
      [
        'The resolvers do not match schema.graphql:',
        '  Query.things has a resolver but is not a field or hook of Query',
        '  Thing.__resolveRefrence has a resolver but is not a field or hook of Thing',
        '  Thing.__resolveType has a resolver but is not a field or hook of Thing',
        '  Named.name has a resolver but an interface takes only __resolveType and __resolveReference',
        '  Any.thing has a resolver but a union takes only __resolveType',
        '  Colour has resolvers but is an enum or input type, which take none here',
        '  Gone has resolvers but is not a type of the schema',
      ].join('\n'),
    );
  });
});

describe('relation fields', () => {
  test('a field the catalogue cannot satisfy fails when it is declared', () => {
    const { many, one } = relationFields(CATALOGUE);
    expect(() => many('run_models', 'OUT', 'DATASET')).toThrow('Relation field run_models OUT cannot lead to a DATASET asset');
    expect(() => one('run_devperf', 'IN', 'DEV_PERF')).toThrow('Relation field run_devperf IN cannot lead to a DEV_PERF asset');
    expect(() => many('derived_from', 'IN', 'SERVING_PERF')).not.toThrow();
  });
});
