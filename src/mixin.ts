// withDynamoDB: gives any Durable Object class its own embedded DynamoDB engine.
//
//   import { DurableObject } from "cloudflare:workers";
//   import { withDynamoDB } from "durable-dynamodb/do";
//   import { PutCommand } from "durable-dynamodb/lib";
//
//   export class MyDO extends withDynamoDB(DurableObject<Env>, { tables: [visitsTable] }) {
//     async fetch() {
//       await this.documents.send(new PutCommand({ TableName: "visits", Item: { id: "a" } }));
//       return new Response("ok");
//     }
//   }
//
// `this.dynamodb` is the low-level client (PutItemCommand, ...), `this.documents` a
// DynamoDBDocumentClient over it (native JS values). Tables declared in `tables`
// (CreateTable inputs) are created when the engine starts if they do not exist yet, so
// the object's code can use them at once; existing tables are left as they are.
//
// The engine lives in the instance's own SQLite (`this.ctx.storage.sql`; the class must be
// a SQLite-backed Durable Object) and is the same dispatcher and stores a shard runs. Its
// tables are PRIVATE TO THAT DURABLE OBJECT INSTANCE: other instances of the class, the
// DynamoShard namespace and the HTTP edge never see them, and they share the instance's
// storage limits and single thread. `this.dynamodb` is a real @aws-sdk/client-dynamodb
// client whose handler calls the embedded engine directly (no RPC, no network, no signing).
// Engine migrations run in the constructor. The engine owns these SQLite table names in
// that database, which the class's own SQL must leave alone: _meta, tables, items,
// dropped_tables, index_items, dropped_indexes, index_stats, txn_tokens, txn_prepared,
// txn_coordinator, stream_records, streams, stream_trim, ttl_index, ttl_state (and any later
// schema versions add).
//
// Housekeeping (purging a deleted table's rows, backfilling an index added by UpdateTable)
// runs in bounded steps on timers in the instance, not on its alarm, so the class's own
// alarm() and alarm schedule are untouched. If the instance is evicted mid-way, the work
// resumes when it is next constructed.
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, type TranslateConfig } from "@aws-sdk/lib-dynamodb";
import type { DurableObject } from "cloudflare:workers";
import { DynamoDBClient } from "./client/client.js";
import { EmbeddedRequestHandler } from "./client/request-handler.js";
import { Engine } from "./engine/engine.js";

export interface WithDynamoDBOptions {
  /** Tables this object's code relies on: created when the engine starts, if missing. */
  tables?: CreateTableCommandInput[];
  /** Marshalling options of `this.documents` (as DynamoDBDocumentClient.from takes them). */
  translateConfig?: TranslateConfig;
}

const EMBEDDED_META = { region: "us-east-1", host: "embedded" };

// A mixin's base constructor must take `...args: any[]` (TypeScript's mixin rule).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DurableObjectClass = abstract new (...args: any[]) => DurableObject<unknown, unknown>;

/** What withDynamoDB adds to a Durable Object class's instances. */
export interface DynamoDBMembers {
  /** A DynamoDBClient over this instance's embedded engine (tables private to this instance). */
  readonly dynamodb: DynamoDBClient;
  /** A DynamoDBDocumentClient over `dynamodb`: the same engine with native JS values. */
  readonly documents: DynamoDBDocumentClient;
}

// The return type is spelled out so that declarations can name it: the class expression's
// own type would carry DurableObject's protected members, which a .d.ts cannot express.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type WithMembers<TBase extends DurableObjectClass> = TBase & (abstract new (...args: any[]) => DynamoDBMembers);

export function withDynamoDB<TBase extends DurableObjectClass>(
  Base: TBase,
  options: WithDynamoDBOptions = {},
): WithMembers<TBase> {
  abstract class WithDynamoDB extends Base implements DynamoDBMembers {
    /** A DynamoDBClient over this instance's embedded engine (tables private to this instance). */
    readonly dynamodb: DynamoDBClient;
    /** A DynamoDBDocumentClient over `dynamodb`: the same engine with native JS values. */
    readonly documents: DynamoDBDocumentClient;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const housekeeping = new TimerHousekeeping(() => engine.housekeep());
      const engine = new Engine(this.ctx as DurableObjectState, {
        scheduleHousekeeping: () => housekeeping.schedule(),
        exports: false,
      });
      createDeclaredTables(engine, options.tables ?? []);
      this.dynamodb = new DynamoDBClient({ requestHandler: new EmbeddedRequestHandler(engine) });
      this.documents = DynamoDBDocumentClient.from(this.dynamodb, options.translateConfig);
      // Resume any purge or backfill an earlier incarnation of this instance left unfinished.
      housekeeping.schedule();
    }
  }
  return WithDynamoDB;
}

/**
 * Creates each declared table the engine does not have yet. Synchronous, in the
 * constructor, so no request can run before them. A declaration DynamoDB would refuse is a
 * programming error: thrown, with DynamoDB's message.
 */
function createDeclaredTables(engine: Engine, tables: CreateTableCommandInput[]): void {
  for (const table of tables) {
    if (table.TableName !== undefined && engine.tableInfo(table.TableName)) continue;
    const reply = engine.handle("CreateTable", JSON.stringify(table), EMBEDDED_META);
    if (reply.status !== 200) {
      const error = JSON.parse(reply.body) as { __type?: string; message?: string };
      throw new Error(
        `withDynamoDB: declared table ${table.TableName ?? "(no name)"}: ${error.__type?.split("#")[1] ?? "error"}: ${error.message ?? ""}`,
      );
    }
  }
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
