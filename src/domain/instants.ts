import { badInput, type FieldPath } from './errors.js';

/**
 * Instants, parsed one way everywhere. metalayer stores and answers every
 * instant as ISO 8601 UTC with milliseconds (`2026-01-31T12:00:00.000Z`).
 *
 * - What clients send (`parseInstant`) must name one instant: an ISO 8601
 *   date-time with `Z` or an offset (`2026-01-31T13:00:00.5+01:00`), or a
 *   calendar date (`2026-01-31`, midnight UTC). A date-time without an offset
 *   is refused, and so is a date the calendar lacks (`2026-02-30`): nothing
 *   rolls over.
 * - What other tools stored (`parseStoredInstant`) is read leniently:
 *   arangopipe's Python `str(datetime)` (`2019-06-06 12:52:11.190048`) and
 *   any ISO 8601 form, as UTC when it has no offset.
 */

const STRICT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;
const LENIENT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Whether `text` is an instant in the canonical form metalayer writes (`toISOString`), which needs no parsing. */
export function isCanonicalInstant(text: string): boolean {
  return CANONICAL.test(text);
}

/** Instants metalayer accepts from clients: event times of ML pipelines, not arbitrary dates. */
const EARLIEST_INSTANT = Date.UTC(1900, 0, 1);
const LATEST_INSTANT = Date.UTC(2200, 0, 1);

/** A client's instant in the canonical form, or null when it names no single valid instant. */
export function parseInstant(text: string): string | null {
  return fromMatch(STRICT.exec(text));
}

/** A stored instant in the canonical form, or null when no reading makes sense of it. */
export function parseStoredInstant(text: string): string | null {
  return fromMatch(LENIENT.exec(text.trim()));
}

function fromMatch(match: RegExpExecArray | null): string | null {
  if (!match) return null;
  const [, year = '', month = '', day = '', hours = '00', minutes = '00', seconds = '00', fraction = '', zone = 'Z'] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hours, minutes, seconds].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const offset = zone.toUpperCase() === 'Z' ? 0 : offsetMinutes(zone);
  if (offset === null) return null;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, millis) - offset * 60_000;
  return new Date(ms).toISOString();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `+01:00`, `-0530` → signed minutes; null beyond ±23:59. */
function offsetMinutes(zone: string): number | null {
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}

/** A client's instant from 1900 to 2200, canonical; BAD_USER_INPUT naming `field` otherwise. */
export function requireInstant(value: string, field: FieldPath): string {
  const instant = parseInstant(value);
  if (instant === null) {
    throw badInput(field, `expected an ISO 8601 date-time with an offset such as "2026-01-31T12:00:00Z", received ${JSON.stringify(value)}`);
  }
  const ms = Date.parse(instant);
  if (ms < EARLIEST_INSTANT || ms >= LATEST_INSTANT) {
    throw badInput(field, `expected an instant from 1900 to 2200, received ${JSON.stringify(value)}`);
  }
  return instant;
}

export function optionalInstant(value: string | null | undefined, field: FieldPath): string | null {
  return value === null || value === undefined ? null : requireInstant(value, field);
}
