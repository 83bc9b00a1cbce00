/**
 * The bearer token the user signed in with, kept in sessionStorage: it lasts
 * as long as the tab, and is sent only to this origin's /graphql.
 */
const KEY = 'metalayer.token';

export function readToken(): string | null {
  return window.sessionStorage.getItem(KEY);
}

export function saveToken(token: string | null): void {
  if (token) window.sessionStorage.setItem(KEY, token);
  else window.sessionStorage.removeItem(KEY);
}
