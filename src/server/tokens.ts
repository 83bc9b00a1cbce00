import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from '../domain/access.js';
import { builtinCatalogue } from '../domain/catalogue.js';
import { tryParseId } from '../domain/ids.js';

/**
 * API tokens: how they are made, stored and configured.
 *
 * A token is `ml_` and 32 random bytes in base64url: 256 bits of entropy,
 * shown once when it is created (`metalayer token create`). The server keeps
 * only its SHA-256, in a tokens file (METALAYER_TOKENS_FILE) or inline
 * (METALAYER_TOKENS): a JSON array of entries
 * `{ "name", "sha256", "role", "projects"? }`. An entry without `projects`
 * is unscoped; admins are always unscoped.
 */

export interface TokenEntry {
  name: string;
  /** The SHA-256 of the token, 64 lowercase hex digits. */
  sha256: string;
  role: Role;
  /** Project ids the token is scoped to; absent for an unscoped token. */
  projects?: string[];
}

export const TOKEN_PREFIX = 'ml_';

/** A new secret token. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the server stores of a token: its SHA-256 in hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Projects are a built-in kind, whatever else the catalogue holds. */
const BUILTIN = builtinCatalogue();

const projectId = z.string().refine((id) => tryParseId(id, BUILTIN)?.kind === 'PROJECT', {
  message: 'expected a project id such as "project/housing"',
});

/**
 * One entry, strictly: an unknown key is refused (a pasted secret under
 * `token` must not be taken quietly), and messages never echo values.
 */
export const tokenEntrySchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'expected 1 to 64 letters, digits or any of _.@-'),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'expected the SHA-256 of the token, 64 hex digits')
      .transform((hex) => hex.toLowerCase()),
    role: z.enum(ROLES),
    projects: z
      .array(projectId)
      .min(1, 'expected at least one project; leave projects out for an unscoped token')
      .optional(),
  })
  .refine((entry) => !(entry.role === 'admin' && entry.projects), {
    message: 'an admin token cannot be scoped to projects: admins are unscoped',
    path: ['projects'],
  });

const tokenListSchema = z.array(tokenEntrySchema).superRefine((entries, context) => {
  const names = new Set<string>();
  const hashes = new Set<string>();
  entries.forEach((entry, i) => {
    if (names.has(entry.name)) context.addIssue({ code: 'custom', message: `the name "${entry.name}" is used twice`, path: [i, 'name'] });
    if (hashes.has(entry.sha256)) context.addIssue({ code: 'custom', message: 'the same token hash is listed twice', path: [i, 'sha256'] });
    names.add(entry.name);
    hashes.add(entry.sha256);
  });
});

/** Parses the tokens JSON; `source` names where it came from in the problems listed. */
export function parseTokenEntries(text: string, source: string): { entries: TokenEntry[] } | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problems: [`${source}: expected a JSON array of token entries, but it is not valid JSON`] };
  }
  const result = tokenListSchema.safeParse(json);
  if (result.success) return { entries: result.data };
  return { problems: result.error.issues.map((issue) => `${[source, ...issue.path].join('.')}: ${issue.message}`) };
}

/**
 * A new token and the entry that configures it, for `metalayer token
 * create`. The entry is checked as the server checks its tokens, so what
 * the command prints is always accepted.
 */
export function createTokenEntry(request: {
  name: string | undefined;
  role: string | undefined;
  projects: readonly string[];
}): { token: string; entry: TokenEntry } | { problems: string[] } {
  const missing = (['name', 'role'] as const).filter((option) => request[option] === undefined);
  if (missing.length > 0) return { problems: missing.map((option) => `--${option} is required`) };
  const token = newToken();
  const candidate = {
    name: request.name,
    sha256: hashToken(token),
    role: request.role,
    ...(request.projects.length > 0 ? { projects: [...request.projects] } : {}),
  };
  const result = tokenEntrySchema.safeParse(candidate);
  if (!result.success) {
    return { problems: result.error.issues.map((issue) => `--${String(issue.path[0] ?? 'name').replace('projects', 'project')}: ${issue.message}`) };
  }
  return { token, entry: result.data };
}
