import { randomBytes } from 'node:crypto';
import type { Database } from 'arangojs';
import type { AqlQuery } from 'arangojs/aql';
import type { QueryOptions } from 'arangojs/queries';
import { isValidKey } from '../../domain/ids.js';
import { Bindings } from './bindings.js';
import { META_COLLECTION } from './catalogue.js';
import { ErrorNum, errorNum, translateError } from './errors.js';

/**
 * metalayer's own documents, in `metalayer_meta` beside arangopipe's
 * collections: `revision`, whose `value` counts the commits that wrote
 * something, and `secret_<name>`, a secret every server sharing the database
 * reads the same.
 */

const REVISION_KEY = 'revision';

/**
 * `/* nextRevision *\/`: counts one more commit and returns the new revision.
 * Run as the last step of a commit's transaction, so two concurrent commits
 * collide on it (a write-write conflict, or a unique violation when both
 * create it) and the unit of work is retried.
 */
export function nextRevisionStatement(): AqlQuery {
  const b = new Bindings();
  const key = b.bind('key', REVISION_KEY);
  return b.query([
    '/* nextRevision */',
    `UPSERT { _key: ${key} }`,
    `  INSERT { _key: ${key}, value: 1 }`,
    '  UPDATE { value: OLD.value + 1 }',
    `  IN ${META_COLLECTION}`,
    '  RETURN NEW.value',
  ]);
}

/** `/* revision *\/`: the current revision, 0 before the first commit. */
export function revisionStatement(): AqlQuery {
  const b = new Bindings();
  const id = b.bind('id', `${META_COLLECTION}/${REVISION_KEY}`);
  return b.query(['/* revision */', `RETURN NOT_NULL(DOCUMENT(${id}).value, 0)`]);
}

/**
 * `/* keepSecret *\/`: the value of the secret document, inserting `doc`
 * first when there is none. Two servers asking at once may both insert; the
 * loser fails with a unique violation and asks again.
 */
export function keepSecretStatement(doc: { _key: string; value: string }): AqlQuery {
  const b = new Bindings();
  return b.query([
    '/* keepSecret */',
    `LET kept = DOCUMENT(${b.bind('id', `${META_COLLECTION}/${doc._key}`)})`,
    'LET made = (',
    `  FOR doc IN (kept == null ? [${b.bind('doc', doc)}] : [])`,
    `    INSERT doc INTO ${META_COLLECTION}`,
    '    RETURN NEW.value',
    ')',
    'RETURN kept == null ? FIRST(made) : kept.value',
  ]);
}

/** How often `sharedSecret` asks when concurrent first calls keep colliding. */
const SECRET_ATTEMPTS = 3;

/**
 * The secret `name` (32 random bytes, base64url), made by whichever server
 * asks first and read by every other: concurrent first calls agree, since
 * only one insert succeeds and the others read what it wrote.
 */
export async function sharedSecret(db: Database, options: QueryOptions, name: string): Promise<string> {
  const key = `secret_${name}`;
  if (!isValidKey(key)) throw new Error(`"${name}" cannot name a shared secret`);
  const statement = keepSecretStatement({ _key: key, value: randomBytes(32).toString('base64url') });
  for (let attempt = 1; ; attempt++) {
    try {
      const cursor = await db.query<unknown>(statement, options);
      const [value] = await cursor.all();
      if (typeof value !== 'string') throw new Error(`ArangoDB: the shared secret "${name}" is not a string`);
      return value;
    } catch (error) {
      const num = errorNum(error);
      const raced = num === ErrorNum.UNIQUE_CONSTRAINT_VIOLATED || num === ErrorNum.CONFLICT;
      if (!raced || attempt >= SECRET_ATTEMPTS) throw translateError(error);
    }
  }
}
