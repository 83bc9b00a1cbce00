import { createHash } from 'node:crypto';
import { badInput } from './errors.js';
import type { AssetKind, JsonValue } from './kinds.js';

/**
 * Reusable steps: how much of the pipeline lies downstream of an asset
 * (its usage), and which assets do the same work under different names
 * (duplicates). Shared by every engine, so both answer alike.
 */

/**
 * The distinct runs, models and deployments in an asset's downstream
 * lineage (the lineage relations, as `downstream` follows them, at any
 * depth; the asset itself is not counted). Distinct counts do not add up
 * along a diamond: a model reached through two featuresets counts once.
 * For a scoped viewer, only the assets it may see are counted, while the
 * lineage still passes through the others, as a lineage does.
 */
export interface Usage {
  runs: number;
  models: number;
  deployments: number;
}

/** The kinds a usage counts, and the member of `Usage` each fills. */
export const USAGE_KINDS = { RUN: 'runs', MODEL: 'models', DEPLOYMENT: 'deployments' } as const satisfies Partial<
  Record<AssetKind, keyof Usage>
>;

export const NO_USAGE: Usage = { runs: 0, models: 0, deployments: 0 };

/** The kinds `duplicates` compares, each by what does its work. */
export type DuplicateKind = 'FEATURESET' | 'MODEL_PARAMS' | 'DATASET';
export const DUPLICATE_KINDS: readonly DuplicateKind[] = ['DATASET', 'FEATURESET', 'MODEL_PARAMS'];

/** `kind` as a kind `duplicates` compares, or BAD_USER_INPUT naming `field`. */
export function duplicateKind(kind: AssetKind, field: string): DuplicateKind {
  const known = DUPLICATE_KINDS.find((candidate) => candidate === kind);
  if (known === undefined) {
    throw badInput([field], `expected one of ${DUPLICATE_KINDS.join(', ')}, received ${kind}: only these kinds have work to compare`);
  }
  return known;
}

/**
 * What two assets of a kind must share to do the same work, as one JSON
 * value, or null when the asset holds nothing to compare (a dataset with
 * neither source nor statistics, a featureset with no features and no
 * datasets, empty params), which is never a duplicate of anything:
 *
 * - DATASET: `{ source, statistics }`;
 * - FEATURESET: `{ features, datasets }`, features as a set of
 *   (name, dtype) sorted by name then dtype, and the ids of the datasets it
 *   derives from (`featureset_dataset`), sorted;
 * - MODEL_PARAMS: the params.
 */
export function comparedContent(kind: DuplicateKind, fields: ComparedFields): JsonValue | null {
  switch (kind) {
    case 'DATASET': {
      const source = fields.source ?? null;
      const statistics = fields.statistics ?? null;
      return source === null && statistics === null ? null : { source, statistics };
    }
    case 'FEATURESET': {
      const features = [...(fields.features ?? [])]
        .map(({ name, dtype }) => ({ name, dtype }))
        .sort((a, b) => compareText(a.name, b.name) || compareText(a.dtype, b.dtype));
      const datasets = [...new Set(fields.datasets ?? [])].sort(compareText);
      return features.length === 0 && datasets.length === 0 ? null : { features, datasets };
    }
    case 'MODEL_PARAMS': {
      const params = fields.params ?? null;
      return params === null || (typeof params === 'object' && !Array.isArray(params) && Object.keys(params).length === 0) ? null : params;
    }
  }
}

/** The stored facts `comparedContent` reads; each kind reads its own. */
export interface ComparedFields {
  source?: string | null;
  statistics?: JsonValue | null;
  features?: readonly { name: string; dtype: string }[] | null;
  datasets?: readonly string[] | null;
  params?: JsonValue | null;
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, numbers
 * as JavaScript writes them; arrays keep their order. Two values equal as
 * JSON give the same text, whatever order their keys were stored in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort(compareText);
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(',')}}`;
}

/** A duplicate group's fingerprint: the SHA-256 (hex) of the kind and the canonical JSON of what is compared. */
export function fingerprint(kind: DuplicateKind, content: JsonValue): string {
  return createHash('sha256').update(`${kind}\n${canonicalJson(content)}`).digest('hex');
}

/** The most groups `duplicates` answers, and how many when no limit is given. */
export const DEFAULT_DUPLICATE_GROUPS = 20;
export const MAX_DUPLICATE_GROUPS = 100;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
