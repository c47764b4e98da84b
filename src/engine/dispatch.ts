// The one dispatcher behind every front door: wire operation name + JSON input -> JSON
// output, or a thrown DynamoError. Validation happens in DynamoDB's order: JSON kinds
// (SerializationException), member constraints, then the operation's own checks.
import { createBackup } from "../ops/create-backup.js";
import { deleteBackup } from "../ops/delete-backup.js";
import { describeBackup } from "../ops/describe-backup.js";
import { listBackups } from "../ops/list-backups.js";
import { describeExport } from "../ops/describe-export.js";
import { exportTableToPointInTime } from "../ops/export-table-to-point-in-time.js";
import { listExports } from "../ops/list-exports.js";
import { describeImport } from "../ops/describe-import.js";
import { importTable } from "../ops/import-table.js";
import { listImports } from "../ops/list-imports.js";
import { restoreTableFromBackup } from "../ops/restore-table-from-backup.js";
import { restoreTableToPointInTime } from "../ops/restore-table-to-point-in-time.js";
import { describeContinuousBackups } from "../ops/describe-continuous-backups.js";
import { updateContinuousBackups } from "../ops/update-continuous-backups.js";
import { DynamoError } from "../errors.js";
import { batchGetItem } from "../ops/batch-get-item.js";
import { batchWriteItem } from "../ops/batch-write-item.js";
import { createTable } from "../ops/create-table.js";
import { deleteItem } from "../ops/delete-item.js";
import { deleteResourcePolicy } from "../ops/delete-resource-policy.js";
import { deleteTable } from "../ops/delete-table.js";
import { describeEndpoints } from "../ops/describe-endpoints.js";
import { describeLimits } from "../ops/describe-limits.js";
import { describeTable } from "../ops/describe-table.js";
import { getItem } from "../ops/get-item.js";
import { getResourcePolicy } from "../ops/get-resource-policy.js";
import { listTables } from "../ops/list-tables.js";
import { listTagsOfResource } from "../ops/list-tags-of-resource.js";
import { checkRequest, type OpContext, type Operation } from "../ops/operation.js";
import { putItem } from "../ops/put-item.js";
import { putResourcePolicy } from "../ops/put-resource-policy.js";
import { query } from "../ops/query.js";
import { scan } from "../ops/scan.js";
import { searchVectors } from "../ops/search-vectors.js";
import { transactGetItems } from "../ops/transact-get-items.js";
import { transactWriteItems } from "../ops/transact-write-items.js";
import { updateItem } from "../ops/update-item.js";
import { tagResource } from "../ops/tag-resource.js";
import { untagResource } from "../ops/untag-resource.js";
import { updateTable } from "../ops/update-table.js";
import { describeTimeToLive } from "../ops/describe-time-to-live.js";
import { updateTimeToLive } from "../ops/update-time-to-live.js";
import type { JsonObject } from "../types.js";
// PartiQL runs above the shards (the router or an embedded engine's handler), planned onto the operations above.
import { isPartiqlOperation } from "../partiql/execute.js";

// Each entry's input type is checked by its own shape before execute sees it.
type AnyOperation = Operation<never>;

export const OPERATIONS: Readonly<Record<string, AnyOperation>> = {
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  CreateBackup: createBackup,
  CreateTable: createTable,
  DeleteBackup: deleteBackup,
  DeleteItem: deleteItem,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteTable: deleteTable,
  DescribeBackup: describeBackup,
  DescribeContinuousBackups: describeContinuousBackups,
  DescribeEndpoints: describeEndpoints,
  DescribeExport: describeExport,
  DescribeImport: describeImport,
  DescribeLimits: describeLimits,
  DescribeTable: describeTable,
  DescribeTimeToLive: describeTimeToLive,
  GetItem: getItem,
  GetResourcePolicy: getResourcePolicy,
  ExportTableToPointInTime: exportTableToPointInTime,
  ListBackups: listBackups,
  ImportTable: importTable,
  ListExports: listExports,
  ListImports: listImports,
  ListTables: listTables,
  ListTagsOfResource: listTagsOfResource,
  PutItem: putItem,
  PutResourcePolicy: putResourcePolicy,
  Query: query,
  SearchVectors: searchVectors,
  RestoreTableFromBackup: restoreTableFromBackup,
  RestoreTableToPointInTime: restoreTableToPointInTime,
  Scan: scan,
  TransactGetItems: transactGetItems,
  TransactWriteItems: transactWriteItems,
  UpdateItem: updateItem,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateContinuousBackups: updateContinuousBackups,
  UpdateTable: updateTable,
  UpdateTimeToLive: updateTimeToLive,
};

export function isKnownOperation(name: string): boolean {
  return Object.hasOwn(OPERATIONS, name) || isPartiqlOperation(name);
}

export function dispatch(ctx: OpContext, operation: string, body: unknown): JsonObject {
  // Own entries only: "constructor" and the like are not operations.
  if (!Object.hasOwn(OPERATIONS, operation)) throw new DynamoError("UnknownOperationException", "");
  const op = OPERATIONS[operation] as Operation<JsonObject>;
  return op.execute(ctx, checkRequest(op, body));
}
