// Settings of the endpoint the end-to-end suite starts (global-setup.ts), shared with the tests.

/**
 * Every table the suites create over HTTP is spread over this many shards
 * (DDB_DEFAULT_SHARDS), so that the sharded paths (fan-out, merging, two-phase commit)
 * answer clients nobody here wrote. Streams then have one shard per storage shard, and
 * records keep DynamoDB's order per item, not across items.
 */
export const SERVER_SHARDS = 3;
