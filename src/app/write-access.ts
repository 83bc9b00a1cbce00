import { canSee, canWrite, requireRole, type Viewer } from '../domain/access.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Plan } from '../domain/commands.js';
import { ErrorCode, forbidden, MetalayerError, sameField, type FieldPath } from '../domain/errors.js';
import { tryParseId } from '../domain/ids.js';
import type { AssetContent, AssetKind, AssetRecord } from '../domain/kinds.js';
import { assertNever } from '../domain/never.js';
import type { EdgeRecord, RelationName } from '../domain/relations.js';
import { ownedEnd, type WriteOp } from '../domain/writes.js';
import type { Loaders } from './loaders.js';

/**
 * Authorises a mutation's plan before the store sees it, so a refusal
 * writes nothing. The rules follow from the plan's operations, whatever
 * the mutation:
 *
 * - every write needs the writer role; putting a project, or deleting one,
 *   needs admin;
 * - for a viewer scoped to projects:
 *   - an asset of a kind that has owners (a model, a run and its records,
 *     a deployment, serving performance) must be put with its ownership
 *     relation (the model's project, the run's model, ...) to an asset the
 *     viewer may write: a project of its scope or an asset one owns;
 *     datasets and featuresets are shared and may be put freely;
 *   - every other asset a relation names must be one the viewer may see,
 *     and the newer end of `derived_from` one it may write; a relation
 *     that decides ownership, put or removed on assets the plan does not
 *     put, needs both ends writable;
 *   - an asset updated or deleted, or a run updated, must be one it may
 *     write, and so must the run whose performance records metric points;
 *     a run an update records when missing is checked as a put;
 *   - putting an asset that exists already is a retry: allowed when the
 *     viewer may write the asset, or when the plan changes nothing about it
 *     (the store checks the content; every relation the plan puts on it
 *     must exist already), so a scoped writer can neither adopt an asset of
 *     another project nor edit a shared one by registering it again.
 *
 * Unscoped viewers cost no store call here. For a scoped viewer the checks
 * share one `getAssets` call and one `owners` call, plus one `neighbors`
 * call when the plan puts an asset that exists and that it may not write.
 */
export interface WriteAuthority {
  viewer: Viewer;
  loaders: Loaders;
  catalogue: Catalogue;
}

export async function authorizeWrite({ viewer, loaders, catalogue }: WriteAuthority, plan: Plan): Promise<void> {
  requireRole(viewer, 'writer', 'A mutation');
  for (const op of plan.ops) {
    if (op.type === 'putAsset' && op.content.kind === 'PROJECT') requireRole(viewer, 'admin', 'Registering a project');
    if (op.type === 'deleteAsset' && tryParseId(op.id, catalogue)?.kind === 'PROJECT') {
      requireRole(viewer, 'admin', 'Deleting a project');
    }
  }
  if (viewer.projects !== null) await checkScope(viewer, loaders, catalogue, plan.ops);
}

/**
 * For a scoped viewer, a name CONFLICT from the store names the asset that
 * holds the name, which may belong to another project: it is answered
 * without that id. Other errors pass unchanged.
 */
export function redactForViewer(viewer: Viewer, error: unknown): unknown {
  if (viewer.projects === null || !(error instanceof MetalayerError)) return error;
  if (error.code !== ErrorCode.CONFLICT || !sameField(error.field, ['name'])) return error;
  return error.withDetail('an asset of this kind with this name and version exists already; give a distinct version');
}

interface Facts {
  exists(id: string): boolean;
  visible(id: string): boolean;
  writable(id: string): boolean;
}

