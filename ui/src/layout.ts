import type { AssetKind } from './generated/graphql.js';

/** An asset as the graph needs it. */
export interface GraphAsset {
  id: string;
  kind: AssetKind;
  name: string;
  version?: string | null;
}

/** One side of a lineage, as the API answers it. */
export interface LineageSide {
  nodes: ReadonlyArray<{ degree: number; asset: GraphAsset }>;
  edges: ReadonlyArray<{ kind: string; from: { id: string }; to: { id: string } }>;
}

export type Side = 'upstream' | 'start' | 'downstream';

export interface PlacedNode {
  asset: GraphAsset;
  side: Side;
  degree: number;
  /** Signed column: upstream at minus its degree, the start at 0, downstream at plus. */
  column: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  key: string;
  kind: string;
  from: string;
  to: string;
  path: string;
  labelX: number;
  labelY: number;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 40;
const COLUMN_GAP = 120;
const ROW_GAP = 16;
const MARGIN = 24;

/**
 * Lays a lineage out in layers, left to right: the start asset in the
 * middle column, each upstream asset `degree` columns to its left, each
 * downstream asset `degree` columns to its right. The API's `degree` (the
 * shortest hop count) is the layer, so no layering pass is needed; within a
 * layer, assets are ordered by the mean row of their neighbours in the layer
 * next nearer the start (one barycentre sweep outwards from the start), which
 * keeps related assets level and edges short. Linear in nodes and edges.
 *
 * An asset that is both upstream and downstream (a cycle) is drawn once, on
 * the upstream side; an edge listed on both sides is drawn once.
 */
export function layoutLineage(start: GraphAsset, upstream: LineageSide, downstream: LineageSide): Layout {
  const byId = new Map<string, PlacedNode>();
  byId.set(start.id, { asset: start, side: 'start', degree: 0, column: 0, x: 0, y: 0 });
  for (const [side, sign, lineage] of [['upstream', -1, upstream], ['downstream', 1, downstream]] as const) {
    for (const { degree, asset } of lineage.nodes) {
      if (!byId.has(asset.id)) byId.set(asset.id, { asset, side, degree, column: sign * degree, x: 0, y: 0 });
    }
  }
  const edges = uniqueEdges([...upstream.edges, ...downstream.edges]).filter((e) => byId.has(e.from) && byId.has(e.to));
  const neighbours = neighbourLists(edges);
  const columns = orderColumns([...byId.values()], neighbours);
  return place(columns, edges, byId);
}

function uniqueEdges(edges: LineageSide['edges']): Array<{ key: string; kind: string; from: string; to: string }> {
  const seen = new Map<string, { key: string; kind: string; from: string; to: string }>();
  for (const edge of edges) {
    const key = edgeKey(edge.kind, edge.from.id, edge.to.id);
    if (!seen.has(key)) seen.set(key, { key, kind: edge.kind, from: edge.from.id, to: edge.to.id });
  }
  return [...seen.values()];
}

/** An edge's identity, as the page's data attributes spell it. */
export function edgeKey(kind: string, from: string, to: string): string {
  return `${kind}:${from}->${to}`;
}

function neighbourLists(edges: ReadonlyArray<{ from: string; to: string }>): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    const list = lists.get(a);
    if (list) list.push(b);
    else lists.set(a, [b]);
  };
  for (const { from, to } of edges) {
    add(from, to);
    add(to, from);
  }
  return lists;
}

/** Columns from the leftmost to the rightmost, each in drawing order (top to bottom). */
function orderColumns(nodes: PlacedNode[], neighbours: Map<string, string[]>): PlacedNode[][] {
  const byColumn = new Map<number, PlacedNode[]>();
  for (const node of nodes) {
    const column = byColumn.get(node.column);
    if (column) column.push(node);
    else byColumn.set(node.column, [node]);
  }
  const row = new Map<string, number>();
  const numbers = [...byColumn.keys()];
  // Outwards from the start: 0, then -1, 1, -2, 2, ...: each layer sorts by its inner neighbour's rows.
  const outwards = numbers.sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
  for (const number of outwards) {
    const column = byColumn.get(number) ?? [];
    const centre = (node: PlacedNode) => {
      const rows = (neighbours.get(node.asset.id) ?? []).map((id) => row.get(id)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((sum, r) => sum + r, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const keyed = column.map((node) => ({ node, centre: centre(node) }));
    keyed.sort((a, b) => a.centre - b.centre || a.node.asset.kind.localeCompare(b.node.asset.kind) || a.node.asset.name.localeCompare(b.node.asset.name));
    keyed.forEach(({ node }, index) => row.set(node.asset.id, index - (keyed.length - 1) / 2));
    byColumn.set(number, keyed.map(({ node }) => node));
  }
  return [...byColumn.entries()].sort(([a], [b]) => a - b).map(([, column]) => column);
}

function place(columns: PlacedNode[][], edges: ReadonlyArray<{ key: string; kind: string; from: string; to: string }>, byId: Map<string, PlacedNode>): Layout {
  const tallest = Math.max(...columns.map((column) => column.length));
  const height = tallest * (NODE_HEIGHT + ROW_GAP) - ROW_GAP + 2 * MARGIN;
  const first = columns[0]?.[0]?.column ?? 0;
  columns.forEach((column) => {
    const top = (height - (column.length * (NODE_HEIGHT + ROW_GAP) - ROW_GAP)) / 2;
    column.forEach((node, index) => {
      node.x = MARGIN + (node.column - first) * (NODE_WIDTH + COLUMN_GAP);
      node.y = top + index * (NODE_HEIGHT + ROW_GAP);
    });
  });
  const last = columns[columns.length - 1]?.[0]?.column ?? 0;
  const width = (last - first + 1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP + 2 * MARGIN;
  return {
    nodes: columns.flat(),
    edges: edges.map((edge) => route(edge, byId)),
    width,
    height,
  };
}

/** A curve from the side of one node to the facing side of the other; a loop on the right within a column. */
function route(edge: { key: string; kind: string; from: string; to: string }, byId: Map<string, PlacedNode>): PlacedEdge {
  const a = byId.get(edge.from);
  const b = byId.get(edge.to);
  if (!a || !b) throw new Error(`Edge ${edge.key} has an end that is not drawn`);
  const ay = a.y + NODE_HEIGHT / 2;
  const by = b.y + NODE_HEIGHT / 2;
  if (a.column === b.column) {
    const x = a.x + NODE_WIDTH;
    const bulge = x + COLUMN_GAP / 2;
    return { ...edge, path: `M${x},${ay} C${bulge},${ay} ${bulge},${by} ${x},${by}`, labelX: bulge - 4, labelY: (ay + by) / 2 };
  }
  const ax = a.column < b.column ? a.x + NODE_WIDTH : a.x;
  const bx = a.column < b.column ? b.x : b.x + NODE_WIDTH;
  const mid = (ax + bx) / 2;
  return { ...edge, path: `M${ax},${ay} C${mid},${ay} ${mid},${by} ${bx},${by}`, labelX: mid, labelY: (ay + by) / 2 - 4 };
}
