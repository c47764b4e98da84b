// The one dispatcher behind every front door: wire operation name + JSON input -> JSON
// output, or a thrown DynamoError. Validation happens in DynamoDB's order: JSON kinds
// (SerializationException), member constraints, then the operation's own checks.
import { DynamoError, serialization } from "./errors";
import { batchGetItem } from "./ops/batch-get-item";
import { batchWriteItem } from "./ops/batch-write-item";
import { createTable } from "./ops/create-table";
import { deleteItem } from "./ops/delete-item";
import { deleteTable } from "./ops/delete-table";
import { describeEndpoints } from "./ops/describe-endpoints";
import { describeLimits } from "./ops/describe-limits";
import { describeTable } from "./ops/describe-table";
import { getItem } from "./ops/get-item";
import { listTables } from "./ops/list-tables";
import { listTagsOfResource } from "./ops/list-tags-of-resource";
import type { OpContext, Operation } from "./ops/operation";
import { putItem } from "./ops/put-item";
import { query } from "./ops/query";
import { scan } from "./ops/scan";
import { transactGetItems } from "./ops/transact-get-items";
import { transactWriteItems } from "./ops/transact-write-items";
import { updateItem } from "./ops/update-item";
import { tagResource } from "./ops/tag-resource";
import { untagResource } from "./ops/untag-resource";
import { updateTable } from "./ops/update-table";
import { describeTimeToLive } from "./ops/describe-time-to-live";
import { updateTimeToLive } from "./ops/update-time-to-live";
import type { JsonObject } from "./types";
import { checkConstraints, deserializeMembers, isObject } from "./wire/shape";
// PartiQL runs above the shards (the router or an embedded engine's handler), planned onto the operations above.
import { isPartiqlOperation } from "./partiql/execute";

// Each entry's input type is checked by its own shape before execute sees it.
type AnyOperation = Operation<never>;

export const OPERATIONS: Readonly<Record<string, AnyOperation>> = {
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  CreateTable: createTable,
  DeleteItem: deleteItem,
  DeleteTable: deleteTable,
  DescribeEndpoints: describeEndpoints,
  DescribeLimits: describeLimits,
  DescribeTable: describeTable,
  DescribeTimeToLive: describeTimeToLive,
  GetItem: getItem,
  ListTables: listTables,
  ListTagsOfResource: listTagsOfResource,
  PutItem: putItem,
  Query: query,
  Scan: scan,
  TransactGetItems: transactGetItems,
  TransactWriteItems: transactWriteItems,
  UpdateItem: updateItem,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateTable: updateTable,
  UpdateTimeToLive: updateTimeToLive,
};

export function isKnownOperation(name: string): boolean {
  return Object.hasOwn(OPERATIONS, name) || isPartiqlOperation(name);
}

export function dispatch(ctx: OpContext, operation: string, body: unknown): JsonObject {
  const op = OPERATIONS[operation] as Operation<JsonObject> | undefined;
  if (!op) throw new DynamoError("UnknownOperationException", "");
  if (!isObject(body)) {
    throw serialization(Array.isArray(body) ? "Start of list found where not expected" : "Expected null");
  }
  const input = deserializeMembers(body, op.shape);
  checkConstraints(input, op.shape);
  op.validate?.(input);
  return op.execute(ctx, input);
}
