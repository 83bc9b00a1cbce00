import { memo, type KeyboardEvent } from 'react';
import { kindStyle } from './kinds.js';
import { NODE_HEIGHT, NODE_WIDTH, type Layout, type PlacedNode } from './layout.js';

/** Up to this width a graph shrinks to fit its panel; wider ones keep their size and scroll. */
const FIT_WIDTH = 2800;
/** Beyond this many edges, relation names go into each edge's tooltip instead of on the edge. */
const LABELLED_EDGES = 300;

/**
 * A laid-out lineage drawn as SVG. Every node and edge carries its identity
 * in data attributes (`data-node-id`, `data-edge`), which the browser tests
 * compare with the API's answer. A node is a link: click it, or focus it and
 * press Enter, to open its asset.
 */
export const LineageGraph = memo(function LineageGraph({ layout, onOpen }: { layout: Layout; onOpen: (id: string) => void }) {
  const labelled = layout.edges.length <= LABELLED_EDGES;
  return (
    <div className="graph" data-testid="lineage-graph">
      <svg className={layout.width <= FIT_WIDTH ? 'fit' : undefined} width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label="Lineage graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrowhead" />
          </marker>
        </defs>
        <g className="edges">
          {layout.edges.map((edge) => (
            <g key={edge.key} className="edge" data-edge={edge.key} data-edge-kind={edge.kind} data-edge-from={edge.from} data-edge-to={edge.to}>
              <path d={edge.path} markerEnd="url(#arrow)">
                <title>{edge.kind}</title>
              </path>
              {labelled ? (
                <text x={edge.labelX} y={edge.labelY} textAnchor="middle">
                  {edge.kind}
                </text>
              ) : null}
            </g>
          ))}
        </g>
        <g className="nodes">
          {layout.nodes.map((node) => (
            <GraphNode key={node.asset.id} node={node} onOpen={onOpen} />
          ))}
        </g>
      </svg>
    </div>
  );
});

function GraphNode({ node, onOpen }: { node: PlacedNode; onOpen: (id: string) => void }) {
  const style = kindStyle(node.asset.kind);
  const open = () => {
    if (node.side !== 'start') onOpen(node.asset.id);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  };
  const title = `${style.label} ${node.asset.name}${node.asset.version ? ` ${node.asset.version}` : ''} (${node.asset.id})`;
  return (
    <g
      className={`node node-${node.side}`}
      transform={`translate(${node.x},${node.y})`}
      data-node-id={node.asset.id}
      data-kind={node.asset.kind}
      data-side={node.side}
      data-degree={node.degree}
      role={node.side === 'start' ? undefined : 'link'}
      tabIndex={node.side === 'start' ? undefined : 0}
      aria-label={title}
      onClick={open}
      onKeyDown={onKeyDown}
    >
      <title>{title}</title>
      <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx="6" fill={style.colour} />
      <text x="8" y="14" className="node-kind">
        {style.label}
        {node.asset.version ? ` · ${node.asset.version}` : ''}
      </text>
      <text x="8" y="31" className="node-name">
        {clip(node.asset.name, 24)}
      </text>
    </g>
  );
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** The kinds drawn, with their colours. */
export function KindLegend({ layout }: { layout: Layout }) {
  const kinds = [...new Set(layout.nodes.map((node) => node.asset.kind))];
  return (
    <ul className="legend" aria-label="Kinds">
      {kinds.map((kind) => (
        <li key={kind}>
          <svg width="12" height="12" aria-hidden="true">
            <rect width="12" height="12" rx="2" fill={kindStyle(kind).colour} />
          </svg>
          {kindStyle(kind).label}
        </li>
      ))}
    </ul>
  );
}
