import { useApolloClient } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { readToken, saveToken } from './auth.js';
import { ErrorNotice } from './ErrorNotice.js';
import { SignInCheckQuery } from './operations.js';
import { navigate } from './route.js';

/**
 * Sign in with a bearer token. The token is tried with one cheap query
 * before it is kept (in sessionStorage, for this tab only); a refused token
 * is said so, and is not kept.
 */
export function SignInPage() {
  const client = useApolloClient();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [signedIn, setSignedIn] = useState(readToken() !== null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const previous = readToken();
    saveToken(token.trim());
    try {
      await client.query({ query: SignInCheckQuery, fetchPolicy: 'network-only' });
      await client.clearStore();
      setSignedIn(true);
      navigate('/');
    } catch (refused) {
      saveToken(previous);
      setError(refused);
    }
  };
  const signOut = async () => {
    saveToken(null);
    await client.clearStore();
    setSignedIn(false);
  };
  return (
    <section aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p>{signedIn ? 'You are signed in with a token in this tab.' : 'Not signed in: requests carry no token.'}</p>
      <form className="signin" onSubmit={submit}>
        <label>
          Bearer token
          <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
        </label>
        <button type="submit">Sign in</button>
        {signedIn ? (
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        ) : null}
      </form>
      <p className="muted">The token is kept in this tab's sessionStorage and sent only to this server's /graphql.</p>
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
