// The Worker's environment: the shard namespace binding and the settings the HTTP edge and
// the shards read (wrangler.toml, `wrangler secret put`, npm start's bindings).
import type { ShardNamespace } from "./protocol/shard-rpc.js";

export interface Env {
  DYNAMODB: ShardNamespace;
  /** Shard count for tables created through the HTTP edge (default 1). */
  DDB_DEFAULT_SHARDS?: string;
  /** Bytes of one table's rows in one partition past which the partition splits (default 1 GiB). */
  DDB_SPLIT_BYTES?: string;
  /** Writes per second to one table in one partition, sustained, past which it splits (default 500). */
  DDB_SPLIT_WRITES_PER_SECOND?: string;
  /** Seconds an unfinished cross-shard transaction waits before its objects check it (default 5). */
  DDB_TXN_CHECK_SECONDS?: string;
  /** Seconds a backup, restore or export waits for a piece before the catalogue's home tells its object again (default 10). */
  DDB_BACKUP_WATCH_SECONDS?: string;
  /** Seconds between TTL sweeps of each shard (default 60). */
  DDB_TTL_SWEEP_SECONDS?: string;
  /** Numbers (rows x dimensions) a vector index may hold in one object before its searches go approximate (default 4,194,304). */
  DDB_VECTOR_EXACT_FLOATS?: string;
  /** Index changes a table partition may hold undelivered before writes to it are throttled (default 100,000). */
  DDB_GSI_MAX_PENDING?: string;
  /** Milliseconds a write waits for its changes to partitioned GSIs to be applied (default 2,000; 0: no wait). */
  DDB_GSI_WAIT_MS?: string;
  /** Who may call the HTTP edge: "accessKeyId:secretKey" pairs, comma-separated (a secret). SECURITY.md. */
  DDB_CREDENTIALS?: string;
  /** Optional per-key permissions, JSON (SECURITY.md). */
  DDB_PERMISSIONS?: string;
  /** "off" turns SigV4 verification off (local use only). */
  DDB_AUTH?: string;
  /** "on" serves the web console at /console (src/edge/console/serve.ts); off unless set. */
  DDB_CONSOLE?: string;
  /** "id:secret" to prefill the console's sign-in with (npm start: its well-known local pair only). */
  DDB_CONSOLE_PREFILL?: string;
}
