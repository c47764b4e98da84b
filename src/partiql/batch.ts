// BatchExecuteStatement: up to 25 statements, all reads or all writes, each run on its
// own (a batch is not a transaction). Every statement gets a response in request order:
// {TableName, Item?} or {TableName?, Error: {Code, Message, Item?}}, the whole call
// answering HTTP 200 (AWS: a statement that fails to parse, names a missing table or
// fails its condition is an Error entry; nubo-db/dynamodb-conformance). A SELECT must
// name the table's full primary key: it reads one item.
import { DynamoError, validation } from "../errors.js";
import { mergeCapacity } from "../ops/capacity.js";
import type { AttributeValue, Item, JsonObject } from "../types.js";
import type { SelectStatement, Statement } from "./ast.js";
import { Placeholders } from "./expression.js";
import { callOk, describeOrFail, ReplyFailure, type PartiqlHost } from "./host.js";
import { fullKey } from "./keys.js";
import { prepare } from "./parse.js";
import { projectionOf, splitFilter } from "./select.js";
import {
  BATCH_EXECUTE_STATEMENT,
  checkRequest,
  parametersOf,
  type BatchExecuteStatementInput,
  type StatementRequest,
} from "./shapes.js";
import { DUPLICATE_ITEM, planWrite } from "./write.js";
import type { TableDef } from "../schema/table-def.js";

export const BATCH_SELECT_KEY =
  "Select statements within BatchExecuteStatement must specify the primary key in the where clause.";
export const BATCH_MIXED =
  "BatchExecuteStatement API does not support both read and write operations in the same request.";

/** Error codes of BatchStatementError: the exception name without "Exception" (ValidationError for validation). */
const CODES: Record<string, string> = {
  ValidationException: "ValidationError",
  ConditionalCheckFailedException: "ConditionalCheckFailed",
  ResourceNotFoundException: "ResourceNotFound",
  DuplicateItemException: "DuplicateItem",
  TransactionConflictException: "TransactionConflict",
  ItemCollectionSizeLimitExceededException: "ItemCollectionSizeLimitExceeded",
  ProvisionedThroughputExceededException: "ProvisionedThroughputExceeded",
  RequestLimitExceeded: "RequestLimitExceeded",
  InternalServerError: "InternalServerError",
  AccessDeniedException: "AccessDenied",
};

interface Member {
  request: StatementRequest;
  parameters: AttributeValue[];
  statement?: Statement;
  error?: JsonObject;
}

export async function executeBatch(body: unknown, host: PartiqlHost): Promise<JsonObject> {
  const request = checkRequest<BatchExecuteStatementInput>(body, BATCH_EXECUTE_STATEMENT);
  const members: Member[] = request.Statements.map((statement) => {
    const member: Member = { request: statement, parameters: [] };
    try {
      member.parameters = parametersOf(statement);
      member.statement = prepare(statement.Statement, member.parameters);
    } catch (err) {
      member.error = errorEntry(err);
    }
    return member;
  });
  const kinds = new Set(
    members.flatMap((m) => (m.statement ? [m.statement.kind === "select" ? "read" : "write"] : [])),
  );
  if (kinds.size > 1) throw validation(BATCH_MIXED);
  const capacity: JsonObject[] = [];
  const responses = await Promise.all(
    members.map((member) => runMember(member, host, request.ReturnConsumedCapacity, capacity)),
  );
  const out: JsonObject = { Responses: responses };
  if (request.ReturnConsumedCapacity && request.ReturnConsumedCapacity !== "NONE") {
    out.ConsumedCapacity = capacityPerTable(capacity);
  }
  return out;
}

