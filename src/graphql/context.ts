import type { Session } from '../app/session.js';

/** What every resolver receives: the request's session of the application core. */
export type Context = Session;
