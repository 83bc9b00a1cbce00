import { assertInterfaceType, getNamedType, isEnumType, isScalarType } from 'graphql';
import { describe, expect, test } from 'vitest';
import { buildSchema } from '../../src/graphql/schema.js';
import { many, one } from '../../src/graphql/resolvers/relations.js';

describe('buildSchema', () => {
  const schema = buildSchema();
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

describe('relation fields', () => {
  test('a field the catalogue cannot satisfy fails when it is declared', () => {
    expect(() => many('run_models', 'OUT', 'DATASET')).toThrow('Relation field run_models OUT cannot lead to a DATASET asset');
    expect(() => one('run_devperf', 'IN', 'DEV_PERF')).toThrow('Relation field run_devperf IN cannot lead to a DEV_PERF asset');
    expect(() => many('derived_from', 'IN', 'SERVING_PERF')).not.toThrow();
  });
});
