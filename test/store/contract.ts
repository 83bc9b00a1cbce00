import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { lineageContract } from './contract-lineage.js';
import { readsContract } from './contract-reads.js';
import { writesContract } from './contract-writes.js';

/**
 * The store contract, written once and run against every engine: each test
 * gets a fresh, empty store from `open` and seeds its own data through the
 * port. `close` disposes of it (default: `store.close()`).
 */
export function storeContract(
  engine: string,
  open: () => Promise<Store>,
  close: (store: Store) => Promise<void> = (store) => store.close(),
): void {
  describe(`store contract: ${engine}`, () => {
    const current: { store: Store | null } = { store: null };
    const store = (): Store => {
      if (!current.store) throw new Error('no store is open');
      return current.store;
    };
    beforeEach(async () => {
      current.store = await open();
    });
    afterEach(async () => {
      if (current.store) await close(current.store);
      current.store = null;
    });

    readsContract(store);
    writesContract(store);
    lineageContract(store);
  });
}
