// Optional per-key permissions, a small subset of IAM: for each access key id, a list of
// grants {actions, tables}; `*` (any run of characters) and `?` (one character) are
// wildcards. Actions are operation names, with or without the `dynamodb:` prefix, matched
// case-insensitively as IAM does; tables are table names (case-sensitive, like DynamoDB's).
// A request needs every (action, resource) pair it touches, as IAM evaluates them:
// BatchWriteItem needs dynamodb:BatchWriteItem on each table, TransactWriteItems needs
// PutItem/UpdateItem/DeleteItem/ConditionCheckItem on each table, TransactGetItems GetItem.
// Operations on no table (ListTables, DescribeLimits, DescribeEndpoints, ListStreams
// without a table...) need a grant whose tables include "*".
import { wildcard } from "../schema/resource-policy.js";
import { decodeIterator } from "../streams/iterator.js";
import { ACCOUNT_ID } from "../schema/table-def.js";

export interface Grant {
  actions: RegExp[];
  tables: RegExp[];
  /** The grant covers account-level resources (its tables include "*"). */
  anyTable: boolean;
}

/** What one request touches: an action on a table (undefined: the account). */
export interface Need {
  action: string;
  table: string | undefined;
  /** The ARN shown in the refusal. */
  resource: string;
}

/** DDB_PERMISSIONS JSON; a malformed value grants nothing to anyone (fails closed). */
export function parseGrants(text: string): ReadonlyMap<string, readonly Grant[]> {
  const grants = new Map<string, Grant[]>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    console.error("DDB_PERMISSIONS is not JSON: every request is refused");
    return grants;
  }
  if (!isRecord(parsed)) {
    console.error("DDB_PERMISSIONS is not a JSON object: every request is refused");
    return grants;
  }
  for (const [key, list] of Object.entries(parsed)) {
    const entries = Array.isArray(list) ? list : [];
    const good = entries.filter(
      (g): g is { actions: string[]; tables: string[] } => isRecord(g) && isStrings(g.actions) && isStrings(g.tables),
    );
    if (good.length !== entries.length || !Array.isArray(list)) {
      console.error(
        `DDB_PERMISSIONS[${JSON.stringify(key)}]: grants must be [{"actions": [...], "tables": [...]}]; bad ones are ignored`,
      );
    }
    grants.set(
      key,
      good.map((g) => ({
        actions: g.actions.map((a) => wildcard(a.replace(/^dynamodb:/i, ""), "i")),
        tables: g.tables.map((t) => wildcard(t, "")),
        anyTable: g.tables.includes("*"),
      })),
    );
  }
  return grants;
}

/** Whether one of `grants` covers `need`. */
export function grantsAllow(grants: readonly Grant[], need: Need): boolean {
  return grants.some(
    (g) =>
      g.actions.some((a) => a.test(need.action)) &&
      (need.table === undefined ? g.anyTable : g.tables.some((t) => t.test(need.table!))),
  );
}

/** The (action, resource) pairs of a request, from its operation and parsed body. */
export function needsOf(operation: string, input: Record<string, unknown>, region: string): Need[] {
  const arn = (table: string, index?: unknown): string =>
    `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${table}${typeof index === "string" ? `/index/${index}` : ""}`;
  const onTable = (action: string, table: unknown, index?: unknown): Need => {
    const name = tableName(table);
    return name === undefined
      ? { action, table: undefined, resource: arn("*") }
      : { action, table: name, resource: arn(name, index) };
  };
  switch (operation) {
    case "BatchGetItem":
    case "BatchWriteItem":
      return keysOf(input.RequestItems).map((t) => onTable(operation, t));
    case "TransactGetItems":
      return listOf(input.TransactItems).map((item) =>
        onTable("GetItem", isRecord(item.Get) ? item.Get.TableName : undefined),
      );
    case "TransactWriteItems":
      // Every member present is checked (an action naming two is refused later anyway).
      return listOf(input.TransactItems).flatMap((item) =>
        TRANSACT_ACTIONS.filter(([member]) => item[member] !== undefined).map(([member, action]) => {
          const part = item[member];
          return onTable(action, isRecord(part) ? part.TableName : undefined);
        }),
      );
    case "TagResource":
    case "UntagResource":
    case "ListTagsOfResource":
      return [onTable(operation, input.ResourceArn)];
    case "PutResourcePolicy":
    case "GetResourcePolicy":
    case "DeleteResourcePolicy": {
      // The resource is the ARN named: a table's or its stream's policy.
      const need = onTable(operation, input.ResourceArn);
      return [need.table === undefined ? need : { ...need, resource: String(input.ResourceArn) }];
    }
    // A backup is a resource of its table (its ARN names the table).
    case "DescribeBackup":
    case "DeleteBackup": {
      const need = onTable(operation, input.BackupArn);
      return [need.table === undefined ? need : { ...need, resource: String(input.BackupArn) }];
    }
    case "RestoreTableFromBackup":
      return [onTable(operation, input.TargetTableName)];
    case "RestoreTableToPointInTime":
      return [
        onTable(operation, input.SourceTableName ?? input.SourceTableArn),
        onTable(operation, input.TargetTableName),
      ];
    case "DescribeStream":
    case "GetShardIterator": {
      // Checked against the stream's table; refused naming the stream, as IAM does.
      const need = onTable(operation, input.StreamArn);
      return [need.table === undefined ? need : { ...need, resource: String(input.StreamArn) }];
    }
    case "GetRecords": {
      // The iterator names its table and stream (src/streams/iterator.ts); expiry is the
      // engine's to judge. A malformed one needs nothing here: the engine refuses it first.
      if (typeof input.ShardIterator !== "string") return [onTable(operation, undefined)];
      try {
        const { table, label } = decodeIterator(input.ShardIterator, Number.NEGATIVE_INFINITY);
        return [{ action: operation, table, resource: `${arn(table)}/stream/${label}` }];
      } catch {
        return [];
      }
    }
    default:
      // Query/Scan of an index: the table's grant covers its indexes (shown as the index ARN).
      return [onTable(operation, input.TableName, input.IndexName)];
  }
}

const TRANSACT_ACTIONS: [string, string][] = [
  ["Put", "PutItem"],
  ["Update", "UpdateItem"],
  ["Delete", "DeleteItem"],
  ["ConditionCheck", "ConditionCheckItem"],
];

/** A table name, or the table of a table/index/stream ARN (or of a string embedding one). */
function tableName(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  if (!value.includes(":")) return value;
  return /:table\/([^/]+)/.exec(value)?.[1];
}

function keysOf(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value) : [];
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
