import type { ApolloClient } from '@apollo/client';
import {
  AssetDocument,
  CompareRunsDocument,
  DatasetImpactDocument,
  ModelProvenanceDocument,
  SearchAssetsDocument,
  TagAssetDocument,
  type AssetKind,
  type AssetQuery,
  type CompareRunsQuery,
  type DatasetImpactQuery,
  type ModelProvenanceQuery,
  type SearchAssetsQuery,
  type TagAssetMutation,
} from './generated/graphql.js';

/**
 * The questions a lineage UI asks, typed end to end: each document is
 * generated from examples/operations/*.graphql, so variables and results are
 * checked against schema.graphql by `tsc`. `node(id:)` answers any asset, so
 * each function narrows it to the kind it asked for (null when the id names
 * an asset of another kind, or none).
 */

type NodeOf<Q extends { node?: unknown }, T extends string> = Extract<NonNullable<Q['node']>, { __typename: T }>;

export type ModelProvenance = NodeOf<ModelProvenanceQuery, 'Model'>;
export type DatasetImpact = NodeOf<DatasetImpactQuery, 'Dataset'>;
export type ModelRuns = NodeOf<CompareRunsQuery, 'Model'>;
export type AssetSummary = Exclude<NonNullable<AssetQuery['node']>, { __typename: 'Change' }>;
export type SearchPage = SearchAssetsQuery['assets'];

/** Everything upstream of a model, nearest first; `depth` bounds the hops. */
export async function modelProvenance(client: ApolloClient, id: string, depth?: number): Promise<ModelProvenance | null> {
  const { data } = await client.query({ query: ModelProvenanceDocument, variables: { id, depth } });
  return data?.node?.__typename === 'Model' ? data.node : null;
}

/** Every model and deployment derived from a dataset (or the given kinds). */
export async function datasetImpact(client: ApolloClient, id: string, kinds?: AssetKind[]): Promise<DatasetImpact | null> {
  const { data } = await client.query({ query: DatasetImpactDocument, variables: { id, kinds } });
  return data?.node?.__typename === 'Dataset' ? data.node : null;
}

/** The runs that produced a model, with their parameters, metrics and data. */
export async function compareRuns(client: ApolloClient, id: string): Promise<ModelRuns | null> {
  const { data } = await client.query({ query: CompareRunsDocument, variables: { id } });
  return data?.node?.__typename === 'Model' ? data.node : null;
}

/** One asset, from the cache alone: null when no query has brought it yet. */
export async function cachedAsset(client: ApolloClient, id: string): Promise<AssetSummary | null> {
  const { data } = await client.query({ query: AssetDocument, variables: { id }, fetchPolicy: 'cache-only' });
  const node = data?.node;
  return node && node.__typename !== 'Change' ? node : null;
}

export interface Search {
  nameContains?: string;
  kind?: AssetKind;
  first?: number;
  /** `pageInfo.endCursor` of the previous page. */
  after?: string;
}

/** One page of assets whose name contains `nameContains`, oldest first. */
export async function searchAssets(client: ApolloClient, search: Search): Promise<SearchPage | null> {
  const { data } = await client.query({ query: SearchAssetsDocument, variables: search });
  return data?.assets ?? null;
}

/** Tags an asset; the cached asset, and every query showing it, take the new tag. */
export async function tagAsset(
  client: ApolloClient,
  id: string,
  tag: string | null,
): Promise<NonNullable<TagAssetMutation['updateAsset']>['asset'] | null> {
  const { data } = await client.mutate({ mutation: TagAssetDocument, variables: { id, tag } });
  return data?.updateAsset.asset ?? null;
}
