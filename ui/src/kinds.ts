import type { AssetKind } from './generated/graphql.js';

/**
 * How each kind is drawn: a label and a colour (with a dark text colour on
 * each, for contrast). A Record over AssetKind, so a kind added to the
 * schema fails the typecheck until it has one.
 */
export const KIND_STYLES: Record<AssetKind, { label: string; colour: string }> = {
  PROJECT: { label: 'Project', colour: '#c7d2fe' },
  DATASET: { label: 'Dataset', colour: '#bbf7d0' },
  FEATURESET: { label: 'Featureset', colour: '#d9f99d' },
  MODEL: { label: 'Model', colour: '#fde68a' },
  RUN: { label: 'Run', colour: '#fed7aa' },
  MODEL_PARAMS: { label: 'Params', colour: '#e9d5ff' },
  DEV_PERF: { label: 'Dev perf', colour: '#fbcfe8' },
  DEPLOYMENT: { label: 'Deployment', colour: '#bae6fd' },
  SERVING_PERF: { label: 'Serving perf', colour: '#a5f3fc' },
};

export const ASSET_KINDS = Object.keys(KIND_STYLES) as AssetKind[];

export function isAssetKind(value: string): value is AssetKind {
  return Object.hasOwn(KIND_STYLES, value);
}

/**
 * How an asset's kind is drawn. A server started with extensions answers
 * kinds this explorer was built without (`EVALUATION`): those are drawn in
 * grey under their own name (`Evaluation`), never left blank.
 */
export function kindStyle(kind: string): { label: string; colour: string } {
  if (isAssetKind(kind)) return KIND_STYLES[kind];
  const label = kind.charAt(0) + kind.slice(1).toLowerCase().replaceAll('_', ' ');
  return { label, colour: '#e5e7eb' };
}
