// withDynamoDB: gives any Durable Object class its own embedded DynamoDB engine.
//
//   import { DurableObject } from "cloudflare:workers";
//   import { withDynamoDB, PutItemCommand } from "durable-dynamodb";
//
//   export class MyDO extends withDynamoDB(DurableObject<Env>) {
//     async fetch() {
//       await this.dynamodb.send(new PutItemCommand({ TableName: "t", Item: { id: { S: "a" } } }));
//       return new Response("ok");
//     }
//   }
//
// The engine lives in the instance's own SQLite (`this.ctx.storage.sql`; the class must be
// a SQLite-backed Durable Object) and is the same dispatcher and stores a shard runs. Its
// tables are PRIVATE TO THAT DURABLE OBJECT INSTANCE: other instances of the class, the
// DynamoShard namespace and the HTTP edge never see them, and they share the instance's
// storage limits and single thread. `this.dynamodb` is a real @aws-sdk/client-dynamodb
// client whose handler calls the embedded engine directly (no RPC, no network, no signing).
// Engine migrations run in the constructor. The engine owns these SQLite table names in
// that database, which the class's own SQL must leave alone: _meta, tables, items,
// dropped_tables, index_items, dropped_indexes, index_stats, txn_tokens (and any later
// schema versions add).
//
// Housekeeping (purging a deleted table's rows, backfilling an index added by UpdateTable)
// runs in bounded steps on timers in the instance, not on its alarm, so the class's own
// alarm() and alarm schedule are untouched. If the instance is evicted mid-way, the work
// resumes when it is next constructed.
import type { DurableObject } from "cloudflare:workers";
import { DynamoDBClient } from "./client/client";
import { EmbeddedRequestHandler } from "./client/handler";
import { Engine } from "./engine";

// A mixin's base constructor must take `...args: any[]` (TypeScript's mixin rule).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DurableObjectClass = abstract new (...args: any[]) => DurableObject<unknown, unknown>;

export function withDynamoDB<TBase extends DurableObjectClass>(Base: TBase) {
  abstract class WithDynamoDB extends Base {
    /** A DynamoDBClient over this instance's embedded engine (tables private to this instance). */
    readonly dynamodb: DynamoDBClient;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const housekeeping = new TimerHousekeeping(() => engine.housekeep());
      const engine = new Engine(this.ctx as DurableObjectState, {
        scheduleHousekeeping: () => housekeeping.schedule(),
      });
      this.dynamodb = new DynamoDBClient({ requestHandler: new EmbeddedRequestHandler(engine) });
      // Resume any purge or backfill an earlier incarnation of this instance left unfinished.
      housekeeping.schedule();
    }
  }
  return WithDynamoDB;
}

/** Runs housekeeping steps one per macrotask, so requests interleave between steps. */
class TimerHousekeeping {
  private pending = false;

  constructor(private readonly step: () => boolean) {}

  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => this.run(), 0);
  }

  private run(): void {
    this.pending = false;
    let more: boolean;
    try {
      more = this.step();
    } catch (err) {
      // The step rolled back; it is retried the next time housekeeping is scheduled.
      console.error("durable-dynamodb: embedded engine housekeeping failed", err);
      return;
    }
    if (more) this.schedule();
  }
}
