import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EXAMPLE_OPERATIONS } from '../../src/server/examples.js';
import { readToken } from '../src/auth.js';

/**
 * GraphiQL, served by metalayer at /graphql for browsers. It opens with the
 * README's example operations; the headers tab sets `Authorization`, and
 * starts with the token the explorer signed in with in this tab, if any.
 * Queries and mutations are JSON POSTs to this origin, which pass CSRF
 * prevention; subscriptions go over a WebSocket to the same path, with that
 * token in connection_init (the headers tab does not reach the WebSocket).
 */
const token = readToken();
const socketUrl = new URL('/graphql', window.location.origin);
socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
const fetcher = createGraphiQLFetcher({
  url: new URL('/graphql', window.location.origin).href,
  subscriptionUrl: socketUrl.href,
  ...(token ? { wsConnectionParams: { authorization: `Bearer ${token}` } } : {}),
});
const defaultHeaders = JSON.stringify(token ? { Authorization: `Bearer ${token}` } : {}, null, 2);

const root = document.getElementById('graphiql');
if (!root) throw new Error('graphiql/index.html has no #graphiql element');
createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={EXAMPLE_OPERATIONS} defaultHeaders={defaultHeaders} />
  </StrictMode>,
);
