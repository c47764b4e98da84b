// ExecuteTransaction: up to 100 statements, all reads (one TransactGetItems) or all
// writes (one TransactWriteItems, with EXISTS(SELECT ...) as ConditionChecks), so the
// whole transaction applies or nothing does. Messages are DynamoDB's: a statement's
// validation error is prefixed "Validation failed in TransactStatements[i]: " (pinned
// against AWS by nubo-db/dynamodb-conformance), a read and a write together are refused
// as DynamoDB Local records, and an INSERT of an existing key cancels the transaction
// with a DuplicateItem reason.
import { DynamoError, validation } from "../errors.js";
import type { Item, JsonObject } from "../types.js";
import type { SelectStatement, Statement } from "./ast.js";
import { conditionText, Placeholders } from "./expression.js";
import { callOk, describeOrFail, ReplyFailure, type PartiqlHost } from "./host.js";
import { fullKey, joinAnd } from "./keys.js";
import { prepare } from "./parse.js";
import { projectionOf } from "./select.js";
import { checkRequest, EXECUTE_TRANSACTION, parametersOf, type ExecuteTransactionInput } from "./shapes.js";
import { DUPLICATE_ITEM, planWrite } from "./write.js";

export const MIXED = "ExecuteTransaction API does not support both read and write operations in the same request.";
const READ_KEY = "Select statements within ExecuteTransaction must specify the primary key in the where clause.";
const EXISTS_KEY = "EXISTS() must contain a single item read with additional condition";

export async function executeTransaction(body: unknown, host: PartiqlHost): Promise<JsonObject> {
  const request = checkRequest<ExecuteTransactionInput>(body, EXECUTE_TRANSACTION);
  const statements = request.TransactStatements.map((member, i) =>
    inStatement(i, () => {
      const parameters = parametersOf(member);
      return { member, parameters, statement: prepare(member.Statement, parameters) };
    }),
  );
  const reads = statements.filter((s) => s.statement.kind === "select").length;
  if (reads > 0 && reads < statements.length) throw validation(MIXED);
  const capacity = request.ReturnConsumedCapacity ? { ReturnConsumedCapacity: request.ReturnConsumedCapacity } : {};

  if (reads > 0) {
    const shapes: ((item: Item) => Item)[] = [];
    const items: JsonObject[] = [];
    for (const [i, { statement, parameters }] of statements.entries()) {
      const select = statement as SelectStatement;
      const def = await describeOrFail(host, select.source.table);
      items.push(
        inStatement(i, () => {
          if (select.source.index !== undefined)
            throw validation("Reads on indices are not supported within transactions.");
          const { key, rest } = fullKey(def, select.where, parameters, READ_KEY);
          if (rest.length > 0) throw validation(READ_KEY);
          shapes.push(projectionOf(select.projection));
          return { Get: { TableName: def.name, Key: key } };
        }),
      );
    }
    const result = await callOk(host, "TransactGetItems", { TransactItems: items, ...capacity });
    const responses = ((result.Responses as { Item?: Item }[] | undefined) ?? []).map((r, i) =>
      r.Item ? { Item: shapes[i]!(r.Item) } : {},
    );
    const out: JsonObject = { Responses: responses };
    if (result.ConsumedCapacity !== undefined) out.ConsumedCapacity = result.ConsumedCapacity;
    return out;
  }

  const items: JsonObject[] = [];
  for (const [i, { member, statement, parameters }] of statements.entries()) {
    const table = statement.kind === "exists" ? statement.select.source.table : sourceTable(statement);
    const def = await describeOrFail(host, table);
    items.push(
      inStatement(i, () => {
        const onFailure = member.ReturnValuesOnConditionCheckFailure;
        const failure = onFailure ? { ReturnValuesOnConditionCheckFailure: onFailure } : {};
        if (statement.kind === "exists") {
          const select = statement.select;
          if (select.source.index !== undefined)
            throw validation("Operations on indices are not supported in transactions");
          const { key, rest } = fullKey(def, select.where, parameters, EXISTS_KEY);
          const condition = joinAnd(rest);
          if (!condition) throw validation(EXISTS_KEY);
          const p = new Placeholders(parameters);
          const text = conditionText(condition, p);
          return {
            ConditionCheck: { TableName: def.name, Key: key, ConditionExpression: text, ...p.members(), ...failure },
          };
        }
        if (statement.kind === "select") throw validation(MIXED);
        if (statement.kind === "insert" ? statement.returning : statement.returning !== undefined) {
          throw validation("RETURNING clause is not supported in ExecuteTransaction.");
        }
        const plan = planWrite(statement, def, parameters);
        const action = { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem" } as const;
        const name = (Object.keys(action) as (keyof typeof action)[]).find((k) => action[k] === plan.operation)!;
        return { [name]: { ...plan.input, ...(statement.kind === "insert" ? {} : failure) } };
      }),
    );
  }
  const input: JsonObject = { TransactItems: items, ...capacity };
  if (request.ClientRequestToken !== undefined) input.ClientRequestToken = request.ClientRequestToken;
  let result: JsonObject;
  try {
    result = await callOk(host, "TransactWriteItems", input);
  } catch (err) {
    if (err instanceof ReplyFailure && err.type === "TransactionCanceledException") {
      throw duplicateReasons(
        err,
        statements.map((s) => s.statement),
      );
    }
    throw err;
  }
  const out: JsonObject = {};
  if (result.ConsumedCapacity !== undefined) out.ConsumedCapacity = result.ConsumedCapacity;
  return out;
}

function sourceTable(statement: Exclude<Statement, { kind: "exists" }>): string {
  return statement.source.table;
}

/** Runs a step for statement i, prefixing a validation error with the statement's position. */
function inStatement<T>(i: number, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof DynamoError && err.type === "ValidationException") {
      throw validation(`Validation failed in TransactStatements[${i}]: ${err.message}`);
    }
    throw err;
  }
}

/** The cancellation with an INSERT's failed condition reported as DuplicateItem. */
function duplicateReasons(err: ReplyFailure, statements: Statement[]): DynamoError {
  const reasons = ((err.body.CancellationReasons as JsonObject[] | undefined) ?? []).map((reason, i) =>
    statements[i]?.kind === "insert" && reason.Code === "ConditionalCheckFailed"
      ? { Code: "DuplicateItem", Message: DUPLICATE_ITEM }
      : reason,
  );
  return new DynamoError(
    "TransactionCanceledException",
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
    400,
    { CancellationReasons: reasons },
  );
}
