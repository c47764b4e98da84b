// A thin synchronous layer over the Durable Object's SQLite (ctx.storage.sql), in the
// manner of drizzle's DO driver: SQL text stays constant with `?` bindings so workerd's
// statement cache is reused, and every multi-statement write runs in transactionSync.

export type SqlValue = ArrayBuffer | string | number | null;
export type Row = Record<string, SqlValue>;

export class Sql {
  constructor(private readonly storage: DurableObjectStorage) {}

  exec(query: string, ...bindings: unknown[]): void {
    this.storage.sql.exec(query, ...bindings);
  }

  all<T extends Row>(query: string, ...bindings: unknown[]): T[] {
    return this.storage.sql.exec<T>(query, ...bindings).toArray();
  }

  /** Rows produced as they are iterated: a caller that stops early reads no further. */
  cursor<T extends Row>(query: string, ...bindings: unknown[]): Iterable<T> {
    return this.storage.sql.exec<T>(query, ...bindings);
  }

  /** First row or undefined. */
  first<T extends Row>(query: string, ...bindings: unknown[]): T | undefined {
    const next = this.storage.sql.exec<T>(query, ...bindings).next();
    return next.done ? undefined : next.value;
  }

  /** Runs `fn` atomically: a throw rolls back every statement it made. */
  transaction<T>(fn: () => T): T {
    return this.storage.transactionSync(fn);
  }
}
