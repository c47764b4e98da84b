// The shard's SQLite schema, migrated on wake. Each migration runs once, in order, inside
// one transaction; the applied version is kept in `_meta`.
import { storedPartitionKey } from "../keys/partition.js";
import type { Sql } from "./sql.js";

/** A migration: SQL statements, or a function for data rewrites SQL cannot express. */
type Migration = readonly string[] | ((sql: Sql) => void);

const MIGRATIONS: readonly Migration[] = [
  [
    "CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // The catalogue: one row per table. `def` is the JSON table definition; counters are
    // kept beside it so DescribeTable costs one row read.
    `CREATE TABLE tables (
       name TEXT PRIMARY KEY,
       tid INTEGER NOT NULL UNIQUE,
       def TEXT NOT NULL,
       item_count INTEGER NOT NULL DEFAULT 0,
       size_bytes INTEGER NOT NULL DEFAULT 0
     )`,
    // Items of every table. A rowid table with a separate unique key index rather than a
    // WITHOUT ROWID table: item rows of a kilobyte or more spill to overflow pages, which a
    // clustered b-tree pays for on every insert and point read. pk/sk are order-preserving key encodings
    // (src/keys/encode.ts); sk is the empty blob for tables without a sort key.
    `CREATE TABLE items (
       id INTEGER PRIMARY KEY,
       tid INTEGER NOT NULL,
       pk BLOB NOT NULL,
       sk BLOB NOT NULL,
       doc TEXT NOT NULL,
       size INTEGER NOT NULL
     )`,
    "CREATE UNIQUE INDEX items_key ON items (tid, pk, sk)",
    // Tables deleted whose rows are still being purged in chunks by the alarm.
    "CREATE TABLE dropped_tables (tid INTEGER PRIMARY KEY)",
    // Table ids are never reused, so rows of a dropped table can be purged lazily.
    "INSERT INTO _meta (key, value) VALUES ('next_tid', '1')",
  ],
  // v2: partition keys gain their hash prefix (src/keys/partition.ts) so scans run in
  // hash order and parallel-scan segments are index ranges.
  (sql) => {
    for (const row of sql.all<{ id: number; pk: ArrayBuffer }>("SELECT id, pk FROM items")) {
      sql.exec("UPDATE items SET pk = ? WHERE id = ?", storedPartitionKey(new Uint8Array(row.pk)), row.id);
    }
  },
  // v3: secondary index entries. (ipk, isk) is the index key (ipk hash-prefixed like pk),
  // (tpk, tsk) the table key of the item, which also breaks ties in index order; doc is the
  // projected item. Dropped indexes' rows are purged by the alarm like dropped tables'.
  [
    `CREATE TABLE index_items (
       id INTEGER PRIMARY KEY,
       iid INTEGER NOT NULL,
       ipk BLOB NOT NULL,
       isk BLOB NOT NULL,
       tpk BLOB NOT NULL,
       tsk BLOB NOT NULL,
       doc TEXT NOT NULL,
       size INTEGER NOT NULL
     )`,
    "CREATE UNIQUE INDEX index_items_key ON index_items (iid, ipk, isk, tpk, tsk)",
    "CREATE TABLE dropped_indexes (iid INTEGER PRIMARY KEY)",
    // Per-index counters for DescribeTable (ItemCount, IndexSizeBytes), kept by every write.
    "CREATE TABLE index_stats (iid INTEGER PRIMARY KEY, item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL)",
  ],
  // v4: TransactWriteItems' ClientRequestToken idempotency (src/storage/request-tokens.ts). A
  // token remembers a digest of the request it came with and the response it got, for
  // 10 minutes after the transaction committed; expired rows are purged as tokens arrive.
  [
    `CREATE TABLE txn_tokens (
       token TEXT PRIMARY KEY,
       request_digest TEXT NOT NULL,
       response TEXT NOT NULL,
       expires_at INTEGER NOT NULL
     )`,
    "CREATE INDEX txn_tokens_expiry ON txn_tokens (expires_at)",
  ],
  // v5: cross-shard transactions (src/txn/prepared-shares.ts, src/txn/coordinator.ts). A
  // participant's prepared share (request, item records held, its coordinator) survives
  // eviction until committed or aborted; a coordinator object keeps its transaction's
  // state, whose 'commit' row is the durable decision.
  [
    `CREATE TABLE txn_prepared (
       id TEXT PRIMARY KEY,
       coordinator TEXT NOT NULL,
       binding TEXT NOT NULL,
       kind TEXT NOT NULL,
       body TEXT NOT NULL,
       meta TEXT NOT NULL,
       locks TEXT NOT NULL,
       created_at INTEGER NOT NULL
     )`,
    `CREATE TABLE txn_coordinator (
       id TEXT PRIMARY KEY,
       state TEXT NOT NULL,
       plan TEXT NOT NULL,
       digest TEXT,
       response TEXT,
       created_at INTEGER NOT NULL,
       expires_at INTEGER
     )`,
  ],
  // DynamoDB Streams and TTL (src/streams, src/ttl). stream_records is the shard's change
  // log, written by writeItem in the write's transaction; seq (AUTOINCREMENT: never reused
  // after trimming) is the sequence number. `streams` registers the streams of tables whose
  // catalogue home this shard is, kept 24 h after they are disabled; stream_trim remembers
  // how far each stream was trimmed (TrimmedDataAccessException). ttl_index holds (expiry,
  // key) of items of TTL-enabled tables so a sweep reads only expired keys; ttl_state says
  // which attribute a table's entries were built from.
  [
    `CREATE TABLE stream_records (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       stream TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       record TEXT NOT NULL
     )`,
    "CREATE INDEX stream_records_stream ON stream_records (stream, seq)",
    `CREATE TABLE streams (
       stream TEXT PRIMARY KEY,
       table_name TEXT NOT NULL,
       label TEXT NOT NULL,
       table_id TEXT NOT NULL,
       view_type TEXT NOT NULL,
       key_schema TEXT NOT NULL,
       shards INTEGER NOT NULL,
       created_at INTEGER NOT NULL,
       disabled_at INTEGER
     )`,
    "CREATE TABLE stream_trim (stream TEXT PRIMARY KEY, trimmed_upto INTEGER NOT NULL)",
    `CREATE TABLE ttl_index (
       tid INTEGER NOT NULL,
       expires REAL NOT NULL,
       pk BLOB NOT NULL,
       sk BLOB NOT NULL,
       PRIMARY KEY (tid, pk, sk)
     )`,
    "CREATE INDEX ttl_index_expiry ON ttl_index (tid, expires)",
    "CREATE TABLE ttl_state (tid INTEGER PRIMARY KEY, attribute TEXT NOT NULL)",
  ],
  // v7: item documents are stored as SQLite's binary JSON (JSONB; the column keeps its
  // declared TEXT type, which does not convert blobs). A pushed-down filter's json_extract
  // then reads the attribute without parsing the whole document. Readers take the text
  // back with json(doc), which gives the stored text byte for byte (the documents are
  // compact JSON.stringify output; test/storage/jsonb-migration.test.ts) at the cost of a
  // point read of the text.
  ["UPDATE items SET doc = jsonb(doc)"],
  // v8: the table's counters (ItemCount, TableSizeBytes) follow its rows by triggers, so a
  // write is the item statement alone: a plain PutItem is one statement, atomic by
  // itself, with no old-row read, savepoint or counter statement, and no write path can
  // forget a counter. An upsert's update path fires the UPDATE trigger; rows of dropped tables
  // (purged later) touch no counters, their `tables` row is gone and ids are never reused.
  [
    `CREATE TRIGGER IF NOT EXISTS items_counted_insert AFTER INSERT ON items BEGIN
       UPDATE tables SET item_count = item_count + 1, size_bytes = size_bytes + new.size WHERE tid = new.tid;
     END`,
    `CREATE TRIGGER IF NOT EXISTS items_counted_delete AFTER DELETE ON items BEGIN
       UPDATE tables SET item_count = item_count - 1, size_bytes = size_bytes - old.size WHERE tid = old.tid;
     END`,
    `CREATE TRIGGER IF NOT EXISTS items_counted_resize AFTER UPDATE OF size ON items WHEN new.size <> old.size BEGIN
       UPDATE tables SET size_bytes = size_bytes + new.size - old.size WHERE tid = new.tid;
     END`,
  ],
  // v9: partition splits (src/split). A split of one of this object's partitions is a row
  // of `splits` (at most one per table here) moving through its states; while it copies,
  // triggers created for it (./split-log.ts) note in `split_dirty` every key of the moving
  // range a write touches, in that write's transaction, so the copy can catch up.
  [
    `CREATE TABLE IF NOT EXISTS splits (
       tid INTEGER PRIMARY KEY,
       name TEXT NOT NULL,
       state TEXT NOT NULL,
       plan TEXT NOT NULL,
       cursor_pk BLOB,
       cursor_sk BLOB,
       def TEXT
     )`,
    "CREATE TABLE IF NOT EXISTS split_dirty (id INTEGER PRIMARY KEY, tid INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL)",
  ],
  // v10: the shards of a stream whose table's partitions are not the shared objects by
  // index (src/streams/lineage.ts): each shard is a range of one object's change log,
  // records after `after_seq` and, once closed by a split, up to `last_seq`.
  [
    `CREATE TABLE IF NOT EXISTS stream_shards (
       stream TEXT NOT NULL,
       shard_id TEXT NOT NULL,
       object TEXT NOT NULL,
       parent TEXT,
       after_seq INTEGER NOT NULL,
       last_seq INTEGER,
       PRIMARY KEY (stream, shard_id)
     )`,
  ],
  // v11: on-demand backups (src/backup). The catalogue's home lists every backup of its
  // tenant in `backups`; each object holding a partition of a backed-up table keeps that
  // piece in `backup_items`, copied in chunks by `backup_jobs` from the moment of the
  // backup, with the rows written since kept as they were in `backup_pre` (triggers);
  // `restore_jobs` are the pieces a restored table's objects are filling.
  [
    `CREATE TABLE IF NOT EXISTS backups (
       arn TEXT PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       name TEXT NOT NULL,
       table_name TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       status TEXT NOT NULL,
       def TEXT NOT NULL,
       pieces TEXT NOT NULL
     )`,
    `CREATE TABLE IF NOT EXISTS backup_jobs (
       id TEXT PRIMARY KEY,
       tid INTEGER NOT NULL,
       state TEXT NOT NULL,
       plan TEXT NOT NULL,
       cursor_pk BLOB,
       cursor_sk BLOB
     )`,
    `CREATE TABLE IF NOT EXISTS backup_items (
       backup TEXT NOT NULL,
       pk BLOB NOT NULL,
       sk BLOB NOT NULL,
       doc BLOB NOT NULL,
       size INTEGER NOT NULL,
       PRIMARY KEY (backup, pk, sk)
     ) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS backup_pre (
       backup TEXT NOT NULL,
       pk BLOB NOT NULL,
       sk BLOB NOT NULL,
       doc BLOB,
       size INTEGER NOT NULL,
       PRIMARY KEY (backup, pk, sk)
     ) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS restore_jobs (
       tid INTEGER NOT NULL,
       low INTEGER NOT NULL,
       state TEXT NOT NULL,
       plan TEXT NOT NULL,
       cursor_pk BLOB,
       cursor_sk BLOB,
       PRIMARY KEY (tid, low)
     )`,
  ],
  // v12: point-in-time recovery (src/backup/pitr.ts). While a table has it enabled, triggers
  // created for the table write each item's image before every change to `pitr_log`, with
  // the change's time, in the change's transaction; entries older than the recovery period
  // are purged by the alarm.
  [
    `CREATE TABLE IF NOT EXISTS pitr_log (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       tid INTEGER NOT NULL,
       at INTEGER NOT NULL,
       pk BLOB NOT NULL,
       sk BLOB NOT NULL,
       doc BLOB,
       size INTEGER NOT NULL
     )`,
    "CREATE INDEX IF NOT EXISTS pitr_log_key ON pitr_log (tid, pk, sk, seq)",
    "CREATE INDEX IF NOT EXISTS pitr_log_at ON pitr_log (tid, at)",
  ],
  // v13: exports to R2 (src/backup/exports.ts). The catalogue's home lists them; each
  // partition's object writes its piece's data files and notes them in `export_files`
  // until the home has them.
  [
    `CREATE TABLE IF NOT EXISTS exports (
       arn TEXT PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       table_name TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       status TEXT NOT NULL,
       record TEXT NOT NULL
     )`,
    `CREATE TABLE IF NOT EXISTS export_files (
       piece TEXT NOT NULL,
       n INTEGER NOT NULL,
       key TEXT NOT NULL,
       items INTEGER NOT NULL,
       bytes INTEGER NOT NULL,
       md5 TEXT NOT NULL,
       etag TEXT NOT NULL,
       last_pk BLOB,
       last_sk BLOB,
       PRIMARY KEY (piece, n)
     )`,
    `CREATE TABLE IF NOT EXISTS imports (
       arn TEXT PRIMARY KEY,
       table_name TEXT NOT NULL,
       created_at INTEGER NOT NULL,
       status TEXT NOT NULL,
       record TEXT NOT NULL
     )`,
  ],
  // v14: vector indexes (src/storage/vector-store.ts). One row per item an index holds,
  // keyed by the item's table key: its vector packed as little-endian float32, the value of
  // the index's HASH search attribute (stored key encoding, NULL without one), the inline
  // filter values and the projected item as JSON.
  [
    `CREATE TABLE IF NOT EXISTS vector_items (
       vid INTEGER NOT NULL,
       tpk BLOB NOT NULL,
       tsk BLOB NOT NULL,
       hash BLOB,
       filters TEXT NOT NULL,
       vec BLOB NOT NULL,
       doc TEXT NOT NULL,
       size INTEGER NOT NULL,
       PRIMARY KEY (vid, tpk, tsk)
     )`,
    "CREATE INDEX IF NOT EXISTS vector_items_hash ON vector_items (vid, hash)",
    "CREATE TABLE IF NOT EXISTS dropped_vector_indexes (vid INTEGER PRIMARY KEY)",
  ],
  // v15: approximate search of large vector indexes (src/storage/vector-lists.ts): each
  // row's list (its nearest centroid; NULL until assigned), and per index its centroids and
  // how far the assignment of rows to them has got.
  (sql: Sql) => {
    // Migrations run again over a schema that has them (tests roll the version back): the
    // column is added once.
    const columns = sql.all<{ name: string }>("PRAGMA table_info(vector_items)").map((c) => c.name);
    if (!columns.includes("list")) sql.exec("ALTER TABLE vector_items ADD COLUMN list INTEGER");
    sql.exec("CREATE INDEX IF NOT EXISTS vector_items_list ON vector_items (vid, list)");
    sql.exec(`CREATE TABLE IF NOT EXISTS vector_lists (
       vid INTEGER PRIMARY KEY,
       lists INTEGER NOT NULL,
       centroids BLOB NOT NULL,
       trained_rows INTEGER NOT NULL,
       assigned_after INTEGER
     )`);
  },
  // v16: global secondary indexes kept in partitions of their own (src/storage/gsi-outbox.ts):
  // a table partition's outbox of index changes, written in the item's transaction (seq
  // AUTOINCREMENT: never reused, so an index partition can drop what it has already
  // applied), and an index partition's highest applied seq per sending object.
  [
    `CREATE TABLE IF NOT EXISTS gsi_outbox (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       tid INTEGER NOT NULL,
       table_name TEXT NOT NULL,
       table_id TEXT NOT NULL,
       index_name TEXT NOT NULL,
       dest TEXT NOT NULL,
       ipk BLOB NOT NULL,
       isk BLOB NOT NULL,
       tpk BLOB NOT NULL,
       tsk BLOB NOT NULL,
       doc TEXT,
       size INTEGER NOT NULL,
       at INTEGER NOT NULL
     )`,
    "CREATE INDEX IF NOT EXISTS gsi_outbox_index ON gsi_outbox (tid, index_name)",
    "CREATE TABLE IF NOT EXISTS gsi_inbox (source TEXT PRIMARY KEY, seq INTEGER NOT NULL)",
  ],
  // v17: splits of a GSI's partition kept in an object of its own (src/split/index-split.ts):
  // one row per index splitting here, its state, plan and copy cursor (index_items.id).
  [
    `CREATE TABLE IF NOT EXISTS index_splits (
       iid INTEGER PRIMARY KEY,
       state TEXT NOT NULL,
       plan TEXT NOT NULL,
       cursor INTEGER NOT NULL DEFAULT 0
     )`,
  ],
];

/** The schema version `migrate` brings a shard to. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(sql: Sql): void {
  sql.transaction(() => {
    const hasMeta = sql.first("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_meta'");
    let version = 0;
    if (hasMeta) {
      const row = sql.first<{ value: string }>("SELECT value FROM _meta WHERE key = 'schema_version'");
      version = row ? Number(row.value) : 0;
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      const migration = MIGRATIONS[v] as Migration;
      if (typeof migration === "function") migration(sql);
      else for (const statement of migration) sql.exec(statement);
    }
    if (version !== MIGRATIONS.length) {
      sql.exec(
        "INSERT INTO _meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        String(MIGRATIONS.length),
      );
    }
  });
}
