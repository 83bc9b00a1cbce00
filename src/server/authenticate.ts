import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { UNRESTRICTED_VIEWER, type Viewer } from '../domain/access.js';
import { unauthenticated, type MetalayerError } from '../domain/errors.js';
import type { Context } from '../graphql/index.js';
import { hashToken, type TokenEntry } from './tokens.js';

/**
 * Authentication: the Authorization header of a request to its Viewer.
 *
 * - No tokens configured: authentication is off and every request acts as
 *   an unscoped admin, whatever it sends (the server warns at start).
 * - No Authorization header: anonymous, an unscoped reader when anonymous
 *   reads are allowed; otherwise it may only introspect (see
 *   `anonymousGatePlugin`).
 * - `Authorization: Bearer <token>` with a configured token: that token's
 *   viewer. Any other header, or an unknown token, is refused with HTTP 401
 *   UNAUTHENTICATED before anything runs.
 *
 * Tokens are looked up by their SHA-256 in a map. That a map's lookup time
 * may depend on the key does not matter here: what it could reveal is at
 * most something about the SHA-256 of a presented token, and finding a
 * token with a given hash means inverting SHA-256 on 256 random bits. So
 * no constant-time comparison is needed. The token itself is never stored
 * nor logged.
 */
export interface AuthSettings {
  tokens: readonly TokenEntry[];
  anonymousReads: boolean;
}

export type Authenticate = (authorization: string | undefined) => Viewer;

export function createAuthenticator(settings: AuthSettings): Authenticate {
  if (settings.tokens.length === 0) return () => UNRESTRICTED_VIEWER;
  const byHash = new Map(settings.tokens.map((entry) => [entry.sha256, viewerOf(entry)]));
  const anonymous: Viewer = Object.freeze({
    name: 'anonymous',
    role: settings.anonymousReads ? 'reader' : null,
    projects: null,
    anonymous: true,
  });
  return (authorization) => {
    if (authorization === undefined || authorization === '') return anonymous;
    const token = /^Bearer +([\x21-\x7e]{1,1024})$/i.exec(authorization)?.[1];
    if (token === undefined) throw httpError(unauthenticated('Expected "Authorization: Bearer <token>"'));
    const viewer = byHash.get(hashToken(token));
    if (!viewer) throw httpError(unauthenticated('The token is not valid'));
    return viewer;
  };
}

function viewerOf(entry: TokenEntry): Viewer {
  return Object.freeze({
    name: entry.name,
    role: entry.role,
    projects: entry.projects ? new Set(entry.projects) : null,
    anonymous: false,
  });
}

/**
 * A MetalayerError as Apollo Server answers it outside execution: HTTP 401
 * with a `WWW-Authenticate` challenge (RFC 6750). The error formatter finds
 * the MetalayerError inside and answers with its code and message.
 */
export function httpError(error: MetalayerError): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: {
      code: error.code,
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer realm="metalayer"']]) },
    },
  });
}

/**
 * Refuses, with HTTP 401 and nothing run, an operation of an anonymous
 * viewer that may not read, unless it selects only introspection: the
 * schema follows the introspection setting, not authentication, so the
 * explorer can load it before a token is entered.
 */
export function anonymousGatePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document }) {
          if (contextValue.viewer.role !== null || !operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
          }
          if (rootFields(operation.selectionSet, fragments).every(isIntrospection)) return;
          throw httpError(unauthenticated('This server needs a token: send "Authorization: Bearer <token>"'));
        },
      };
    },
  };
}

/** `__schema`, `__type`, `__typename`, and the subgraph SDL, which follows the introspection setting. */
function isIntrospection(field: string): boolean {
  return field.startsWith('__') || field === '_service';
}

function rootFields(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return set.selections.flatMap((selection) => {
    switch (selection.kind) {
      case Kind.FIELD:
        return [selection.name.value];
      case Kind.INLINE_FRAGMENT:
        return rootFields(selection.selectionSet, fragments, seen);
      case Kind.FRAGMENT_SPREAD: {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) return [];
        seen.add(fragment.name.value);
        return rootFields(fragment.selectionSet, fragments, seen);
      }
      default:
        return [];
    }
  });
}
