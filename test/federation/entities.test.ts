import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { seedFleet } from '../helpers/fleet.js';
import { createTestApi, type TestApi } from '../helpers/graphql.js';

/**
 * metalayer as a Federation 2 subgraph, in-process: the SDL a gateway reads,
 * and `_entities`, the request a gateway sends to resolve references to
 * metalayer's assets. Round trips are counted at the store port.
 */

let api: TestApi;
beforeEach(() => {
  api = createTestApi();
});
afterEach(() => api.close());

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Asset { id name }
    ... on Model { framework }
  }
}`;

interface EntitiesData {
  _entities: ({ __typename: string; id: string; name: string; framework?: string | null } | null)[];
}

describe('the subgraph SDL', () => {
  test('links Federation 2 and keys every asset type and the Asset interface by id', async () => {
    const { _service } = await api.data<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(_service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])');
    const keyed = [..._service.sdl.matchAll(/^(?:type|interface) (\w+)[^{]*@key\(fields: "id"\)/gm)].map((m) => m[1]);
    expect(keyed.sort()).toEqual([
      'Asset',
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
    expect(_service.sdl).toMatch(/^type PageInfo\s+@shareable\s*{/m);
  });
});

describe('_entities', () => {
  test('100 model references cost one getAssets call, answered in order', async () => {
    const { models } = await seedFleet(api.store, 100);
    api.store.reset();

    const data = await api.data<EntitiesData>(ENTITIES, {
      representations: models.map((id) => ({ __typename: 'Model', id })),
    });

    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 100 }]);
    expect(data._entities).toHaveLength(100);
    expect(data._entities[0]).toEqual({ __typename: 'Model', id: 'models/m-000', name: 'm-000', framework: 'xgboost' });
    expect(data._entities[99]).toEqual({ __typename: 'Model', id: 'models/m-099', name: 'm-099', framework: 'xgboost' });
  });

  test('references of several types, and of the Asset interface, share the one call', async () => {
    await seedFleet(api.store, 3);
    api.store.reset();

    const data = await api.data<EntitiesData>(ENTITIES, {
      representations: [
        { __typename: 'Run', id: 'run/r-000' },
        { __typename: 'Asset', id: 'datasets/ds-1' },
        { __typename: 'Model', id: 'models/m-002' },
        { __typename: 'Asset', id: 'models/m-001' },
      ],
    });

    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 4 }]);
    expect(data._entities).toEqual([
      { __typename: 'Run', id: 'run/r-000', name: 'r-000' },
      { __typename: 'Dataset', id: 'datasets/ds-1', name: 'ds-1' },
      { __typename: 'Model', id: 'models/m-002', name: 'm-002', framework: 'xgboost' },
      { __typename: 'Model', id: 'models/m-001', name: 'm-001', framework: 'xgboost' },
    ]);
  });

  test('a reference to no asset, to an asset of another type, or with a malformed id is null', async () => {
    await seedFleet(api.store, 1);
    api.store.reset();

    const data = await api.data<EntitiesData>(ENTITIES, {
      representations: [
        { __typename: 'Model', id: 'models/missing' },
        { __typename: 'Model', id: 'datasets/ds-0' },
        { __typename: 'Dataset', id: 'not an id' },
        { __typename: 'Asset', id: 'models/m-000' },
      ],
    });

    // The malformed id never reaches the store.
    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 3 }]);
    expect(data._entities).toEqual([null, null, null, { __typename: 'Model', id: 'models/m-000', name: 'm-000', framework: 'xgboost' }]);
  });

  test('assets the request has loaded already cost nothing more', async () => {
    await seedFleet(api.store, 2);
    api.store.reset();

    const data = await api.data<EntitiesData & { node: { id: string } }>(
      `query ($representations: [_Any!]!) {
        node(id: "models/m-000") { id }
        _entities(representations: $representations) { ... on Model { id name } }
      }`,
      { representations: [{ __typename: 'Model', id: 'models/m-000' }, { __typename: 'Model', id: 'models/m-001' }] },
    );

    expect(api.store.calls).toEqual([{ operation: 'getAssets', batch: 2 }]);
    expect(data._entities.map((entity) => entity?.id)).toEqual(['models/m-000', 'models/m-001']);
  });

  test.each([
    [{ __typename: 'Model' }, 'expected a string id, received null'],
    [{ __typename: 'Model', id: 42 }, 'expected a string id, received 42'],
    [{ __typename: 'Model', id: { id: 'models/m-000' } }, 'expected a string id, received {"id":"models/m-000"}'],
    [{ id: 'models/m-000' }, 'expected __typename to name an entity type'],
    [{ __typename: 'Secret', id: 'models/m-000' }, 'expected __typename to name an entity type'],
    ['models/m-000', 'expected an object with __typename and id'],
  ])('a malformed representation %j is BAD_USER_INPUT naming its index', async (representation, message) => {
    await seedFleet(api.store, 1);
    api.store.reset();
    const result = await api.execute(ENTITIES, {
      representations: [{ __typename: 'Model', id: 'models/m-000' }, representation],
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'representations.1' });
    expect(result.errors?.[0]?.message).toContain(message);
    expect(api.store.calls).toEqual([]);
  });
});
