import { useRef, type KeyboardEvent } from 'react';
import { kindStyle } from './kinds.js';
import type { Layout } from './layout.js';
import { assetPath } from './route.js';
import { Link } from './Link.js';

/**
 * The same lineage as the graph, as a table: one row per asset, nearest
 * first on each side. Up and down arrows move between rows; each row's link
 * opens the asset, and ids can be selected and copied.
 */
export function LineageTable({ layout }: { layout: Layout }) {
  const body = useRef<HTMLTableSectionElement>(null);
  const rows = [...layout.nodes].sort((a, b) => sideOrder(a.side) - sideOrder(b.side) || a.degree - b.degree || a.asset.name.localeCompare(b.asset.name));
  const move = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = [...(body.current?.querySelectorAll<HTMLAnchorElement>('a') ?? [])];
    const index = links.findIndex((link) => link === document.activeElement);
    const next = links[Math.min(links.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };
  return (
    <table className="lineage-table" data-testid="lineage-table">
      <caption>Lineage as a table ({rows.length} assets, {layout.edges.length} relations). Arrow keys move between rows.</caption>
      <thead>
        <tr>
          <th scope="col">Side</th>
          <th scope="col">Hops</th>
          <th scope="col">Kind</th>
          <th scope="col">Name</th>
          <th scope="col">Version</th>
          <th scope="col">Id</th>
        </tr>
      </thead>
      <tbody ref={body} onKeyDown={move}>
        {rows.map((node) => (
          <tr key={node.asset.id} data-row-id={node.asset.id}>
            <td>{node.side}</td>
            <td>{node.degree}</td>
            <td>{kindStyle(node.asset.kind).label}</td>
            <td>
              <Link to={assetPath(node.asset.id)}>{node.asset.name}</Link>
            </td>
            <td>{node.asset.version ?? ''}</td>
            <td>
              <code>{node.asset.id}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function sideOrder(side: string): number {
  return side === 'start' ? 0 : side === 'upstream' ? 1 : 2;
}
