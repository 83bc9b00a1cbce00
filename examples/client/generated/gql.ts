/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment AssetSummary on Asset {\n  id\n  kind\n  name\n  version\n  tag\n}": typeof types.AssetSummaryFragmentDoc,
    "query Asset($id: ID!) {\n  node(id: $id) {\n    id\n    ...AssetSummary\n  }\n}": typeof types.AssetDocument,
    "query CompareRuns($id: ID!) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      producedBy {\n        ...AssetSummary\n        runId\n        status\n        startedAt\n        endedAt\n        params {\n          id\n          params\n        }\n        devPerf {\n          id\n          metrics {\n            name\n            value\n          }\n        }\n        datasets {\n          ...AssetSummary\n        }\n        featuresets {\n          ...AssetSummary\n        }\n      }\n    }\n  }\n}": typeof types.CompareRunsDocument,
    "query DatasetImpact($id: ID!, $kinds: [AssetKind!] = [MODEL, DEPLOYMENT]) {\n  node(id: $id) {\n    id\n    ... on Dataset {\n      ...AssetSummary\n      downstream(kinds: $kinds) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n            ... on Deployment {\n              environment\n              model {\n                ...AssetSummary\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}": typeof types.DatasetImpactDocument,
    "query ModelProvenance($id: ID!, $depth: Int, $limit: Int) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      framework\n      task\n      upstream(depth: $depth, limit: $limit) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n          }\n        }\n        edges {\n          kind\n          from {\n            id\n          }\n          to {\n            id\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ModelProvenanceDocument,
    "query SearchAssets($nameContains: String, $kind: AssetKind, $first: Int = 20, $after: String) {\n  assets(\n    kind: $kind\n    filter: {nameContains: $nameContains}\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...AssetSummary\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.SearchAssetsDocument,
    "mutation TagAsset($id: ID!, $tag: String) {\n  updateAsset(input: {id: $id, tag: $tag}) {\n    asset {\n      ...AssetSummary\n      updatedAt\n    }\n  }\n}": typeof types.TagAssetDocument,
};
const documents: Documents = {
    "fragment AssetSummary on Asset {\n  id\n  kind\n  name\n  version\n  tag\n}": types.AssetSummaryFragmentDoc,
    "query Asset($id: ID!) {\n  node(id: $id) {\n    id\n    ...AssetSummary\n  }\n}": types.AssetDocument,
    "query CompareRuns($id: ID!) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      producedBy {\n        ...AssetSummary\n        runId\n        status\n        startedAt\n        endedAt\n        params {\n          id\n          params\n        }\n        devPerf {\n          id\n          metrics {\n            name\n            value\n          }\n        }\n        datasets {\n          ...AssetSummary\n        }\n        featuresets {\n          ...AssetSummary\n        }\n      }\n    }\n  }\n}": types.CompareRunsDocument,
    "query DatasetImpact($id: ID!, $kinds: [AssetKind!] = [MODEL, DEPLOYMENT]) {\n  node(id: $id) {\n    id\n    ... on Dataset {\n      ...AssetSummary\n      downstream(kinds: $kinds) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n            ... on Deployment {\n              environment\n              model {\n                ...AssetSummary\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}": types.DatasetImpactDocument,
    "query ModelProvenance($id: ID!, $depth: Int, $limit: Int) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      framework\n      task\n      upstream(depth: $depth, limit: $limit) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n          }\n        }\n        edges {\n          kind\n          from {\n            id\n          }\n          to {\n            id\n          }\n        }\n      }\n    }\n  }\n}": types.ModelProvenanceDocument,
    "query SearchAssets($nameContains: String, $kind: AssetKind, $first: Int = 20, $after: String) {\n  assets(\n    kind: $kind\n    filter: {nameContains: $nameContains}\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...AssetSummary\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.SearchAssetsDocument,
    "mutation TagAsset($id: ID!, $tag: String) {\n  updateAsset(input: {id: $id, tag: $tag}) {\n    asset {\n      ...AssetSummary\n      updatedAt\n    }\n  }\n}": types.TagAssetDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AssetSummary on Asset {\n  id\n  kind\n  name\n  version\n  tag\n}"): (typeof documents)["fragment AssetSummary on Asset {\n  id\n  kind\n  name\n  version\n  tag\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Asset($id: ID!) {\n  node(id: $id) {\n    id\n    ...AssetSummary\n  }\n}"): (typeof documents)["query Asset($id: ID!) {\n  node(id: $id) {\n    id\n    ...AssetSummary\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CompareRuns($id: ID!) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      producedBy {\n        ...AssetSummary\n        runId\n        status\n        startedAt\n        endedAt\n        params {\n          id\n          params\n        }\n        devPerf {\n          id\n          metrics {\n            name\n            value\n          }\n        }\n        datasets {\n          ...AssetSummary\n        }\n        featuresets {\n          ...AssetSummary\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query CompareRuns($id: ID!) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      producedBy {\n        ...AssetSummary\n        runId\n        status\n        startedAt\n        endedAt\n        params {\n          id\n          params\n        }\n        devPerf {\n          id\n          metrics {\n            name\n            value\n          }\n        }\n        datasets {\n          ...AssetSummary\n        }\n        featuresets {\n          ...AssetSummary\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DatasetImpact($id: ID!, $kinds: [AssetKind!] = [MODEL, DEPLOYMENT]) {\n  node(id: $id) {\n    id\n    ... on Dataset {\n      ...AssetSummary\n      downstream(kinds: $kinds) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n            ... on Deployment {\n              environment\n              model {\n                ...AssetSummary\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query DatasetImpact($id: ID!, $kinds: [AssetKind!] = [MODEL, DEPLOYMENT]) {\n  node(id: $id) {\n    id\n    ... on Dataset {\n      ...AssetSummary\n      downstream(kinds: $kinds) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n            ... on Deployment {\n              environment\n              model {\n                ...AssetSummary\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ModelProvenance($id: ID!, $depth: Int, $limit: Int) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      framework\n      task\n      upstream(depth: $depth, limit: $limit) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n          }\n        }\n        edges {\n          kind\n          from {\n            id\n          }\n          to {\n            id\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ModelProvenance($id: ID!, $depth: Int, $limit: Int) {\n  node(id: $id) {\n    id\n    ... on Model {\n      ...AssetSummary\n      framework\n      task\n      upstream(depth: $depth, limit: $limit) {\n        truncated\n        nodes {\n          degree\n          asset {\n            ...AssetSummary\n          }\n        }\n        edges {\n          kind\n          from {\n            id\n          }\n          to {\n            id\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SearchAssets($nameContains: String, $kind: AssetKind, $first: Int = 20, $after: String) {\n  assets(\n    kind: $kind\n    filter: {nameContains: $nameContains}\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...AssetSummary\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query SearchAssets($nameContains: String, $kind: AssetKind, $first: Int = 20, $after: String) {\n  assets(\n    kind: $kind\n    filter: {nameContains: $nameContains}\n    first: $first\n    after: $after\n  ) {\n    edges {\n      cursor\n      node {\n        ...AssetSummary\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation TagAsset($id: ID!, $tag: String) {\n  updateAsset(input: {id: $id, tag: $tag}) {\n    asset {\n      ...AssetSummary\n      updatedAt\n    }\n  }\n}"): (typeof documents)["mutation TagAsset($id: ID!, $tag: String) {\n  updateAsset(input: {id: $id, tag: $tag}) {\n    asset {\n      ...AssetSummary\n      updatedAt\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;