// PartiQL's three operations, run on top of the existing ones: ExecuteStatement here,
// BatchExecuteStatement in ./batch.ts, ExecuteTransaction in ./transaction.ts. Each
// statement is parsed (./parse.ts), planned against the table's definition (./select.ts,
// ./write.ts) and run as one Query, Scan, PutItem, UpdateItem or DeleteItem (or one
// TransactGetItems / TransactWriteItems), so a statement is exactly as atomic as the
// operation it becomes and never half-applies. The same code runs in the cluster router
// (src/cluster/router.ts) and for an embedded engine (src/client/request-handler.ts); each
// passes a PartiqlHost.
import { DynamoError, validation } from "../errors.js";
import type { AttributeValue, Item, JsonObject } from "../types.js";
import { capacityPerTable, executeBatch } from "./batch.js";
import { callOk, describeOrFail, ReplyFailure, type PartiqlHost } from "./host.js";
import { prepare } from "./parse.js";
import { planSelect, type SelectPlan } from "./select.js";
import { checkRequest, EXECUTE_STATEMENT, parametersOf, type ExecuteStatementInput } from "./shapes.js";
import { decodeToken, encodeToken, type Resume } from "./token.js";
import { executeTransaction } from "./transaction.js";
import { DUPLICATE_ITEM, planWrite } from "./write.js";
import { errorReply, type WireReply } from "../protocol/reply.js";
import { parseJsonBody } from "../protocol/json-body.js";

export type { PartiqlHost } from "./host.js";

export const PARTIQL_OPERATIONS: ReadonlySet<string> = new Set([
  "ExecuteStatement",
  "BatchExecuteStatement",
  "ExecuteTransaction",
]);

export function isPartiqlOperation(operation: string): boolean {
  return PARTIQL_OPERATIONS.has(operation);
}

/** Runs one PartiQL operation from its wire body; always answers (errors serialised). */
export async function executePartiql(operation: string, body: string, host: PartiqlHost): Promise<WireReply> {
  try {
    const input = parseJsonBody(body);
    let output: JsonObject;
    if (operation === "ExecuteStatement") output = await executeStatement(input, host);
    else if (operation === "BatchExecuteStatement") output = await executeBatch(input, host);
    else if (operation === "ExecuteTransaction") output = await executeTransaction(input, host);
    else throw new DynamoError("UnknownOperationException", "");
    return { status: 200, body: JSON.stringify(output) };
  } catch (err) {
    if (err instanceof ReplyFailure) return err.reply;
    if (err instanceof DynamoError) return errorReply(err);
    throw err;
  }
}

async function executeStatement(body: unknown, host: PartiqlHost): Promise<JsonObject> {
  const request = checkRequest<ExecuteStatementInput>(body, EXECUTE_STATEMENT);
  const parameters = parametersOf(request);
  const statement = prepare(request.Statement, parameters);
  if (statement.kind === "exists") throw validation("EXISTS can only be used in ExecuteTransaction write requests.");
  const def = await describeOrFail(host, statement.source.table);
  const capacity = request.ReturnConsumedCapacity ? { ReturnConsumedCapacity: request.ReturnConsumedCapacity } : {};

  if (statement.kind === "select") {
    const plan = planSelect(statement, def, parameters, request.ConsistentRead);
    return readPages(host, plan, request, parameters, capacity);
  }

  const plan = planWrite(statement, def, parameters);
  const input: JsonObject = { ...plan.input, ...capacity };
  if (plan.returnValues) input.ReturnValues = plan.returnValues;
  if (request.ReturnValuesOnConditionCheckFailure && statement.kind !== "insert") {
    input.ReturnValuesOnConditionCheckFailure = request.ReturnValuesOnConditionCheckFailure;
  }
  let result: JsonObject;
  try {
    result = await callOk(host, plan.operation, input);
  } catch (err) {
    if (statement.kind === "insert" && err instanceof ReplyFailure && err.type === "ConditionalCheckFailedException") {
      throw new DynamoError("DuplicateItemException", DUPLICATE_ITEM);
    }
    throw err;
  }
  const attributes = result.Attributes as Item | undefined;
  const out: JsonObject = { Items: attributes && Object.keys(attributes).length > 0 ? [attributes] : [] };
  if (result.ConsumedCapacity !== undefined) out.ConsumedCapacity = result.ConsumedCapacity;
  return out;
}

/**
 * Runs a SELECT's reads from where its NextToken left off, one after the other, until a
 * read stops with a LastEvaluatedKey (Limit or 1 MB reached) or Limit items were read.
 * Limit counts items read, not items answered, as DynamoDB's does.
 */
async function readPages(
  host: PartiqlHost,
  plan: SelectPlan,
  request: ExecuteStatementInput,
  parameters: AttributeValue[],
  capacity: JsonObject,
): Promise<JsonObject> {
  const resume: Resume =
    request.NextToken === undefined
      ? { read: 0, key: undefined }
      : decodeToken(request.NextToken, request.Statement, parameters);
  if (resume.read >= plan.inputs.length) throw validation("The provided starting key is invalid");
  let limit = request.Limit;
  const items: Item[] = [];
  const consumed: JsonObject[] = [];
  let next: Resume | undefined;
  for (let read = resume.read; read < plan.inputs.length; read++) {
    const input: JsonObject = { ...plan.inputs[read], ...capacity };
    if (limit !== undefined) input.Limit = limit;
    if (read === resume.read && resume.key !== undefined) input.ExclusiveStartKey = resume.key;
    const page = await callOk(host, plan.operation, input);
    items.push(...((page.Items as Item[] | undefined) ?? []));
    if (page.ConsumedCapacity !== undefined) consumed.push(page.ConsumedCapacity as JsonObject);
    if (page.LastEvaluatedKey !== undefined) {
      next = { read, key: page.LastEvaluatedKey as JsonObject };
      break;
    }
    if (limit !== undefined) {
      limit -= typeof page.ScannedCount === "number" ? page.ScannedCount : 0;
      if (limit <= 0) {
        if (read + 1 < plan.inputs.length) next = { read: read + 1, key: undefined };
        break;
      }
    }
  }
  const out: JsonObject = { Items: items.filter(plan.keep).map(plan.shape) };
  if (next) out.NextToken = encodeToken(next, request.Statement, parameters);
  if (consumed.length === 1) out.ConsumedCapacity = consumed[0];
  else if (consumed.length > 1) out.ConsumedCapacity = capacityPerTable(consumed)[0];
  return out;
}
