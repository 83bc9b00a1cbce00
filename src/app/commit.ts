import type { Plan } from '../domain/commands.js';
import { isKind, type AssetKind, type AssetRecord, type RecordOf } from '../domain/kinds.js';
import { tryParseId } from '../domain/ids.js';
import { dependentSteps, ownedEnd, refuseOrphaningDelete, refuseOrphaningUnlink, type CommitResult, type WriteResult } from '../domain/writes.js';
import { refreshAfterWrite } from './loaders.js';
import type { Session } from './session.js';
import { authorizeWrite, redactForViewer } from './write-access.js';

/**
 * The write use case, the same for every adapter: the viewer's right to
 * write the plan is checked (write-access.ts; a refusal writes nothing), the
 * store commits the plan as one unit of work stamped with the viewer's name,
 * the operation that asked (`source`: a mutation's name, an ingested event)
 * and the session's clock, the session's caches are refreshed with what
 * the commit returned, and live changes are told of it (a commit that wrote
 * nothing leaves the revision, and so the followers, as they were).
 */
export async function commitPlan(session: Session, source: string, plan: Plan): Promise<WriteResult> {
  await authorizeWrite(session, plan);
  await Promise.all([refuseOrphaningDeletes(session, plan), refuseOrphaningUnlinks(session, plan)]);
  let result: CommitResult;
  try {
    result = await session.store.commit({ ops: plan.ops, actor: session.viewer.name, source, at: session.now() });
  } catch (error) {
    throw redactForViewer(session.viewer, error);
  }
  refreshAfterWrite(session.loaders, result);
  session.feed.committed(result.revision);
  return result;
}

/**
 * Applies the domain's rule that ownership survives deletes: the dependents
 * of every asset the plan deletes are read through the neighbours loader
 * (one `neighbors` call for the whole plan, none for kinds nothing depends
 * on). Dependents of an asset the viewer may write are owned by its
 * projects too, so the counts never include assets hidden from the viewer.
 * The check precedes the commit: a dependent recorded between the two
 * (another request) is not seen.
 */
async function refuseOrphaningDeletes(session: Session, plan: Plan): Promise<void> {
  const checks = plan.ops.flatMap((op) => {
    if (op.type !== 'deleteAsset') return [];
    const kind = tryParseId(op.id, session.catalogue)?.kind;
    const steps = kind === undefined ? [] : dependentSteps(session.catalogue, kind);
    if (steps.length === 0) return [];
    const counts = Promise.all(
      steps.map(async (step) => {
        const found = await session.loaders.neighbors.load({ id: op.id, relation: step.relation, direction: step.direction });
        return { kind: step.kind, count: found.filter((asset) => asset.kind === step.kind).length };
      }),
    );
    return [counts.then((dependents) => refuseOrphaningDelete(op.id, op.field, dependents))];
  });
  await Promise.all(checks);
}

/**
 * The same rule for unlinks: removing the last relation an asset takes its
 * project from is refused (one `neighbors` call for the whole plan, none for
 * relations that decide no ownership). As for deletes, the check precedes
 * the commit.
 */
async function refuseOrphaningUnlinks(session: Session, plan: Plan): Promise<void> {
  const checks = plan.ops.flatMap((op) => {
    if (op.type !== 'removeEdge') return [];
    const end = ownedEnd(session.catalogue, op.edge);
    if (end === null) return [];
    const { owned, owner, step } = end;
    return [
      session.loaders.neighbors
        .load({ id: owned, relation: step.relation, direction: step.direction })
        .then((owners) => refuseOrphaningUnlink(owned, owner, op.field, owners.filter((asset) => asset.kind === step.kind).length)),
    ];
  });
  await Promise.all(checks);
}

/** Commits a plan and returns the asset it is about, which the engine must report as written. */
export async function commitAsset<K extends AssetKind>(
  session: Session,
  source: string,
  plan: Plan,
  kind: K,
): Promise<RecordOf<K>> {
  const asset = (await commitPlan(session, source, plan)).assets.get(plan.id);
  if (!asset || !isKind(kind)(asset)) throw new Error(`The store's commit result lacks the ${kind} asset "${plan.id}" it wrote`);
  return asset;
}

/** Commits a plan that deletes one asset; returns how many relations went with it. */
export async function commitDelete(session: Session, source: string, plan: Plan): Promise<number> {
  const deleted = (await commitPlan(session, source, plan)).deleted.get(plan.id);
  if (!deleted) throw new Error(`The store's commit result lacks the deleted asset "${plan.id}"`);
  return deleted.relations;
}

/** An asset a commit just required to exist (a relation's end), through the session's loader. */
export async function existingAsset(session: Session, id: string): Promise<AssetRecord> {
  const asset = await session.loaders.assets.load(id);
  if (!asset) throw new Error(`"${id}" is missing right after a write that required it`);
  return asset;
}
