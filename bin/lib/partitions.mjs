// @ts-check
// `durable-dynamodb partitions list --table-name T`: a table's partitions (hash range,
// items, size) and its partition map's version, from DescribeTable's `DurableDynamoDB`
// member; `partitions split`: the endpoint's SplitPartition admin operation. The SDK
// drops members its model lacks and knows no admin operation, so requests are signed here
// with the client's own credentials, region and endpoint, and their JSON read as sent.
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** SHA-256 (keyed: HMAC) for the signer, from node:crypto. */
class Sha256 {
  /** @param {import("@smithy/types").SourceData} [secret] */
  constructor(secret) {
    this.secret = secret;
    this.hash = Sha256.start(secret);
  }
  /** @param {import("@smithy/types").SourceData | undefined} secret */
  static start(secret) {
    if (secret === undefined) return createHash("sha256");
    return createHmac(
      "sha256",
      typeof secret === "string" ? secret : new Uint8Array(/** @type {ArrayBuffer} */ (secret)),
    );
  }
  /** @param {import("@smithy/types").SourceData} data */
  update(data) {
    this.hash.update(typeof data === "string" ? data : new Uint8Array(/** @type {ArrayBuffer} */ (data)));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {
    this.hash = Sha256.start(this.secret);
  }
}

/**
 * @typedef {{ HashStart: number; HashEnd: number; ItemCount: number; TableSizeBytes: number }} Partition
 * @typedef {{ table: string; version: number; partitions: Partition[]; itemCount: number; sizeBytes: number }} PartitionList
 */

/**
 * One request to the endpoint, signed with the client's credentials and region, its JSON
 * answer read as sent; an error answer rejects as the SDK reports one (its type as the name).
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} target X-Amz-Target
 * @param {unknown} input
 * @returns {Promise<any>}
 */
async function signedCall(client, target, input) {
  const endpoint = await client.config.endpoint?.();
  if (!endpoint) throw new Error("partitions: no endpoint (give --endpoint-url)");
  const url = new URL(
    `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ""}${endpoint.path}`,
  );
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    service: "dynamodb",
    region: await client.config.region(),
    credentials: client.config.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    headers: { host: url.host, "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
    body,
  });
  const response = await fetch(url, { method: "POST", headers: signed.headers, body });
  const text = await response.text();
  const out = JSON.parse(text);
  if (!response.ok) {
    const err = new Error(out.message ?? text);
    err.name = (out.__type ?? "").split("#").pop() || `HTTP ${response.status}`;
    throw err;
  }
  return out;
}

/**
 * The table's partitions as the endpoint reports them; one partition covering the whole hash
 * space when it reports none (a table of one partition, or an endpoint that is not ours).
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 * @returns {Promise<PartitionList>}
 */
export async function listPartitions(client, table) {
  /** @type {{ Table: { ItemCount?: number; TableSizeBytes?: number; DurableDynamoDB?: { PartitionMapVersion?: number; Partitions?: Partition[] } } }} */
  const out = await signedCall(client, "DynamoDB_20120810.DescribeTable", { TableName: table });
  const itemCount = out.Table.ItemCount ?? 0;
  const sizeBytes = out.Table.TableSizeBytes ?? 0;
  const extension = out.Table.DurableDynamoDB;
  return {
    table,
    version: extension?.PartitionMapVersion ?? 1,
    partitions: extension?.Partitions ?? [
      { HashStart: 0, HashEnd: 2 ** 32, ItemCount: itemCount, TableSizeBytes: sizeBytes },
    ],
    itemCount,
    sizeBytes,
  };
}

/**
 * Starts splitting a partition of the table (by default the one holding the most bytes, at
 * its median item): the endpoint's SplitPartition admin operation.
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 * @param {{ partition?: number; at?: number }} [options]
 * @returns {Promise<{ TableName: string; Partition: number; HashStart: number; HashEnd: number; SplitAt: number; PartitionMapVersion: number; SplitStatus: string }>}
 */
export async function splitPartition(client, table, options = {}) {
  /** @type {Record<string, unknown>} */
  const input = { TableName: table };
  if (options.partition !== undefined) input.Partition = options.partition;
  if (options.at !== undefined) input.SplitAt = options.at;
  return signedCall(client, `${ADMIN_TARGET_PREFIX}SplitPartition`, input);
}

/** X-Amz-Target prefix of the endpoint's own admin operations (src/protocol/reply.ts). */
const ADMIN_TARGET_PREFIX = "DurableDynamoDB_20261207.";

/**
 * Waits until the table's map version passes `version` (the split is published), polling.
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 * @param {number} version
 * @param {number} [timeoutMs]
 * @returns {Promise<PartitionList>}
 */
export async function waitForMap(client, table, version, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await listPartitions(client, table);
    if (list.version > version) return list;
    if (Date.now() > deadline) throw new Error(`partitions split: map of ${table} still at version ${list.version}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The list as a text table, one partition per line.
 * @param {PartitionList} list
 */
export function partitionsText(list) {
  const hex = (/** @type {number} */ n) => n.toString(16).padStart(8, "0");
  const rows = list.partitions.map((p, i) => [
    String(i),
    `${hex(p.HashStart)}-${hex(p.HashEnd - 1)}`,
    String(p.ItemCount),
    String(p.TableSizeBytes),
  ]);
  const header = ["#", "hash range", "items", "bytes"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (/** @type {string[]} */ cells) =>
    cells.map((cell, c) => (c === 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ");
  return [
    `${list.table}: ${list.partitions.length} partition${list.partitions.length === 1 ? "" : "s"}, map version ${list.version}, ${list.itemCount} items, ${list.sizeBytes} bytes`,
    line(header),
    ...rows.map(line),
  ].join("\n");
}
