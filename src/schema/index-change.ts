// A change to one entry of a global secondary index kept in partitions of its own
// (IndexDef.partitions), as a table partition's outbox holds it and sends it to the index
// partition that keeps the entry (src/storage/gsi-outbox.ts, src/storage/gsi-inbox.ts).
// Plain data: it crosses objects over RPC.

export interface IndexChange {
  /** The sending object's outbox sequence number: rising, never reused. */
  seq: number;
  table: string;
  /** The table's TableId: a change for a table since deleted and recreated is dropped. */
  tableId: string;
  index: string;
  /** The entry's row key in index_items (src/storage/index-store.ts). */
  ipk: Uint8Array;
  isk: Uint8Array;
  tpk: Uint8Array;
  tsk: Uint8Array;
  /** The projected item (JSON text); null: the entry is deleted. */
  doc: string | null;
  size: number;
}

/** What an index partition made of a sender's changes. */
export interface InboxReply {
  /** Every change up to this seq is applied (or was for a table that is gone). */
  through: number;
  /** Set when a change names a table or index this object does not know (yet): it stopped there. */
  missing?: { table: string; tableId: string; index: string };
  /**
   * Set when a change is for an index key this object does not hold (the index's map
   * changed: a split) or holds fenced while it splits: it stopped there.
   */
  moved?: { table: string; tableId: string; index: string };
}
