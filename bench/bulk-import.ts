import type { Store } from '../src/store/store.js';
import { generateGraph, type GraphSpec, type GraphSummary } from './data/generate.js';

/**
 * W6: the generated graph through the store's bulk path, one `importBulk`
 * call (one transaction) per chunk. Generation time is kept apart from the
 * time spent in the store. Without a store the graph is only generated, for
 * its summary and probes (a database loaded by an earlier run).
 */
export interface ImportFigures {
  assets: number;
  edges: number;
  chunks: number;
  /** Time inside `importBulk`, in seconds. */
  importSeconds: number;
  generateSeconds: number;
  /** (assets + edges) per second inside the store. */
  itemsPerSecond: number;
}

export async function importGraph(store: Store | null, spec: GraphSpec): Promise<{ summary: GraphSummary; figures: ImportFigures }> {
  const generator = generateGraph(spec);
  let importMs = 0;
  let generateMs = 0;
  let chunks = 0;
  for (;;) {
    const started = performance.now();
    const next = generator.next();
    generateMs += performance.now() - started;
    if (next.done) {
      const summary = next.value;
      const importSeconds = importMs / 1000;
      return {
        summary,
        figures: {
          assets: summary.assets,
          edges: summary.edges,
          chunks,
          importSeconds,
          generateSeconds: generateMs / 1000,
          itemsPerSecond: importSeconds > 0 ? (summary.assets + summary.edges) / importSeconds : 0,
        },
      };
    }
    chunks += 1;
    if (store) {
      const importing = performance.now();
      await store.importBulk(next.value);
      importMs += performance.now() - importing;
    }
  }
}
