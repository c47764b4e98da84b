// BatchGetItem: up to 100 items by primary key, over any number of tables, each table
// with its own projection and consistency. Every read runs in one synchronous section of
// the shard, so the answer is a consistent snapshot (stronger than DynamoDB promises).
// A key that cannot be read now goes to UnprocessedKeys with its table's request members,
// for the caller to retry: every key after the 16 MB response limit, and (in a cluster)
// a key held by a transaction in flight.
import { validation } from "../errors.js";
import type { DocPath } from "../expr/ast.js";
import { compileProjection } from "../expr/compile-projection.js";
import { keyOfKeyMap, type EncodedKey } from "../keys/item-key.js";
import { itemLockKey, lockTableOf } from "../storage/item-locks.js";
import type { Item } from "../types.js";
import { validateItem } from "../values/validate.js";
import { readUnits, type ReturnConsumedCapacity } from "./capacity.js";
import { attributeMap, attributeNameList, returnConsumedCapacity, tableName } from "./common-shapes.js";
import { checkDuplicateNames } from "./get-item.js";
import { expressionAttributeNames, expressionsOf } from "./item-shapes.js";
import { defineOp } from "./operation.js";
import { projectionOf } from "./read-shapes.js";
import { TableCapacity } from "./table-capacity.js";
import { tableForData } from "./tables.js";

/** Keys one request may ask for, over all its tables. */
export const MAX_BATCH_GET_KEYS = 100;
/** Bytes of items one response may carry; the keys past it are returned unprocessed. */
export const BATCH_GET_RESPONSE_LIMIT = 16 * 1024 * 1024;

export const DUPLICATE_KEYS_MESSAGE = "Provided list of item keys contains duplicates";
const TOO_MANY_KEYS_MESSAGE = "Too many items requested for the BatchGetItem call";

interface KeysAndAttributes {
  Keys: Record<string, unknown>[];
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

interface BatchGetItemInput {
  RequestItems: Record<string, KeysAndAttributes>;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  /** Compiled by validate, per table. */
  compiled?: Map<string, { keys: Item[]; projection: DocPath[] | undefined }>;
}

export const batchGetItem = defineOp<BatchGetItemInput>({
  shape: {
    ReturnConsumedCapacity: returnConsumedCapacity,
    RequestItems: {
      kind: "map",
      notNull: true,
      minLength: 1,
      keys: { ...tableName, notNull: false },
      valueClass: "com.amazonaws.dynamodb.v20120810.KeysAndAttributes",
      value: {
        kind: "structure",
        name: "KeysAndAttributes",
        members: {
          Keys: { kind: "list", notNull: true, minLength: 1, maxLength: 100, member: attributeMap() },
          AttributesToGet: { ...attributeNameList, maxLength: 255 } as typeof attributeNameList,
          ConsistentRead: { kind: "boolean" },
          ProjectionExpression: { kind: "string" },
          ExpressionAttributeNames: expressionAttributeNames,
        },
      },
    },
  },
  // dynalite's order (validations/batchGetItem.js, its tests recorded against DynamoDB):
  // per table, the expression members, AttributesToGet, the projection, then each key's
  // values, duplicates, and the count over all tables.
  validate(input) {
    const compiled = new Map<string, { keys: Item[]; projection: DocPath[] | undefined }>();
    let count = 0;
    for (const [table, request] of Object.entries(input.RequestItems)) {
      const ctx = expressionsOf(request, ["ProjectionExpression"], ["AttributesToGet"]);
      checkDuplicateNames(request.AttributesToGet);
      const projection =
        request.ProjectionExpression === undefined ? undefined : compileProjection(request.ProjectionExpression, ctx);
      ctx.checkAllUsed();
      const seen = new Set<string>();
      const keys: Item[] = [];
      for (const raw of request.Keys) {
        const key = validateItem(raw, "Key");
        const id = canonicalKey(key);
        if (seen.has(id)) throw validation(DUPLICATE_KEYS_MESSAGE);
        seen.add(id);
        count += 1;
        if (count > MAX_BATCH_GET_KEYS) throw validation(TOO_MANY_KEYS_MESSAGE);
        keys.push(key);
      }
      compiled.set(table, { keys, projection });
    }
    // Each table's block may be consistent on its own and still mix the two styles across
    // tables, which DynamoDB refuses too (dynamodb-conformance; its wording is not pinned).
    const requests = Object.values(input.RequestItems);
    if (
      requests.some((r) => r.ProjectionExpression !== undefined) &&
      requests.some((r) => r.AttributesToGet !== undefined)
    ) {
      throw validation(
        "Can not use both expression and non-expression parameters in the same request: " +
          "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
      );
    }
    input.compiled = compiled;
  },
  execute(ctx, input) {
    const compiled = input.compiled ?? new Map();
    // Every table and key is checked before anything is read.
    const tables = Object.entries(input.RequestItems).map(([name, request]) => {
      const def = tableForData(ctx, name);
      const { keys, projection } = compiled.get(name) as { keys: Item[]; projection: DocPath[] | undefined };
      return {
        name,
        def,
        request,
        projection,
        keys: keys.map((key) => ({ key, encoded: keyOfKeyMap(def, key) })),
      };
    });

    const locks = lockTableOf(ctx);
    const capacity = new TableCapacity();
    const responses: Record<string, Item[]> = {};
    const unprocessed: Record<string, KeysAndAttributes> = {};
    const leaveUnprocessed = (table: (typeof tables)[number], key: Item) => {
      (unprocessed[table.name] ??= { ...table.request, Keys: [] }).Keys.push(key);
    };
    let bytes = 0;
    let full = false;
    for (const table of tables) {
      const found: Item[] = (responses[table.name] = []);
      const consistent = table.request.ConsistentRead === true;
      const project = projectionOf(table.request.AttributesToGet, table.projection) ?? ((item: Item) => item);
      for (const { key, encoded } of table.keys) {
        if (full || heldByTransaction(locks, table.def.tid, encoded)) {
          leaveUnprocessed(table, key);
          continue;
        }
        const row = ctx.items.get(table.def.tid, encoded.pk, encoded.sk);
        if (row && bytes + row.size > BATCH_GET_RESPONSE_LIMIT) {
          full = true;
          leaveUnprocessed(table, key);
          continue;
        }
        capacity.addRead(table.name, readUnits(row?.size ?? 0, consistent));
        if (row) {
          bytes += row.size;
          found.push(project(JSON.parse(row.doc) as Item));
        }
      }
    }
    const output: Record<string, unknown> = { Responses: responses, UnprocessedKeys: unprocessed };
    const consumed = capacity.list(input.ReturnConsumedCapacity, false);
    if (consumed) output.ConsumedCapacity = consumed;
    return output;
  },
});

function heldByTransaction(locks: ReturnType<typeof lockTableOf>, tid: number, key: EncodedKey): boolean {
  return locks.size > 0 && locks.holder(itemLockKey(tid, key)) !== undefined;
}

/** A key's identity whatever the order of its attributes (values are already normalised). */
export function canonicalKey(key: Item): string {
  return JSON.stringify(
    Object.keys(key)
      .sort()
      .map((name) => [name, key[name]]),
  );
}
