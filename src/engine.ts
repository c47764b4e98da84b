// The engine one Durable Object runs over its own SQLite: the stores, the catalogue and
// the dispatcher behind one synchronous `handle`, plus one bounded housekeeping step.
// Built from a DurableObjectState so that both hosts share it: the DynamoShard Durable
// Object (tables reached over RPC and the HTTP edge) and the withDynamoDB mixin (tables
// private to one user Durable Object). Schema migrations run on construction.
import { dispatch } from "./dispatch";
import { DynamoError } from "./errors";
import type { OpContext } from "./ops/operation";
import { backfillChunk } from "./storage/backfill";
import { Catalogue } from "./storage/catalogue";
import { IndexStore } from "./storage/index-store";
import { ItemStore } from "./storage/items";
import { migrate } from "./storage/schema";
import { Sql } from "./storage/sql";

/** Rows deleted per housekeeping step when purging dropped tables: bounded CPU per step. */
const PURGE_CHUNK = 2000;
/** Items copied per housekeeping step into an index being backfilled (each is parsed and indexed). */
const BACKFILL_CHUNK = 200;

export interface CallMeta {
  region: string;
  host: string;
}

export interface WireReply {
  status: number;
  body: string;
}

export interface EngineOptions {
  /**
   * How the engine asks for `housekeep` to be called soon (after DeleteTable, or an
   * UpdateTable that adds or drops an index). Default: the Durable Object's alarm, set to
   * fire at once; the host's `alarm()` then calls `housekeep`.
   */
  scheduleHousekeeping?: () => void;
}

export class Engine {
  readonly sql: Sql;
  readonly catalogue: Catalogue;
  readonly items: ItemStore;
  readonly indexes: IndexStore;
  private readonly schedule: () => void;

  constructor(state: DurableObjectState, options: EngineOptions = {}) {
    this.sql = new Sql(state.storage);
    migrate(this.sql);
    this.catalogue = new Catalogue(this.sql);
    this.items = new ItemStore(this.sql);
    this.indexes = new IndexStore(this.sql);
    this.schedule =
      options.scheduleHousekeeping ??
      (() => {
        void state.storage.setAlarm(Date.now());
      });
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
   * One bounded step of each kind of housekeeping: purging rows of dropped tables and
   * indexes, and backfilling an index added by UpdateTable. Returns true while work
   * remains (the host calls again soon, so requests interleave between steps). On a
   * failure the step's transaction has rolled back; the catalogue cache is resynced and
   * the error rethrown.
   */
  housekeep(): boolean {
    try {
      const purging = this.sql.transaction(
        () => this.items.purgeDropped(PURGE_CHUNK) || this.indexes.purgeDropped(PURGE_CHUNK),
      );
      const backfilling = this.sql.transaction(() =>
        backfillChunk({ sql: this.sql, indexes: this.indexes }, this.catalogue, BACKFILL_CHUNK),
      );
      return purging || backfilling;
    } catch (err) {
      this.catalogue.reload();
      throw err;
    }
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
      scheduleHousekeeping: this.schedule,
    };
  }
}

export function errorReply(err: DynamoError): WireReply {
  return { status: err.status, body: JSON.stringify(err.toJSON()) };
}
