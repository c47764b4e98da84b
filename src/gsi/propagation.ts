// Delivery of a table partition's index changes (src/storage/gsi-outbox.ts) to the
// partitions of the global secondary indexes kept in objects of their own. One runner per
// object takes the oldest changes, sends each index partition its share in seq order
// (src/storage/gsi-inbox.ts applies each once), drops what was applied, and goes on until
// the outbox is empty; a round that fails or makes no progress stops it, and the shard's
// alarm starts it again. A change is thus delivered at least once, applied once, and in
// order per item: an item's changes come from the one object holding it (a split waits
// for its source's changes to be delivered before the new object takes writes,
// src/split/source.ts).
//
// DynamoDB updates its GSIs asynchronously; a write here by default waits (a bounded time)
// for its changes to be applied before it answers, so a client reading its own write
// through an index sees it as it would from DynamoDB Local (DDB_GSI_WAIT_MS=0: no wait).
import type { Engine } from "../engine/engine.js";
import { objectName, partitionOfHash, sharedObject } from "../schema/partition-map.js";
import { storedHash } from "../keys/partition.js";
import type { TableDef } from "../schema/table-def.js";
import type { ShardDirectory, ShardStub } from "../protocol/shard-rpc.js";
import { reach } from "../storage/faults.js";
import type { OutboxRow } from "../storage/gsi-outbox.js";

/** Changes read per round (every index partition gets its share of them in one call). */
const ROUND = 256;

export interface Self {
  tenant?: string;
  object: string;
}

interface Waiter {
  seq: number;
  resolve: () => void;
}

export class Propagation {
  private running: Promise<void> | undefined;
  private waiters: Waiter[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly directory: ShardDirectory,
    /** This object's name, once the router has told it (null: not yet known). */
    private readonly self: () => Self | null,
    /** Called when delivery stopped with changes left: the host's alarm starts it again. */
    private readonly retryLater: () => void,
  ) {}

  /** Starts the runner if it is not going. */
  kick(): void {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      this.wake(true);
    });
  }

  /**
   * Starts delivering; resolves once no change up to `seq` waits any more, once the runner stops without
   * delivering it (a crash or an unreachable partition: the alarm delivers it later), or
   * after `ms`.
   */
  settled(seq: number, ms: number): Promise<void> {
    this.kick();
    if (ms <= 0 || !this.engine.outbox.waitingThrough(seq)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { seq, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, ms);
    });
  }

  private async run(): Promise<void> {
    const self = this.self();
    const source = self && objectName(self.tenant, self.object);
    const binding = source && this.directory.ownBinding(source);
    if (!self || !source || !binding) {
      if (this.engine.outbox.lastSeq() > 0) this.retryLater();
      return;
    }
    try {
      for (;;) {
        const rows = this.engine.outbox.next(ROUND);
        if (rows.length === 0) return;
        reach("gsi:before-send");
        const byDest = new Map<string, OutboxRow[]>();
        for (const row of rows) {
          const dest = this.route(row);
          const list = byDest.get(dest);
          if (list) list.push(row);
          else byDest.set(dest, [row]);
        }
        const progress = await Promise.all(
          [...byDest].map(([dest, list]) => this.send(self, source, binding, dest, list)),
        );
        this.wake(false);
        if (!progress.some(Boolean)) {
          this.retryLater();
          return;
        }
      }
    } catch (err) {
      console.error("durable-dynamodb: index propagation failed", err);
      this.retryLater();
    }
  }

  /** One index partition's share of a round; true when some of it was applied or dropped. */
  private async send(self: Self, source: string, binding: string, dest: string, rows: OutboxRow[]): Promise<boolean> {
    const stub = this.stub(binding, objectName(self.tenant, dest));
    // The rows as they are (an OutboxRow is an IndexChange; its `dest` rides along unused).
    const reply = await stub.indexApply(source, rows);
    reach("gsi:after-apply");
    const done = rows.filter((r) => r.seq <= reply.through).map((r) => r.seq);
    this.engine.outbox.delivered(done);
    if (reply.moved) return (await this.moved(self, binding, stub, reply.moved)) || done.length > 0;
    if (!reply.missing) return done.length > 0;
    // The index partition lacks the table or index (it missed a broadcast, or the index is
    // gone): it gets the home's definition, or, if the home has no such index, the changes go.
    const { table, tableId, index } = reply.missing;
    const home = this.stub(binding, objectName(self.tenant, sharedObject(0)));
    const def = await home.tableInfo(table);
    if (def && def.tableId === tableId && def.indexes?.some((i) => i.name === index)) {
      await stub.applyTable(table, def);
    } else {
      this.engine.outbox.discard(table, tableId, index);
    }
    return true;
  }

  /**
   * The index partition holding a change's entry now, by this object's copy of the index's
   * map (a split of the index moves entries after the change was queued).
   */
  private route(row: OutboxRow): string {
    const def = this.engine.catalogue.get(row.table);
    const index = def?.tableId === row.tableId ? def.indexes?.find((i) => i.name === row.index) : undefined;
    const map = index?.partitions;
    return map?.partitions[partitionOfHash(map, storedHash(row.ipk))]?.object ?? row.dest;
  }

  /**
   * An index partition refused a change it does not hold (its index split): this object
   * takes the home's newer map and sends again; if it has that map already, the partition
   * is still splitting (or missed the map, which it is given), and the change waits.
   * True when the map here changed.
   */
  private async moved(
    self: Self,
    binding: string,
    dest: ShardStub,
    about: { table: string; tableId: string; index: string },
  ): Promise<boolean> {
    const home = this.stub(binding, objectName(self.tenant, sharedObject(0)));
    const def = await home.tableInfo(about.table);
    if (!def || def.tableId !== about.tableId) return false;
    const version = (d: TableDef | undefined) =>
      d?.indexes?.find((i) => i.name === about.index)?.partitions?.version ?? 0;
    if (version(def) > version(this.engine.catalogue.get(about.table))) {
      this.engine.applyTable(about.table, def);
      return true;
    }
    await dest.applyTable(about.table, def);
    return false;
  }

  private stub(binding: string, name: string): ShardStub {
    const stub = this.directory.shard(binding, name);
    if (!stub) throw new Error(`no namespace bound as ${binding}`);
    return stub;
  }

  /** Resolves the writes whose changes are all applied (every waiter, when the runner stops). */
  private wake(all: boolean): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (all || !this.engine.outbox.waitingThrough(waiter.seq)) waiter.resolve();
      else keep.push(waiter);
    }
    this.waiters = keep;
  }
}