async function checkScope(viewer: Viewer, loaders: Loaders, catalogue: Catalogue, ops: readonly WriteOp[]): Promise<void> {
  const puts = ops.flatMap((op) => (op.type === 'putAsset' ? [op] : []));
  const put = new Map<string, AssetContent>(puts.map((op) => [op.content.id, op.content]));
  for (const op of ops) if (op.type === 'recordMetrics') put.set(op.devPerf.id, op.devPerf);
  const facts = await loadFacts(viewer, loaders, referencedIds(ops));
  const edges = ops.flatMap((op) => (op.type === 'putEdge' ? [op] : []));

  for (const op of ops) {
    switch (op.type) {
      case 'putAsset':
        // One that exists and that the viewer may not write is a retry, checked below.
        if (!facts.exists(op.content.id) || facts.writable(op.content.id)) {
          checkOwnership(catalogue, op.content, edges, put, facts);
        }
        break;
      case 'putEdge':
      case 'removeEdge':
        checkEdgeEnds(op.edge, op.field, put, facts);
        checkOwnershipLink(catalogue, op.edge, op.field, put, facts);
        break;
      case 'updateAsset':
      case 'deleteAsset':
        if (facts.exists(op.id)) requireWritable(op.id, op.field, facts);
        break;
      case 'updateRun':
        if (facts.exists(op.id)) requireWritable(op.id, op.field, facts);
        // A run first recorded by the update is checked as a put.
        else if (op.create) checkOwnership(catalogue, op.create, edges, put, facts);
        break;
      case 'recordMetrics':
        // Points hang from the run: a performance is put with its relation to a run the viewer may write.
        if (facts.exists(op.devPerf.id)) requireWritable(op.devPerf.id, ['run'], facts);
        else checkOwnership(catalogue, op.devPerf, edges, put, facts);
        break;
      default:
        assertNever(op, 'write operation');
    }
  }
  const retries = puts.filter(({ content }) => facts.exists(content.id) && !facts.writable(content.id));
  // A retry answers with the stored asset, and a wrong guess with CONFLICT:
  // both would reveal an asset the viewer may not see.
  for (const { content, field } of retries) if (!facts.visible(content.id)) throw outsideScope(content.id, field);
  await Promise.all(retries.map((retry) => requireUnchanged(retry, edges, loaders)));
}

/** Every asset id the ops name, once. */
function referencedIds(ops: readonly WriteOp[]): string[] {
  const ids = new Set<string>();
  for (const op of ops) {
    if (op.type === 'putAsset') ids.add(op.content.id);
    else if (op.type === 'putEdge' || op.type === 'removeEdge') ids.add(op.edge.from).add(op.edge.to);
    else if (op.type === 'recordMetrics') ids.add(op.devPerf.id);
    else ids.add(op.id);
  }
  return [...ids];
}

/** Existence and ownership of every id at once: one getAssets call beside one owners call. */
async function loadFacts(viewer: Viewer, loaders: Loaders, ids: string[]): Promise<Facts> {
  const [records, owners] = await Promise.all([loaders.assets.loadMany(ids), Promise.all(ids.map((id) => loaders.owners.load(id)))]);
  const existing = new Set<string>();
  const ownersOf = new Map<string, ReadonlySet<string>>();
  ids.forEach((id, i) => {
    const record: AssetRecord | null | Error | undefined = records[i];
    const set = owners[i];
    if (record instanceof Error) throw record;
    if (record) existing.add(id);
    if (set) ownersOf.set(id, set);
  });
  const ownersOrNone = (id: string) => ownersOf.get(id) ?? new Set<string>();
  return {
    exists: (id) => existing.has(id),
    visible: (id) => canSee(viewer, ownersOrNone(id)),
    writable: (id) => canWrite(viewer, ownersOrNone(id)),
  };
}

/**
 * An asset with owners must be put with its ownership relation to an asset
 * the viewer may write, whether it is new or the viewer's own put again
 * (which must not hang it from a shared model). An anchor put by the same
 * plan (a run's parameters hang from the run) is checked as that asset; a
 * missing one is left to the store, which answers NOT_FOUND.
 */
