import type { Database, Statement } from 'better-sqlite3';

/** Prepares each distinct SQL text once, for statements whose text depends on the request (batch sizes, filters). */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
