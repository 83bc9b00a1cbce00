export { DEFAULT_GRAPH_NAME, DEFAULT_POOL_SIZE, type ArangoStoreOptions } from './connection.js';
export { ensureLayout, type LayoutOptions } from './layout.js';
export { createArangoStore } from './store.js';
