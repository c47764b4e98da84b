// What a shard Durable Object answers over RPC, as an interface: the cluster router, the
// streams router and the cross-shard transaction objects depend on this, not on the
// DynamoShard class (src/shard.ts implements it). Also the messages of the two-phase
// commit between a coordinator and the shards holding its shares (src/txn).
import type { BackupPlan, BackupRow, ExportFile, RestorePlan } from "../schema/backup.js";
import type { TableDef } from "../schema/table-def.js";
import type { IndexChange, InboxReply } from "../schema/index-change.js";
import type { Item } from "../types.js";
import type { CallMeta, WireReply } from "./reply.js";

/** A share of a TransactWriteItems (write) or a TransactGetItems (read). */
export type ShareKind = "write" | "read";
/** A coordinator's answer to a shard asking about a share it still holds. */
export type Decision = "commit" | "abort" | "pending";

/** Where a participant finds its coordinator: the object's name and the namespace binding. */
export interface CoordinatorRef {
  name: string;
  binding: string;
}

/** One shard's share: the actions' positions in the request and the share's own request. */
export interface TxnShare {
  shard: string;
  indices: number[];
  body: string;
}

/**
 * The coordinator object of a cross-shard transaction: named after its ClientRequestToken
 * when it has one (every retry with the token meets the same object), else after its id.
 */
export function coordinatorName(tenant: string | undefined, id: string, token?: string): string {
  return `txn:${tenant ?? ""}:${token === undefined ? id : `token:${token}`}`;
}

/** A transaction the router hands to its coordinator object. */
export interface TxnPlan {
  id: string;
  /** The coordinator's object name. */
  name: string;
  kind: ShareKind;
  shares: TxnShare[];
  /** The number of actions in the request. */
  count: number;
  meta: CallMeta;
  /** A write's ClientRequestToken digest (src/storage/request-tokens.ts). */
  digest?: string;
}

export interface ShardRpc extends Rpc.DurableObjectBranded {
  /** A DynamoDB operation: JSON text in, JSON text out (errors already serialised). */
  handle(operation: string, body: string, meta: CallMeta): WireReply | Promise<WireReply>;
  /** This shard's definition of a table (shard 0 is the catalogue home). */
  tableInfo(name: string): TableDef | null;
  /** Installs, updates or (null) drops this shard's copy of a table definition. */
  applyTable(name: string, def: TableDef | null): void;
  /** An index partition: changes to GSI entries sent by a table partition's outbox (src/gsi). */
  indexApply(source: string, changes: IndexChange[]): InboxReply;
  /** An index partition: starts splitting its range (src/split/index-split.ts); answers the plan or an error. */
  indexSplitStart(request: IndexSplitStart): WireReply;
  /** The new object of an index partition's split: entries of the moving range. */
  indexReceive(name: string, def: TableDef, index: string, rows: IndexRow[]): void;
  /** The catalogue's home: the table's definition with the index's map split (null: the split is abandoned). */
  indexSplitPublish(plan: IndexSplitPlan): TableDef | null;
  /** The catalogue's home: a table partition has walked its items into a partitioned GSI (src/gsi/backfill-report.ts). */
  indexBackfilled(table: string, tableId: string, index: string, object: string): TableDef | null;
  /** A global secondary index Query/Scan page of this shard's rows, unfiltered. */
  indexRead(operation: "Query" | "Scan", body: string, meta: CallMeta): WireReply;
  /** A DynamoDB Streams operation (public, or the streams router's internal ones). */
  streams(operation: string, body: string, meta: CallMeta): WireReply;
  /** This object as the coordinator of a cross-shard transaction. */
  coordinate(plan: TxnPlan): Promise<WireReply>;
  /** The coordinator's decision about a transaction, asked by a shard holding a share. */
  txnResolve(id: string): Decision;
  txnPrepare(id: string, coord: CoordinatorRef, kind: ShareKind, body: string, meta: CallMeta): Promise<WireReply>;
  txnCommit(id: string): WireReply | Promise<WireReply>;
  txnAbort(id: string): void;
  /** This object as a token's coordinator: a committed transaction with the token, carried over by a split. */
  txnSeedToken(digest: string, response: string, expiresAt: number): void;
  /** Starts splitting one of this object's partitions (src/split); answers the plan or an error. */
  splitStart(request: SplitStart): WireReply;
  /** The new object of a split: rows of the moving range as they stand at the source. */
  splitReceive(name: string, def: TableDef, rows: SplitRow[]): void;
  /** The catalogue's home: the table's map with the split in it (null: the split is abandoned). */
  splitPublish(plan: SplitPlan): TableDef | null;
  /** The catalogue's home: what each piece's object of backup `arn` is to keep. */
  backupPlans(arn: string, tenant?: string): BackupPlan[];
  /** A partition's object: marks its piece of a backup (src/backup). */
  backupMark(plan: BackupPlan): void;
  /** The catalogue's home: a piece's copy is complete; false when the backup is gone. */
  backupReport(arn: string, object: string, low: number, items: number, bytes: number): boolean;
  /** Rows of a piece kept here, in key order after `after`. */
  backupRead(id: string, after: { pk: ArrayBuffer; sk: ArrayBuffer } | null, limit: number): BackupRow[] | null;
  /** DeleteBackup: the piece kept here goes. */
  backupDrop(id: string): void;
  /** A restored table's partition object: fill this piece. */
  restoreStart(plan: RestorePlan): void;
  /** The catalogue's home: what each piece's object of export `arn` is to make. */
  exportPlans(arn: string, tenant?: string): BackupPlan[];
  /** The catalogue's home: an export's piece is written out, in these files. */
  exportReport(arn: string, object: string, low: number, files: ExportFile[]): Promise<void>;
  /** A partition's object: imported items of table `name` (ImportTable). */
  importRows(name: string, tableId: string, items: Item[]): void;
  /** The catalogue's home: an export failed (its bucket is not bound, ...). */
  exportFail(arn: string, code: string, message: string): void;
  /** The catalogue's home: a restored table's piece is in; the definition after it. */
  restoreReport(table: string, tableId: string, low: number): TableDef | null;
}

