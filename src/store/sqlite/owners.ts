import { ownerChain, type Catalogue, type OwnerStep } from '../../domain/catalogue.js';

/**
 * Ownership in SQL, from the catalogue's ownership chains: a chain is a
 * fixed join of at most three (edge, asset) pairs, each step checked to
 * reach an asset of the kind it names (so an edge another tool left between
 * other kinds never counts). Kind names and relation names are catalogue
 * identifiers written into the text as literals, as `lineageStepSql` does;
 * ids are always bound.
 */

/** The joins of one chain from the asset whose id is `start`, and the expression of the owner's id. */
interface ChainSql {
  /** `edges o1 JOIN assets k1 ON … JOIN edges o2 ON …`: every step after the first edge's start condition. */
  from: string;
  /** The first edge's condition on `start`. */
  where: string;
  owner: string;
}

function chainSql(steps: readonly OwnerStep[], start: string, prefix: string): ChainSql {
  const from: string[] = [];
  let where = '';
  let at = start;
  steps.forEach((step, i) => {
    const edge = `${prefix}e${i + 1}`;
    const asset = `${prefix}k${i + 1}`;
    const [near, far] = step.direction === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    const condition = `${edge}.${near} = ${at} AND ${edge}.relation = '${step.relation}'`;
    if (i === 0) {
      from.push(`edges ${edge}`);
      where = condition;
    } else {
      from.push(`JOIN edges ${edge} ON ${condition}`);
    }
    from.push(`JOIN assets ${asset} ON ${asset}.id = ${edge}.${far} AND ${asset}.kind = '${step.kind}'`);
    at = `${asset}.id`;
  });
  return { from: from.join(' '), where, owner: at };
}

/**
 * `/* owners *\/`: one statement for a batch of ids (a JSON array bound
 * once): rows of (request index, owner id), one per distinct owner.
 */
export function ownersSql(catalogue: Catalogue): string {
  const branches = catalogue.kinds.flatMap(({ kind }) => {
    const chain = ownerChain(catalogue, kind);
    if (chain === 'shared') return [];
    const self = `FROM r JOIN assets a ON a.id = r.value AND a.kind = '${kind}'`;
    if (chain === 'self') return [`SELECT r.key AS request, a.id AS owner ${self}`];
    const { from, where, owner } = chainSql(chain, 'a.id', '');
    return [`SELECT r.key AS request, ${owner} AS owner ${self}, ${from} WHERE ${where}`];
  });
  if (branches.length === 0) return '/* owners */ SELECT NULL AS request, NULL AS owner WHERE 0';
  return `/* owners */ WITH r AS (SELECT key, value FROM json_each(?))
    SELECT DISTINCT request, owner FROM (${branches.join('\n    UNION ALL ')})
    ORDER BY request, owner`;
}

/**
 * The visibility predicate on the asset row `alias`, for a viewer whose
 * projects are the rows of the CTE `scope(value)`: the asset has no owner,
 * or one of its owners is in scope. Kinds without owners pass at once.
 */
export function visibleSql(catalogue: Catalogue, alias: string): string {
  const cases = catalogue.kinds.flatMap(({ kind }) => {
    const chain = ownerChain(catalogue, kind);
    if (chain === 'shared') return [];
    return [`WHEN '${kind}' THEN ${kindVisibleSql(chain, alias)}`];
  });
  return cases.length === 0 ? '1' : `(CASE ${alias}.kind ${cases.join(' ')} ELSE 1 END)`;
}

function kindVisibleSql(chain: readonly OwnerStep[] | 'self', alias: string): string {
  if (chain === 'self') return `${alias}.id IN (SELECT value FROM scope)`;
  const { from, where, owner } = chainSql(chain, `${alias}.id`, 'v');
  return `(NOT EXISTS (SELECT 1 FROM ${from} WHERE ${where}) OR EXISTS (SELECT 1 FROM ${from} WHERE ${where} AND ${owner} IN (SELECT value FROM scope)))`;
}

/** The CTE a scoped statement opens with: the viewer's projects, bound as one JSON array. */
export const SCOPE_CTE = 'scope(value) AS (SELECT value FROM json_each(?))';

/**
 * The ownership predicate on the asset row `alias`: one of its owners is
 * among the rows of the CTE `cte(value)`, by the same chains as
 * `visibleSql`. Projects own themselves but are not what they own: false
 * for them. For kinds no project owns, `shared` is the predicate.
 */
export function ownedBySql(catalogue: Catalogue, alias: string, cte: string, shared: string): string {
  const cases = catalogue.kinds.map(({ kind }) => {
    const chain = ownerChain(catalogue, kind);
    if (chain === 'shared') return `WHEN '${kind}' THEN ${shared}`;
    if (chain === 'self') return `WHEN '${kind}' THEN 0`;
    const { from, where, owner } = chainSql(chain, `${alias}.id`, 'p');
    return `WHEN '${kind}' THEN EXISTS (SELECT 1 FROM ${from} WHERE ${where} AND ${owner} IN (SELECT value FROM ${cte}))`;
  });
  return `(CASE ${alias}.kind ${cases.join(' ')} ELSE 0 END)`;
}