async function runMember(
  member: Member,
  host: PartiqlHost,
  returnCapacity: string | undefined,
  capacity: JsonObject[],
): Promise<JsonObject> {
  if (member.error || !member.statement) return { Error: member.error };
  const statement = member.statement;
  const tableName = statement.kind === "exists" ? statement.select.source.table : statement.source.table;
  try {
    if (statement.kind === "exists") throw validation("EXISTS can only be used in ExecuteTransaction write requests.");
    const def = await describeOrFail(host, tableName);
    const extra: JsonObject = returnCapacity ? { ReturnConsumedCapacity: returnCapacity } : {};
    if (statement.kind === "select") {
      const { input, shape, keep } = planBatchSelect(statement, def, member.parameters, member.request.ConsistentRead);
      const page = await callOk(host, "Query", { ...input, ...extra });
      if (page.ConsumedCapacity) capacity.push(page.ConsumedCapacity as JsonObject);
      const item = ((page.Items as Item[] | undefined) ?? []).filter(keep)[0];
      return item ? { TableName: def.name, Item: shape(item) } : { TableName: def.name };
    }
    const plan = planWrite(statement, def, member.parameters);
    const input: JsonObject = { ...plan.input, ...extra };
    if (plan.returnValues) input.ReturnValues = plan.returnValues;
    const onFailure = member.request.ReturnValuesOnConditionCheckFailure;
    if (onFailure && statement.kind !== "insert") input.ReturnValuesOnConditionCheckFailure = onFailure;
    let result: JsonObject;
    try {
      result = await callOk(host, plan.operation, input);
    } catch (err) {
      if (
        statement.kind === "insert" &&
        err instanceof ReplyFailure &&
        err.type === "ConditionalCheckFailedException"
      ) {
        throw new DynamoError("DuplicateItemException", DUPLICATE_ITEM);
      }
      throw err;
    }
    if (result.ConsumedCapacity) capacity.push(result.ConsumedCapacity as JsonObject);
    const attributes = result.Attributes as Item | undefined;
    return attributes && Object.keys(attributes).length > 0
      ? { TableName: def.name, Item: attributes }
      : { TableName: def.name };
  } catch (err) {
    return { TableName: tableName, Error: errorEntry(err) };
  }
}

/** A batch SELECT: the one item of a full primary key, filtered by the other terms. */
function planBatchSelect(
  s: SelectStatement,
  def: TableDef,
  parameters: readonly AttributeValue[],
  consistentRead: boolean | undefined,
): { input: JsonObject; shape: (item: Item) => Item; keep: (item: Item) => boolean } {
  if (s.source.index !== undefined || s.orderBy.length > 0) throw validation(BATCH_SELECT_KEY);
  const shape = projectionOf(s.projection);
  const { key, rest } = fullKey(def, s.where, parameters, BATCH_SELECT_KEY);
  const p = new Placeholders(parameters);
  const input: JsonObject = {
    TableName: def.name,
    KeyConditionExpression: Object.entries(key)
      .map(([name, value]) => `${p.name(name)} = ${p.value(value)}`)
      .join(" AND "),
  };
  const { filter, keep } = splitFilter(rest, Object.keys(key), p);
  if (filter) input.FilterExpression = filter;
  if (consistentRead !== undefined) input.ConsistentRead = consistentRead;
  return { input: { ...input, ...p.members() }, shape, keep };
}

function errorEntry(err: unknown): JsonObject {
  if (err instanceof ReplyFailure) {
    const entry: JsonObject = { Code: CODES[err.type] ?? err.type.replace(/Exception$/, ""), Message: err.detail };
    if (err.body.Item !== undefined) entry.Item = err.body.Item;
    return entry;
  }
  if (err instanceof DynamoError)
    return { Code: CODES[err.type] ?? err.type.replace(/Exception$/, ""), Message: err.message };
  throw err;
}

/** Sums ConsumedCapacity entries per table, in the order tables first appear. */
export function capacityPerTable(entries: JsonObject[]): JsonObject[] {
  return entries.reduce<unknown>((all, entry) => mergeCapacity(all, [entry]), []) as JsonObject[];
}
