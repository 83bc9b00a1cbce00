import { AssetPage } from './AssetPage.js';
import { readToken } from './auth.js';
import { Link } from './Link.js';
import { useRoute } from './route.js';
import { SearchPage } from './SearchPage.js';
import { SignInPage } from './SignInPage.js';

/** The explorer's frame: a header, and the page the URL names. */
export function App() {
  const route = useRoute();
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          metalayer
        </Link>
        <nav>
          <Link to="/">Search</Link>
          <a href="/graphql">GraphiQL</a>
          <Link to="/signin">{readToken() ? 'Signed in' : 'Sign in'}</Link>
        </nav>
      </header>
      <main>{page(route)}</main>
    </>
  );
}

function page(route: ReturnType<typeof useRoute>) {
  switch (route.page) {
    case 'search':
      return <SearchPage key={`${route.q}|${route.kind ?? ''}`} route={route} />;
    case 'asset':
      return <AssetPage route={route} />;
    case 'signin':
      return <SignInPage />;
    case 'missing':
      return (
        <div className="error" role="alert">
          <strong>No such page</strong>
          <p>
            {route.path} is not a page of the explorer. <Link to="/">Search assets</Link>
          </p>
        </div>
      );
    default: {
      const unknown: never = route;
      throw new Error(`Unknown route ${JSON.stringify(unknown)}`);
    }
  }
}
