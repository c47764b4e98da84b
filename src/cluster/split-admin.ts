// SplitPartition, the endpoint's admin operation (and DynamoDBClient.splitPartition): checks
// the request, picks the partition (by default the one holding the most bytes) and asks
// its object to start splitting it (src/split/plan.ts); with IndexName, a partition of a GSI
// kept in partitions of its own (src/split/index-split.ts). The split itself runs there.
import { notFound, validation } from "../errors.js";
import { requestObject } from "../protocol/json-body.js";
import { errorReply, type WireReply } from "../protocol/reply.js";
import type { IndexSplitStart, SplitStart } from "../protocol/shard-rpc.js";
import { partitionRange } from "../schema/partition-map.js";
import { isPartitionedIndex, mapVersionOf, partitionMapOf, type TableDef } from "../schema/table-def.js";
import { partitionCount, partitionObject } from "./placement.js";

/** What the operation needs of the router: the table's layout and its partitions' objects. */
export interface SplitAdminHost {
  tenant: string | undefined;
  /** The table's definition as the catalogue's home has it now. */
  table(name: string): Promise<TableDef | undefined>;
  /** DescribeTable of partition `k` alone (its items and bytes). */
  describe(def: TableDef, k: number): Promise<WireReply>;
  start(def: TableDef, k: number, request: SplitStart): Promise<WireReply>;
  /** Gives the table's definition to its partitions' objects that missed it. */
  repair(def: TableDef): Promise<void>;
  /** Asks an index partition's object (tenant-relative name) to split (src/split/index-split.ts). */
  startIndex(object: string, request: IndexSplitStart): Promise<WireReply>;
}

export async function splitPartition(body: string, host: SplitAdminHost): Promise<WireReply> {
  const input = requestObject(body);
  const name = typeof input?.TableName === "string" ? input.TableName : undefined;
  if (!input || name === undefined) {
    return errorReply(
      validation(
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      ),
    );
  }
  const def = await host.table(name);
  if (!def) return errorReply(notFound(`Requested resource not found: Table: ${name} not found`));
  if (input.IndexName !== undefined) return splitIndexPartition(input, def, host);
  const picked = pick(input.Partition ?? (await largestPartition(def, host)), partitionCount(def), input.SplitAt);
  if ("status" in picked) return picked;
  const { k, at } = picked;
  const { low, high } = partitionRange(partitionMapOf(def), k);
  const request: SplitStart = {
    table: name,
    tableId: def.tableId,
    version: mapVersionOf(def),
    source: partitionObject(def, k),
    low,
    high,
  };
  if (host.tenant !== undefined) request.tenant = host.tenant;
  if (at !== undefined) request.at = at;
  const reply = await repaired(host, def, () => host.start(def, k, request));
  return started(reply, { TableName: name, Partition: k, HashStart: low, HashEnd: high }, mapVersionOf(def));
}

/**
 * SplitPartition with IndexName: a partition (default 0) of a GSI kept in partitions of its
 * own splits, at SplitAt or its entries' median hash.
 */
async function splitIndexPartition(
  input: Record<string, unknown>,
  def: TableDef,
  host: SplitAdminHost,
): Promise<WireReply> {
  const index = def.indexes?.find((i) => i.name === input.IndexName);
  if (!index || !isPartitionedIndex(index)) {
    return errorReply(validation(`IndexName must name a global secondary index kept in partitions of its own`));
  }
  const map = index.partitions;
  const picked = pick(input.Partition ?? 0, map.partitions.length, input.SplitAt);
  if ("status" in picked) return picked;
  const { k, at } = picked;
  const source = (map.partitions[k] as { object: string }).object;
  const request: IndexSplitStart = { table: def.name, tableId: def.tableId, index: index.name, source };
  if (host.tenant !== undefined) request.tenant = host.tenant;
  if (at !== undefined) request.at = at;
  const reply = await repaired(host, def, () => host.startIndex(source, request));
  const { low, high } = partitionRange(map, k);
  const fields = { TableName: def.name, IndexName: index.name, Partition: k, HashStart: low, HashEnd: high };
  return started(reply, fields, map.version);
}

/** The partition asked for (an integer below `count`) and SplitAt (an integer, if given), or the error. */
function pick(k: unknown, count: number, at: unknown): { k: number; at?: number } | WireReply {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= count) {
    return errorReply(validation(`Partition must be an integer from 0 to ${count - 1}`));
  }
  if (at !== undefined && (typeof at !== "number" || !Number.isInteger(at))) {
    return errorReply(validation("SplitAt must be an integer hash inside the partition's range"));
  }
  return at === undefined ? { k } : { k, at };
}

/**
 * `start`, and again once the table's objects are told its definition when the partition's
 * object had not heard of the table yet (a split that made it has not told it so far).
 */
async function repaired(host: SplitAdminHost, def: TableDef, start: () => Promise<WireReply>): Promise<WireReply> {
  const reply = await start();
  if (reply.status !== 400 || !reply.body.includes("#ResourceNotFoundException")) return reply;
  await host.repair(def);
  return start();
}

/** The operation's answer: where the split cuts the partition, under the map version before it. */
function started(reply: WireReply, fields: Record<string, unknown>, version: number): WireReply {
  if (reply.status !== 200) return reply;
  const plan = JSON.parse(reply.body) as { at: number };
  const { HashEnd, ...before } = fields;
  const out = { ...before, SplitAt: plan.at, HashEnd, PartitionMapVersion: version, SplitStatus: "SPLITTING" };
  return { status: 200, body: JSON.stringify(out) };
}

/** The partition holding the most bytes (the first of equals). */
async function largestPartition(def: TableDef, host: SplitAdminHost): Promise<number> {
  const count = partitionCount(def);
  if (count === 1) return 0;
  const sizes = await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const reply = await host.describe(def, k);
      if (reply.status !== 200) return 0;
      return (JSON.parse(reply.body) as { Table: { TableSizeBytes: number } }).Table.TableSizeBytes;
    }),
  );
  return sizes.indexOf(Math.max(...sizes));
}
