import { parseStoredInstant } from '../../domain/instants.js';
import { isJsonObject } from '../../domain/json.js';
import {
  RUN_STATUSES,
  type AssetKind,
  type Feature,
  type JsonObject,
  type JsonValue,
  type Metrics,
  type RunStatus,
} from '../../domain/kinds.js';
import {
  COMMON_ATTRIBUTES,
  nameSources,
  OVERFLOW_ATTRIBUTE,
  type StoredDocument,
} from './attributes.js';

/**
 * Reads one document's attributes as typed values, remembering what it
 * consumed, so that `properties()` is exactly what is left: the free
 * attributes, the overflow object and the values that did not fit their
 * typed field.
 */
export class AttributeReader {
  private readonly taken = new Set<string>();
  private readonly misfits: JsonObject = {};

  constructor(
    private readonly doc: StoredDocument,
    private readonly kind: AssetKind,
    /** The attributes of the kind's typed fields (`kindAttributes`). */
    private readonly attributes: readonly string[],
  ) {}

  get key(): string {
    return this.doc._key;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.doc, name);
  }

  /** The first non-empty string of the kind's name sources, else the key. */
  name(): string {
    // A `name` that names nothing (not a non-empty string) is kept as a property.
    const own = this.doc.name;
    if (own !== undefined && own !== null && (typeof own !== 'string' || own === '')) this.misfit('name', own);
    for (const source of nameSources(this.kind)) {
      const value = this.doc[source];
      if (typeof value === 'string' && value !== '') return value;
    }
    return this.doc._key;
  }

  text(name: string): string | null {
    return this.typed(name, (value) => (typeof value === 'string' ? value : undefined));
  }

  object(name: string): JsonObject | null {
    return this.typed(name, (value) => (isJsonObject(value) ? (value as JsonObject) : undefined));
  }

  /** A stored instant (metalayer's ISO 8601, or arangopipe's Python form), normalised to UTC with milliseconds. */
  instant(name: string): string | null {
    return this.typed(name, (value) =>
      typeof value === 'string' ? (parseStoredInstant(value) ?? undefined) : undefined,
    );
  }

  /** One of arangopipe's timestamps, read without consuming it: it stays a property. */
  looseInstant(name: string): string | null {
    const value = this.doc[name];
    return typeof value === 'string' ? parseStoredInstant(value) : null;
  }

  /**
   * A creation or update time: the stored text read as an instant, or the
   * text itself when no reading makes sense of it (it is the data's fault,
   * which the caller reports with the asset, never an internal error).
   */
  storedTime(name: string): string | null {
    const text = this.text(name);
    return text === null ? null : (parseStoredInstant(text) ?? text);
  }

  status(name: string): RunStatus | null {
    const statuses: readonly string[] = RUN_STATUSES;
    return this.typed(name, (value) =>
      typeof value === 'string' && statuses.includes(value) ? (value as RunStatus) : undefined,
    );
  }

  metrics(name: string): Metrics | null {
    return this.typed(name, (value) =>
      isJsonObject(value) && Object.values(value).every(isFiniteNumber) ? (value as Metrics) : undefined,
    );
  }

  features(name: string): Feature[] | null {
    return this.typed(name, (value) =>
      Array.isArray(value) && value.every(isFeature)
        ? value.map((f: Feature) => ({ name: f.name, dtype: f.dtype }))
        : undefined,
    );
  }

  /** Consumes the free attributes whose value passes `accept`, except `keep`. */
  takeFree(accept: (value: unknown) => boolean, keep: readonly string[]): JsonObject {
    const result: JsonObject = {};
    for (const [name, value] of this.freeAttributes()) {
      if (keep.includes(name) || !accept(value)) continue;
      this.taken.add(name);
      result[name] = value;
    }
    return result;
  }

  /** Everything not consumed by a typed field; call after every typed read. */
  properties(): JsonObject {
    const properties: JsonObject = Object.fromEntries(this.freeAttributes());
    Object.assign(properties, this.misfits);
    const overflow = this.doc[OVERFLOW_ATTRIBUTE];
    if (isJsonObject(overflow)) Object.assign(properties, overflow);
    return properties;
  }

  private *freeAttributes(): Generator<[string, JsonValue]> {
    for (const [name, value] of Object.entries(this.doc)) {
      if (name === '_id' || name === '_key' || name === '_rev' || this.taken.has(name)) continue;
      if (COMMON_ATTRIBUTES.includes(name) || this.attributes.includes(name)) continue;
      yield [name, value as JsonValue];
    }
  }

  /** Reads a typed attribute; a present value that `accept` refuses becomes a property. */
  typed<T>(name: string, accept: (value: unknown) => T | undefined): T | null {
    this.taken.add(name);
    const value = this.doc[name];
    if (value === undefined || value === null) return null;
    const accepted = accept(value);
    if (accepted === undefined) {
      this.misfit(name, value);
      return null;
    }
    return accepted;
  }

  private misfit(name: string, value: unknown): void {
    this.misfits[name] = value as JsonValue;
  }
}

// ---------------------------------------------------------------------------
// Values

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isFeature(value: unknown): value is Feature {
  return (
    isJsonObject(value) &&
    typeof value.name === 'string' &&
    typeof value.dtype === 'string' &&
    Object.keys(value).length === 2
  );
}