function checkOwnership(
  catalogue: Catalogue,
  content: AssetContent,
  edges: readonly PutEdge[],
  put: ReadonlyMap<string, AssetContent>,
  facts: Facts,
) {
  const step = catalogue.kind(content.kind).owner;
  if (step === 'self' || step === 'shared') return;
  const ownership = edges.find(
    ({ edge }) => edge.relation === step.relation && (step.direction === 'IN' ? edge.to : edge.from) === content.id,
  );
  if (!ownership) {
    throw forbidden('a token scoped to projects registers this asset only in one of its projects; name one', ownershipField(catalogue, content.kind, step.relation));
  }
  const anchor = step.direction === 'IN' ? ownership.edge.from : ownership.edge.to;
  if (!put.has(anchor) && facts.exists(anchor)) requireWritable(anchor, ownership.field, facts);
}

/** The input field that names an asset's ownership: a custom kind's owner relation field, else `project`. */
function ownershipField(catalogue: Catalogue, kind: AssetKind, relation: RelationName): FieldPath {
  const typeName = catalogue.kind(kind).custom?.typeName;
  const declared = catalogue.extension.relationFields.find(
    (field) => field.typeName === typeName && field.relation === relation && field.direction === 'OUT',
  );
  return [declared?.field ?? 'project'];
}

type PutEdge = Extract<WriteOp, { type: 'putEdge' }>;

/**
 * The ends of a relation that the plan does not put must be visible; the
 * newer end of `derived_from` (only linkDerivedFrom names an existing one,
 * as `input.asset`) must be writable, as linking it changes its lineage.
 */
function checkEdgeEnds(edge: EdgeRecord, field: FieldPath, put: ReadonlyMap<string, AssetContent>, facts: Facts) {
  if (edge.relation === 'derived_from' && !put.has(edge.from) && facts.exists(edge.from)) {
    requireWritable(edge.from, ['asset'], facts);
  }
  for (const id of [edge.from, edge.to]) {
    if (!put.has(id) && facts.exists(id) && !facts.visible(id)) throw outsideScope(id, field);
  }
}

/**
 * A relation that decides ownership (`project_models`, `run_models`, an
 * extension's owner relation), put or removed on an asset the plan does
 * not put (`linkAssets`, `unlinkAssets`), moves that asset between
 * projects: as registering it there would, it needs the anchor (the end
 * ownership comes from) writable, and the owned asset too, which changes.
 */
function checkOwnershipLink(catalogue: Catalogue, edge: EdgeRecord, field: FieldPath, put: ReadonlyMap<string, AssetContent>, facts: Facts) {
  const end = ownedEnd(catalogue, edge);
  if (end === null || put.has(end.owned)) return;
  if (facts.exists(end.owned)) requireWritable(end.owned, field, facts);
  if (!put.has(end.owner) && facts.exists(end.owner)) requireWritable(end.owner, field, facts);
}

function requireWritable(id: string, field: FieldPath, facts: Facts): void {
  if (facts.writable(id)) return;
  if (!facts.visible(id)) throw outsideScope(id, field);
  throw forbidden(`"${id}" is shared by every project: only a token that is not scoped to projects may change it`, field);
}

function outsideScope(id: string, field: FieldPath): MetalayerError {
  return forbidden(`"${id}" belongs to a project outside the token's scope`, field);
}

type PutAsset = Extract<WriteOp, { type: 'putAsset' }>;

/** A retry of an asset the viewer may not write: every relation the plan puts on it must exist already. */
async function requireUnchanged({ content, field }: PutAsset, edges: readonly PutEdge[], loaders: Loaders): Promise<void> {
  const own = edges.filter(({ edge }) => edge.from === content.id || edge.to === content.id);
  const present = await Promise.all(
    own.map(async ({ edge }) => {
      const outgoing = edge.from === content.id;
      const other = outgoing ? edge.to : edge.from;
      const neighbours = await loaders.neighbors.load({ id: content.id, relation: edge.relation, direction: outgoing ? 'OUT' : 'IN' });
      return neighbours.some((asset) => asset.id === other);
    }),
  );
  if (present.every(Boolean)) return;
  throw forbidden(
    `"${content.id}" exists already and the token may not change it: registering it again must repeat the first call exactly`,
    field,
  );
}
