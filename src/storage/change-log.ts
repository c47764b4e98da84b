// The shard's change log: one stream record per item change of a table whose stream is
// enabled, written by writeItem (src/storage/write.ts) inside the write's own SQLite
// transaction, so a change and its record commit or roll back together. Records carry the
// images the stream's view type asks for, already cut at write time (DynamoDB fixes the
// view type for the stream's life). The sequence number is the log row id (./types.ts).
import { keyAttributesOf } from "../keys/item-key.js";
import type { Sql } from "./sql.js";
import type { Item } from "../types.js";
import { itemSize } from "../values/size.js";
import { sameItem } from "./same-item.js";
import { streamId, type UserIdentity } from "../schema/stream.js";
import type { TableDef } from "../schema/table-def.js";

/** A stored record: the wire record without its SequenceNumber (the row id gives it). */
export interface StoredRecord {
  eventID: string;
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  eventVersion: "1.1";
  eventSource: "aws:dynamodb";
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SizeBytes: number;
    StreamViewType: string;
  };
  userIdentity?: UserIdentity;
}

export class ChangeLog {
  constructor(
    private readonly sql: Sql,
    private readonly identity?: UserIdentity,
  ) {}

  /** The same log, recording changes as made by `identity` (TTL deletes). */
  as(identity: UserIdentity): ChangeLog {
    return new ChangeLog(this.sql, identity);
  }

  /**
   * Logs the change of one item from `oldItem` to `newItem` (undefined: absent) if the
   * table's stream is enabled. A write that leaves the item as it was logs nothing, as
   * DynamoDB Streams writes no record for a PutItem or UpdateItem that changes no data.
   */
  record(def: TableDef, oldItem: Item | undefined, newItem: Item | undefined): void {
    const stream = def.stream;
    if (!stream?.enabled) return;
    if (!oldItem && !newItem) return;
    if (oldItem && newItem && sameItem(oldItem, newItem)) return;
    const keys = keyAttributesOf(def, (newItem ?? oldItem) as Item);
    const view = stream.viewType;
    const body: StoredRecord["dynamodb"] = {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: keys,
      SizeBytes: 0,
      StreamViewType: view,
    };
    if (newItem && (view === "NEW_IMAGE" || view === "NEW_AND_OLD_IMAGES")) body.NewImage = newItem;
    if (oldItem && (view === "OLD_IMAGE" || view === "NEW_AND_OLD_IMAGES")) body.OldImage = oldItem;
    // SizeBytes: the record's keys and images as DynamoDB sizes items.
    body.SizeBytes =
      itemSize(keys) + (body.NewImage ? itemSize(body.NewImage) : 0) + (body.OldImage ? itemSize(body.OldImage) : 0);
    const record: StoredRecord = {
      eventID: crypto.randomUUID().replaceAll("-", ""),
      eventName: !oldItem ? "INSERT" : !newItem ? "REMOVE" : "MODIFY",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: stream.region,
      dynamodb: body,
    };
    if (this.identity) record.userIdentity = this.identity;
    this.sql.exec(
      "INSERT INTO stream_records (stream, created_at, record) VALUES (?, ?, ?)",
      streamId(def.name, stream.label),
      Date.now(),
      JSON.stringify(record),
    );
  }
}
