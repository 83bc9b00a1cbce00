import { forbidden, unauthenticated } from './errors.js';

/**
 * Who is asking, and the pure rules of what they may do. The application
 * core applies them (src/app/read-access.ts, src/app/write-access.ts);
 * nothing here reads the store.
 *
 * Roles are ordered: reader < writer < admin. Reading needs reader, every
 * mutation writer, registering or deleting a project admin.
 *
 * Project scopes: a viewer is unscoped (it sees and writes everything its
 * role allows) or scoped to a set of projects. An asset is owned by the
 * projects its ownership chain ends in (the catalogue's `owner` of each kind); an asset whose
 * chains end in no project is shared. A scoped viewer sees an asset that
 * is shared or owned by one of its projects, and writes only assets owned
 * by one of its projects: shared assets are written by unscoped viewers.
 */

export const ROLES = ['reader', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Readonly<Record<Role, number>> = { reader: 1, writer: 2, admin: 3 };

export interface Viewer {
  /** The token's name; `anonymous` without a token; `anyone` when authentication is off. */
  name: string;
  /**
   * What the viewer may do; null for an anonymous viewer on a server that
   * does not allow anonymous reads, which may only introspect.
   */
  role: Role | null;
  /** The projects (ids) the viewer is scoped to; null when unscoped. */
  projects: ReadonlySet<string> | null;
  /** True when the request carried no token on a server that has tokens. */
  anonymous: boolean;
}

/** The viewer of every request when no tokens are configured: authentication is off. */
export const UNRESTRICTED_VIEWER: Viewer = Object.freeze({ name: 'anyone', role: 'admin', projects: null, anonymous: false });

export function hasRole(viewer: Viewer, role: Role): boolean {
  return viewer.role !== null && RANK[viewer.role] >= RANK[role];
}

/**
 * Throws unless the viewer has `role`: UNAUTHENTICATED for an anonymous
 * viewer (a token would help), FORBIDDEN naming the role needed otherwise.
 */
export function requireRole(viewer: Viewer, role: Role, action: string): void {
  if (hasRole(viewer, role)) return;
  if (viewer.anonymous) {
    throw unauthenticated(`${action} needs a token with the ${role} role: send "Authorization: Bearer <token>"`);
  }
  throw forbidden(`${action} needs the ${role} role; the token "${viewer.name}" has the ${viewer.role ?? 'no'} role`);
}

/** The viewer's projects as a store query's scope (sorted), or null when unscoped. */
export function scopeOf(viewer: Viewer): string[] | null {
  return viewer.projects === null ? null : [...viewer.projects].sort();
}

/** Whether the viewer may see an asset owned by `owners` (empty: shared). */
export function canSee(viewer: Viewer, owners: ReadonlySet<string>): boolean {
  return viewer.projects === null || owners.size === 0 || overlaps(owners, viewer.projects);
}

/** Whether the viewer may change an asset owned by `owners`: shared assets only when unscoped. */
export function canWrite(viewer: Viewer, owners: ReadonlySet<string>): boolean {
  return viewer.projects === null || overlaps(owners, viewer.projects);
}

function overlaps(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const item of a) if (b.has(item)) return true;
  return false;
}
