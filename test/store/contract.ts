import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { asOfContract } from './contract-as-of.js';
import { changesContract } from './contract-changes.js';
import { danglingContract } from './contract-dangling.js';
import { extensionsContract } from './contract-extensions.js';
import { lineageContract } from './contract-lineage.js';
import { rankingContract } from './contract-ranking.js';
import { readsContract } from './contract-reads.js';
import { reuseContract } from './contract-reuse.js';
import { scopeContract } from './contract-scope.js';
import { writesContract } from './contract-writes.js';

/** What the contract needs of an engine beyond the port. */
export interface ContractHarness {
  /** A fresh, empty store. */
  open: () => Promise<Store>;
  /** Disposes of a store `open` returned (default: `store.close()`). */
  close?: (store: Store) => Promise<void>;
  /**
   * Deletes the asset `id` underneath `store`, as another tool or a hand
   * edit does, leaving the relations that name it in place.
   */
  removeAssetDirectly: (store: Store, id: string) => Promise<void>;
}

/**
 * The store contract, written once and run against every engine: each test
 * gets a fresh, empty store from `open` and seeds its own data through the
 * port (and, for dangling relations, the harness). Engines open their
 * stores with the catalogue of the example extensions
 * (`EXTENDED_CATALOGUE`), so every case holds with custom kinds present.
 */
export function storeContract(engine: string, harness: ContractHarness): void {
  const close = harness.close ?? ((store: Store) => store.close());
  describe(`store contract: ${engine}`, () => {
    const current: { store: Store | null } = { store: null };
    const store = (): Store => {
      if (!current.store) throw new Error('no store is open');
      return current.store;
    };
    beforeEach(async () => {
      current.store = await harness.open();
    });
    afterEach(async () => {
      if (current.store) await close(current.store);
      current.store = null;
    });

    readsContract(store);
    rankingContract(store);
    reuseContract(store);
    writesContract(store);
    lineageContract(store);
    scopeContract(store);
    changesContract(store);
    danglingContract(store, (id) => harness.removeAssetDirectly(store(), id));
    asOfContract(store);
    extensionsContract(store);
  });
}
