// INSERT, UPDATE and DELETE planned onto PutItem, UpdateItem and DeleteItem inputs (the
// same members as TransactWriteItems' Put, Update and Delete, so ExecuteTransaction reuses
// them). DynamoDB's semantics, expressed as conditions the operations already enforce:
//   INSERT  -> PutItem if attribute_not_exists(partition key); a false condition is
//              DuplicateItemException "Duplicate primary key exists in table".
//   UPDATE  -> UpdateItem of the key the WHERE fixes, if attribute_exists(partition key)
//              AND the other WHERE terms: updating a missing item fails with
//              ConditionalCheckFailedException (AWS developer guide, PartiQL UPDATE).
//   DELETE  -> DeleteItem of that key, if attribute_not_exists(partition key) OR the other
//              terms: deleting a missing item succeeds (recorded against DynamoDB Local).
import { validation } from "../errors.js";
import type { AttributeValue, JsonObject } from "../types.js";
import type { DeleteStatement, InsertStatement, Operand, Returning, UpdateStatement } from "./ast.js";
import { conditionText, operandText, pathText, Placeholders, setValueText } from "./expression.js";
import { checkKeyType, checkSource, fullKey, joinAnd } from "./keys.js";
import { bindValue } from "./values.js";
import { hashKeyOf, rangeKeyOf, type TableDef } from "../schema/table-def.js";

export const DUPLICATE_ITEM = "Duplicate primary key exists in table";

export interface WritePlan {
  operation: "PutItem" | "UpdateItem" | "DeleteItem";
  /** The operation's input without ReturnValues / ReturnConsumedCapacity. */
  input: JsonObject;
  /** The ReturnValues a RETURNING clause asks for. */
  returnValues: string | undefined;
}

const RETURN_VALUES: Record<Returning, string> = {
  "ALL OLD": "ALL_OLD",
  "ALL NEW": "ALL_NEW",
  "MODIFIED OLD": "UPDATED_OLD",
  "MODIFIED NEW": "UPDATED_NEW",
};

export function planWrite(
  s: InsertStatement | UpdateStatement | DeleteStatement,
  def: TableDef,
  parameters: readonly AttributeValue[],
): WritePlan {
  if (checkSource(s.source, def)) throw validation("This operation is not supported on an index");
  switch (s.kind) {
    case "insert":
      return planInsert(s, def, parameters);
    case "update":
      return planUpdate(s, def, parameters);
    case "delete":
      return planDelete(s, def, parameters);
  }
}

function planInsert(s: InsertStatement, def: TableDef, parameters: readonly AttributeValue[]): WritePlan {
  if (s.returning) throw validation("RETURNING is not supported in INSERT");
  if (s.value.kind !== "map") {
    throw validation(
      "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.",
    );
  }
  const item = (bindValue(s.value, parameters) as { M: Record<string, AttributeValue> }).M;
  for (const key of [hashKeyOf(def), rangeKeyOf(def)]) {
    if (!key) continue;
    const value = item[key.name];
    if (value === undefined) throw validation(`Key attribute should be present in the item: Key ${key.name}`);
    checkKeyType(key, value);
  }
  const p = new Placeholders(parameters);
  const condition = `attribute_not_exists(${p.name(hashKeyOf(def).name)})`;
  return {
    operation: "PutItem",
    input: { TableName: def.name, Item: item, ConditionExpression: condition, ...p.members() },
    returnValues: undefined,
  };
}

function planUpdate(s: UpdateStatement, def: TableDef, parameters: readonly AttributeValue[]): WritePlan {
  const { key, rest } = fullKey(def, s.where, parameters);
  const p = new Placeholders(parameters);
  const clauses: Record<"SET" | "REMOVE" | "ADD" | "DELETE", string[]> = { SET: [], REMOVE: [], ADD: [], DELETE: [] };
  for (const action of s.actions) {
    const target = pathText(action.path, p);
    if (action.kind === "remove") {
      clauses.REMOVE.push(target);
      continue;
    }
    const value = action.value;
    if (value.kind === "value" && value.value.kind === "call" && /^set_(add|delete)$/.test(value.value.name)) {
      const op = value.value.name === "set_add" ? "ADD" : "DELETE";
      const args = value.value.args;
      if (args.length !== 2) throw validation(`SET_${op} must have exactly two arguments`);
      const [first, second] = args as [Operand, Operand];
      if (first.kind !== "path" || pathText(first, p) !== target) {
        throw validation(`The first argument to SET_${op} must equal the assignment value`);
      }
      if (second.kind !== "bag" && second.kind !== "param") {
        throw validation(`The second argument to SET_${op} must be a value with type SET`);
      }
      clauses[op].push(`${target} ${operandText(second, p)}`);
      continue;
    }
    clauses.SET.push(`${target} = ${setValueText(value, p)}`);
  }
  const update = (["SET", "REMOVE", "ADD", "DELETE"] as const)
    .filter((c) => clauses[c].length > 0)
    .map((c) => `${c} ${clauses[c].join(", ")}`)
    .join(" ");
  let condition = `attribute_exists(${p.name(hashKeyOf(def).name)})`;
  const extra = joinAnd(rest);
  if (extra) condition += ` AND (${conditionText(extra, p)})`;
  return {
    operation: "UpdateItem",
    input: { TableName: def.name, Key: key, UpdateExpression: update, ConditionExpression: condition, ...p.members() },
    returnValues: s.returning ? RETURN_VALUES[s.returning] : undefined,
  };
}

function planDelete(s: DeleteStatement, def: TableDef, parameters: readonly AttributeValue[]): WritePlan {
  if (s.returning !== undefined && s.returning !== "ALL OLD") {
    throw validation(
      `Invalid returning clause: RETURNING ${s.returning} *. Only RETURNING ALL OLD * is allowed in DELETE statements.`,
    );
  }
  const { key, rest } = fullKey(def, s.where, parameters);
  const p = new Placeholders(parameters);
  const input: JsonObject = { TableName: def.name, Key: key };
  const extra = joinAnd(rest);
  if (extra) {
    input.ConditionExpression = `attribute_not_exists(${p.name(hashKeyOf(def).name)}) OR (${conditionText(extra, p)})`;
  }
  return {
    operation: "DeleteItem",
    input: { ...input, ...p.members() },
    returnValues: s.returning ? "ALL_OLD" : undefined,
  };
}
