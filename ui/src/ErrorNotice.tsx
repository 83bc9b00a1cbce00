import { CombinedGraphQLErrors, ServerError } from '@apollo/client';
import { Link } from './Link.js';

/**
 * A failed request, said plainly: a 401 or UNAUTHENTICATED asks the user to
 * sign in, a FORBIDDEN says the token may not see this, anything else gives
 * the server's message and code. Never a blank page.
 */
export function ErrorNotice({ error }: { error: unknown }) {
  const { title, detail, code } = describe(error);
  const signIn = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN';
  return (
    <div className="error" role="alert" data-error-code={code}>
      <strong>{title}</strong>
      <p>{detail}</p>
      {signIn ? (
        <p>
          <Link to="/signin">Sign in with another token</Link>
        </p>
      ) : null}
    </div>
  );
}

interface Described {
  title: string;
  detail: string;
  code: string;
}

export function describe(error: unknown): Described {
  if (ServerError.is(error)) {
    const code = errorCodeIn(error.bodyText) ?? `HTTP_${error.statusCode}`;
    if (error.statusCode === 401) {
      return { code: 'UNAUTHENTICATED', title: 'Sign in needed (401 UNAUTHENTICATED)', detail: `The server needs a valid bearer token: ${messageIn(error.bodyText) ?? 'no token, or one it does not know'}.` };
    }
    return { code, title: `The server answered ${error.statusCode}`, detail: messageIn(error.bodyText) ?? error.message };
  }
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = typeof first?.extensions?.['code'] === 'string' ? first.extensions['code'] : 'GRAPHQL_ERROR';
    if (code === 'FORBIDDEN') return { code, title: 'Not allowed (FORBIDDEN)', detail: first?.message ?? 'This token may not see this.' };
    if (code === 'UNAUTHENTICATED') return { code, title: 'Sign in needed (401 UNAUTHENTICATED)', detail: first?.message ?? 'The server needs a valid bearer token.' };
    return { code, title: `The query failed (${code})`, detail: error.errors.map((e) => e.message).join('; ') };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'NETWORK_ERROR', title: 'The server could not be reached', detail: message };
}

function parsedErrors(bodyText: string): Array<{ message?: unknown; extensions?: { code?: unknown } }> {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors)) return body.errors;
  } catch {
    // Not JSON: the caller falls back to the status.
  }
  return [];
}

function errorCodeIn(bodyText: string): string | null {
  const code = parsedErrors(bodyText)[0]?.extensions?.code;
  return typeof code === 'string' ? code : null;
}

function messageIn(bodyText: string): string | null {
  const message = parsedErrors(bodyText)[0]?.message;
  return typeof message === 'string' ? message : null;
}
