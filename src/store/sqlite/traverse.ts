import type { Catalogue } from '../../domain/catalogue.js';
import { tryParseId } from '../../domain/ids.js';
import type { LineageOptions } from '../../domain/lineage.js';

/**
 * Level-by-level breadth-first search with a visited set, the traversal that
 * stays linear on DAGs where a recursive CTE enumerating paths explodes.
 * `expand` answers one level: the ids one lineage step away from `frontier`;
 * `present` keeps those of assets that exist. An id without an asset (the
 * far end of a relation left dangling by a delete made underneath the store)
 * is neither visited nor expanded, and no bound counts it.
 *
 * `visible`, for a scoped viewer, keeps the ids of the assets it may see:
 * only those are selected, counted against the limit, and make the result
 * truncated by lying beyond the depth; the search still expands hidden
 * assets, and the visit limit counts them (lineage.ts).
 *
 * Returns the selected assets' ids with their degrees, in (degree, id) order
 * and cut to the limit, and whether a bound cut the result (lineage.ts).
 */
export interface Reached {
  degrees: Map<string, number>;
  truncated: boolean;
}

export function breadthFirst(
  start: string,
  options: LineageOptions,
  catalogue: Catalogue,
  expand: (frontier: readonly string[]) => Iterable<string>,
  present: (ids: readonly string[]) => readonly string[],
  visible: ((ids: readonly string[]) => readonly string[]) | null = null,
): Reached {
  const visited = new Map<string, number>([[start, 0]]);
  const kinds = options.kinds ? new Set(options.kinds) : null;
  const isSelected = (id: string) => {
    if (!kinds) return true;
    const kind = tryParseId(id, catalogue)?.kind;
    return kind !== undefined && kinds.has(kind);
  };
  let frontier: readonly string[] = [start];
  let selected = 0;
  let truncated = false;
  const hidden = new Set<string>();

  for (let level = 1; frontier.length > 0; level++) {
    const fresh = unvisited(expand(frontier), visited);
    const next = fresh.length > 0 ? present(fresh) : [];
    if (level > options.depth) {
      truncated = next.length > 0 && (visible === null || visible(next).length > 0);
      break;
    }
    const seen = visible === null || next.length === 0 ? null : new Set(visible(next));
    for (const id of next) {
      visited.set(id, level);
      if (seen !== null && !seen.has(id)) hidden.add(id);
      else if (isSelected(id)) selected++;
    }
    // The visit limit bounds the work whatever the kind filter selects; the
    // level that crossed it is dropped whole (lineage.ts).
    if (visited.size - 1 > options.visitLimit) {
      for (const id of next) visited.delete(id);
      truncated = true;
      break;
    }
    // Every asset of a smaller degree is known once the limit is passed.
    if (selected > options.limit) {
      truncated = true;
      break;
    }
    frontier = next;
  }

  const chosen = [...visited]
    .filter(([id, degree]) => degree > 0 && !hidden.has(id) && isSelected(id))
    .sort(([a, da], [b, db]) => da - db || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, options.limit);
  return { degrees: new Map(chosen), truncated };
}

/** The ids of `reached` not visited yet, each once, in order. */
function unvisited(reached: Iterable<string>, visited: ReadonlyMap<string, number>): string[] {
  const fresh = new Set<string>();
  for (const id of reached) if (!visited.has(id)) fresh.add(id);
  return [...fresh];
}
