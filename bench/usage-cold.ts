import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { builtinCatalogue } from '../src/domain/catalogue.js';
import type { EdgeDirection } from '../src/domain/relations.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';

/**
 * W9 cold: `node --import tsx bench/usage-cold.ts --db FILE [--id ID] [--runs N]`
 * on a database `npm run bench -- --db FILE` loaded. The bench's W9 reads
 * usage from the store's cache after its first run; this measures the first
 * run itself: `store.usage` with the cache emptied before each run, beside
 * its floor, the one recursive statement that walks the whole downstream
 * lineage and counts it, with no cache to read or fill.
 */
const { values } = parseArgs({
  options: { db: { type: 'string' }, id: { type: 'string', default: 'datasets/corpus-00-v01' }, runs: { type: 'string', default: '5' } },
});
if (!values.db) throw new Error('usage: node --import tsx bench/usage-cold.ts --db FILE [--id ID] [--runs N]');
const catalogue = builtinCatalogue();
const raw = new BetterSqlite3(values.db);
raw.pragma('cache_size = -65536');
const half = (stored: EdgeDirection) => {
  const relations = catalogue.lineageSteps('DOWNSTREAM').filter((s) => s.direction === stored).map((s) => `'${s.relation}'`);
  const [near, far] = stored === 'OUT' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
  return `SELECT e.${far} FROM down d JOIN edges e ON e.${near} = d.id AND e.relation IN (${relations.join(', ')})`;
};
const inCollection = (collection: string) => `sum(id >= '${collection}/' AND id < '${collection}0')`;
const floor = raw
  .prepare(`/* usageFloor */ WITH RECURSIVE down(id) AS (SELECT ? UNION ${half('OUT')} UNION ${half('IN')})
    SELECT ${['run', 'models', 'deployment'].map(inCollection).join(', ')} FROM down WHERE id <> ?`)
  .raw();
const store = openSqliteStore({ path: values.db, catalogue });
const cold: number[] = [];
const floors: number[] = [];
let answer: unknown = null;
for (let i = 0; i < Number(values.runs); i++) {
  raw.exec('DELETE FROM asset_usage; DELETE FROM usage_stale');
  let started = performance.now();
  [answer] = await store.usage([{ id: values.id, scope: null, asOf: null }]);
  cold.push(performance.now() - started);
  started = performance.now();
  floor.get(values.id, values.id);
  floors.push(performance.now() - started);
}
raw.exec('DELETE FROM asset_usage; DELETE FROM usage_stale');
await store.close();
raw.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(`usage of ${values.id}: ${JSON.stringify(answer)}`);
console.log(`store.usage, cache emptied: p50 ${median(cold).toFixed(0)} ms (${cold.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`floor, one recursive statement: p50 ${median(floors).toFixed(0)} ms (${floors.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`ratio ${(median(cold) / median(floors)).toFixed(2)}`);
