import { describe, expect, test } from 'vitest';
import { layoutLineage, NODE_WIDTH, type GraphAsset, type LineageSide } from '../../ui/src/layout.js';

/** The explorer's layered layout (ui/src/layout.ts), without a browser. */

const asset = (id: string, kind: GraphAsset['kind'] = 'DATASET'): GraphAsset => ({ id, kind, name: id.split('/')[1] ?? id });
const edge = (kind: string, from: string, to: string) => ({ kind, from: { id: from }, to: { id: to } });

describe('layoutLineage', () => {
  test('each asset goes as many columns from the start as its degree: upstream left, downstream right', () => {
    const upstream: LineageSide = {
      nodes: [{ degree: 1, asset: asset('run/r', 'RUN') }, { degree: 2, asset: asset('datasets/d') }],
      edges: [edge('run_models', 'run/r', 'models/m'), edge('run_datasets', 'run/r', 'datasets/d')],
    };
    const downstream: LineageSide = { nodes: [{ degree: 1, asset: asset('deployment/p', 'DEPLOYMENT') }], edges: [edge('deployment_model', 'deployment/p', 'models/m')] };
    const layout = layoutLineage(asset('models/m', 'MODEL'), upstream, downstream);
    expect(layout.nodes.map((n) => [n.asset.id, n.side, n.column])).toEqual([
      ['datasets/d', 'upstream', -2],
      ['run/r', 'upstream', -1],
      ['models/m', 'start', 0],
      ['deployment/p', 'downstream', 1],
    ]);
    const xs = layout.nodes.map((n) => n.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(layout.width).toBe(24 * 2 + 4 * NODE_WIDTH + 3 * 120);
    expect(layout.edges.map((e) => e.key)).toEqual(['run_models:run/r->models/m', 'run_datasets:run/r->datasets/d', 'deployment_model:deployment/p->models/m']);
  });

  test('an asset on both sides is drawn once, upstream; an edge listed twice is drawn once', () => {
    const side: LineageSide = { nodes: [{ degree: 1, asset: asset('datasets/b') }], edges: [edge('derived_from', 'datasets/b', 'datasets/a')] };
    const layout = layoutLineage(asset('datasets/a'), side, side);
    expect(layout.nodes.map((n) => `${n.asset.id} ${n.side}`)).toEqual(['datasets/b upstream', 'datasets/a start']);
    expect(layout.edges).toHaveLength(1);
  });

  test('within a layer, assets follow the rows of their neighbours nearer the start', () => {
    // x1 above x2 (by name); y2 hangs off x1 and y1 off x2, so y2 goes above y1 despite its name.
    const downstream: LineageSide = {
      nodes: [
        { degree: 1, asset: asset('datasets/x1') },
        { degree: 1, asset: asset('datasets/x2') },
        { degree: 2, asset: asset('datasets/y1') },
        { degree: 2, asset: asset('datasets/y2') },
      ],
      edges: [
        edge('derived_from', 'datasets/x1', 'datasets/s'),
        edge('derived_from', 'datasets/x2', 'datasets/s'),
        edge('derived_from', 'datasets/y1', 'datasets/x2'),
        edge('derived_from', 'datasets/y2', 'datasets/x1'),
      ],
    };
    const layout = layoutLineage(asset('datasets/s'), { nodes: [], edges: [] }, downstream);
    const y = (id: string) => layout.nodes.find((n) => n.asset.id === id)?.y ?? Number.NaN;
    expect(y('datasets/x1')).toBeLessThan(y('datasets/x2'));
    expect(y('datasets/y2')).toBeLessThan(y('datasets/y1'));
  });
});
