// One shard = one Durable Object holding tables and items in its SQLite database. Every
// operation runs synchronously inside `handle`, so a read-check-write never yields.
import { DurableObject } from "cloudflare:workers";
import { dispatch } from "./dispatch";
import { DynamoError } from "./errors";
import type { OpContext } from "./ops/operation";
import { backfillChunk } from "./storage/backfill";
import { Catalogue } from "./storage/catalogue";
import { IndexStore } from "./storage/index-store";
import { ItemStore } from "./storage/items";
import { migrate } from "./storage/schema";
import { Sql } from "./storage/sql";
import type { Env } from "./worker";

/** Rows deleted per alarm run when purging dropped tables: bounded CPU per invocation. */
const PURGE_CHUNK = 2000;
/** Items copied per alarm run into an index being backfilled (each is parsed and indexed). */
const BACKFILL_CHUNK = 200;

export interface CallMeta {
  region: string;
  host: string;
}

export interface WireReply {
  status: number;
  body: string;
}

export class DynamoShard extends DurableObject<Env> {
  private readonly sql: Sql;
  private readonly catalogue: Catalogue;
  private readonly items: ItemStore;
  private readonly indexes: IndexStore;

  constructor(state: DurableObjectState, env: Env) {
    super(state, env);
    this.sql = new Sql(state.storage);
    migrate(this.sql);
    this.catalogue = new Catalogue(this.sql);
    this.items = new ItemStore(this.sql);
    this.indexes = new IndexStore(this.sql);
  }

  /** Wire entry point: JSON text in, JSON text out (errors already serialised). */
  handle(operation: string, body: string, meta: CallMeta): WireReply {
    let input: unknown;
    try {
      input = JSON.parse(body === "" ? "{}" : body);
    } catch {
      return errorReply(new DynamoError("SerializationException", "Unexpected character found when decoding JSON"));
    }
    try {
      const output = dispatch(this.context(meta), operation, input);
      return { status: 200, body: JSON.stringify(output) };
    } catch (err) {
      if (err instanceof DynamoError) return errorReply(err);
      // A bug, not bad input: the transaction (if any) rolled back; resync the cache.
      console.error(`internal error in ${operation}`, err);
      this.catalogue.reload();
      return errorReply(new DynamoError("InternalServerError", "Internal server error", 500));
    }
  }

  /**
   * Housekeeping, one bounded step of each kind per run: purging rows of dropped tables
   * and indexes, and backfilling an index added by UpdateTable. Reschedules itself at
   * once while work remains, so requests interleave between steps.
   */
  override async alarm(): Promise<void> {
    let more: boolean;
    try {
      const purging = this.sql.transaction(
        () => this.items.purgeDropped(PURGE_CHUNK) || this.indexes.purgeDropped(PURGE_CHUNK),
      );
      const backfilling = this.sql.transaction(() =>
        backfillChunk({ sql: this.sql, indexes: this.indexes }, this.catalogue, BACKFILL_CHUNK),
      );
      more = purging || backfilling;
    } catch (err) {
      // The transaction rolled back; the cached catalogue may be ahead of it. The alarm is
      // retried by the runtime.
      this.catalogue.reload();
      throw err;
    }
    if (more) await this.ctx.storage.setAlarm(Date.now());
  }

  private context(meta: CallMeta): OpContext {
    return {
      sql: this.sql,
      catalogue: this.catalogue,
      items: this.items,
      indexes: this.indexes,
      region: meta.region,
      accountId: "000000000000",
      now: Date.now(),
      host: meta.host,
      scheduleHousekeeping: () => {
        void this.ctx.storage.setAlarm(Date.now());
      },
    };
  }
}

export function errorReply(err: DynamoError): WireReply {
  return { status: err.status, body: JSON.stringify(err.toJSON()) };
}