/** A split of one of an object's partitions (src/split/source.ts), as its `splits.plan` column records it. */
export interface SplitPlan {
  table: string;
  tableId: string;
  /** The map version the split was planned on. */
  version: number;
  tenant?: string;
  /** Object names without the tenant's prefix (src/schema/partition-map.ts). */
  source: string;
  target: string;
  /** The partition's hash range [low, high) and the hash `at` its upper part starts at. */
  low: number;
  at: number;
  high: number;
  /** Set when the range is fenced: the source's last change-log sequence number then (streams' parent shard ends there). */
  fenceSeq?: number;
  /** Set when the range is fenced: the source's last queued index change then (src/storage/gsi-outbox.ts). */
  outboxSeq?: number;
}

/** A split of a GSI's partition kept in an object of its own (src/split/index-split.ts). */
export interface IndexSplitPlan {
  table: string;
  tableId: string;
  index: string;
  /** The index map's version the split was planned on. */
  version: number;
  tenant?: string;
  /** Object names without the tenant's prefix. */
  source: string;
  target: string;
  /** The partition's hash range [low, high) and the hash `at` its upper part starts at. */
  low: number;
  at: number;
  high: number;
}

/** An index partition's split as asked of its object (by the router, a test, or itself past its size). */
export interface IndexSplitStart {
  table: string;
  tableId: string;
  index: string;
  tenant?: string;
  source: string;
  at?: number;
}

/** An index entry moving to an index split's new object. */
export interface IndexRow {
  ipk: Uint8Array;
  isk: Uint8Array;
  tpk: Uint8Array;
  tsk: Uint8Array;
  doc: string;
  size: number;
}

/** A split asked of a partition's object (src/split/plan.ts SplitRequest). */
export interface SplitStart {
  table: string;
  tableId: string;
  version: number;
  tenant?: string;
  source: string;
  low: number;
  high: number;
  at?: number;
}

/** A row moving to a split's new object (src/split/plan.ts MovedRow). */
export interface SplitRow {
  pk: Uint8Array;
  sk: Uint8Array;
  doc: string | null;
  size: number;
}

export type ShardNamespace = DurableObjectNamespace<ShardRpc>;
export type ShardStub = DurableObjectStub<ShardRpc>;

/**
 * How a transaction object reaches other shards: the namespaces by binding name, and the
 * binding its own namespace has (so a shard can later find its coordinator). Supplied by
 * the Durable Object class, which owns the Env.
 */
export interface ShardDirectory {
  /** The binding of the namespace in which `name` is this object's own name, if any. */
  ownBinding(name: string): string | undefined;
  /** A stub of the object `name` in the namespace bound as `binding`; undefined if there is none. */
  shard(binding: string, name: string): ShardStub | undefined;
}
