import type { Catalogue } from '../../domain/catalogue.js';
import type { EdgeDirection, LineageDirection } from '../../domain/relations.js';

/**
 * Recursive CTEs naming whole lineages, for filters that keep what lies
 * upstream or downstream of something at any depth. `UNION` (not `UNION
 * ALL`) visits each asset once, so cycles end. Relation names come from the
 * catalogue as literals; ids are bound (one `?` each, in the text's order).
 */

/** `name(id)`: every asset `direction` of the assets the `seed` statement selects (they included). */
export function lineageCte(catalogue: Catalogue, name: string, direction: LineageDirection, seed: string): string {
  const steps = catalogue.lineageSteps(direction);
  const half = (stored: EdgeDirection): string[] => {
    const relations = steps.filter((s) => s.direction === stored).map((s) => `'${s.relation}'`);
    if (relations.length === 0) return [];
    const [near, far] = stored === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    return [`SELECT e.${far} FROM ${name} l JOIN edges e ON e.${near} = l.id AND e.relation IN (${relations.join(', ')})`];
  };
  return `${name}(id) AS (${[seed, ...half('OUT'), ...half('IN')].join(' UNION ')})`;
}

/** `project_upstream(id)`: the models of the bound project and everything upstream of them. */
export function projectUpstreamCte(catalogue: Catalogue): string {
  return lineageCte(
    catalogue,
    'project_upstream',
    'UPSTREAM',
    `SELECT to_id FROM edges WHERE from_id = ? AND relation = 'project_models'`,
  );
}
