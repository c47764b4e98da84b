// One shard = one Durable Object holding tables and items in its SQLite database, reached
// over RPC by the HTTP edge and by the SDK-compatible client. The engine (src/engine.ts)
// runs every operation synchronously inside `handle`, so a read-check-write never yields.
import { DurableObject } from "cloudflare:workers";
import { Engine, type CallMeta, type WireReply } from "./engine";
import type { TableDef } from "./storage/catalogue";
import type { Env } from "./worker";

export { errorReply, type CallMeta, type WireReply } from "./engine";

export class DynamoShard extends DurableObject<Env> {
  private readonly engine: Engine;

  constructor(state: DurableObjectState, env: Env) {
    super(state, env);
    this.engine = new Engine(state);
  }

  /** Wire entry point: JSON text in, JSON text out (errors already serialised). */
  handle(operation: string, body: string, meta: CallMeta): WireReply {
    return this.engine.handle(operation, body, meta);
  }

  /** Cluster router: this shard's definition of a table (shard 0 is the catalogue home). */
  tableInfo(name: string): TableDef | null {
    return this.engine.tableInfo(name);
  }

  /** Cluster router: install, update or (null) drop this shard's copy of a table definition. */
  applyTable(name: string, def: TableDef | null): void {
    this.engine.applyTable(name, def);
  }

  /** Housekeeping (purges, index backfill), one bounded step per run, rescheduled while work remains. */
  override async alarm(): Promise<void> {
    if (this.engine.housekeep()) await this.ctx.storage.setAlarm(Date.now());
  }
}
