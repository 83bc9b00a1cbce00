import { graphql } from './generated/gql.js';

/**
 * Every operation the explorer sends, typed by GraphQL Code Generator's
 * client preset (`npm run codegen`): a schema change that breaks one fails
 * the typecheck of ui/ in `npm test`.
 */

export const SearchAssetsQuery = graphql(`
  query ExplorerSearch($nameContains: String, $kind: AssetKind, $first: Int!, $after: String) {
    assets(kind: $kind, filter: { nameContains: $nameContains }, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          kind
          name
          version
          tag
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const LineageFieldsFragment = graphql(`
  fragment ExplorerLineage on Lineage {
    truncated
    restricted
    nodes {
      degree
      asset {
        id
        kind
        name
        version
      }
    }
    edges {
      kind
      from {
        id
      }
      to {
        id
      }
    }
  }
`);

export const AssetPageQuery = graphql(`
  query ExplorerAsset($id: ID!, $depth: Int, $kinds: [AssetKind!]) {
    node(id: $id) {
      id
      ... on Asset {
        kind
        name
        version
        tag
        properties
        createdAt
        updatedAt
        upstream(depth: $depth, kinds: $kinds) {
          ...ExplorerLineage
        }
        downstream(depth: $depth, kinds: $kinds) {
          ...ExplorerLineage
        }
      }
      ... on Project {
        description
      }
      ... on Dataset {
        description
        source
        statistics
      }
      ... on Featureset {
        description
        features {
          name
          dtype
        }
      }
      ... on Model {
        description
        task
        framework
        uri
        producedBy {
          id
          runId
          status
          startedAt
          endedAt
          params {
            id
            params
          }
          devPerf {
            id
            metrics {
              name
              value
            }
          }
          datasets {
            id
            name
            version
          }
        }
      }
      ... on Run {
        runId
        status
        startedAt
        endedAt
        deploymentTag
      }
      ... on ModelParams {
        params
      }
      ... on DevPerf {
        recordedAt
        metrics {
          name
          value
        }
      }
      ... on Deployment {
        environment
        drift {
          method
          threshold
          drifted
          baseline {
            id
            name
            version
          }
          current {
            id
            name
          }
          features {
            name
            status
            score
            drifted
            rebinned
          }
        }
        servingPerf {
          id
          periodStart
          periodEnd
          metrics {
            name
            value
          }
        }
      }
      ... on ServingPerf {
        periodStart
        periodEnd
        metrics {
          name
          value
        }
      }
    }
  }
`);

/** The cheapest read there is: proves a token is accepted. */
export const SignInCheckQuery = graphql(`
  query ExplorerSignInCheck {
    assets(first: 1) {
      pageInfo {
        hasNextPage
      }
    }
  }
`);
