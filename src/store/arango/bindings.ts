import type { AqlQuery } from 'arangojs/aql';

/**
 * The bind variables of one query, by name. Every value that comes from a
 * request goes through `bind` and so reaches ArangoDB as a bind variable,
 * never as query text; the text holds only fixed AQL and catalogue
 * identifiers (`catalogue.identifier`).
 *
 * Named variables (`@starts`, `@g0_depth`) rather than the `aql` template's
 * `@value0…` keep the text readable in logs and the tests exact.
 */
export class Bindings {
  private readonly vars: Record<string, unknown> = {};

  /** Binds `value` as `@name` and returns that reference. */
  bind(name: string, value: unknown): string {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid bind variable name "${name}"`);
    if (Object.hasOwn(this.vars, name)) throw new Error(`bind variable "${name}" is bound twice`);
    this.vars[name] = value;
    return `@${name}`;
  }

  /** The query: `lines` joined, its first line naming it (`/* traverse *\/`). */
  query(lines: readonly string[]): AqlQuery {
    return { query: lines.join('\n'), bindVars: { ...this.vars } };
  }
}
