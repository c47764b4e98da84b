// Request shapes of ExecuteStatement, BatchExecuteStatement and ExecuteTransaction (the
// DynamoDB API model's members and constraints), checked with the same two passes as
// every other operation (src/protocol/shape.ts).
import { attributeValue, returnConsumedCapacity } from "../ops/common-shapes.js";
import type { AttributeValue, JsonObject } from "../types.js";
import { validateAttributeValue } from "../values/validate.js";
import { checkShape, type Shape } from "../protocol/shape.js";

const statement: Shape = { kind: "string", notNull: true, minLength: 1, maxLength: 8192 };
const parameters: Shape = { kind: "list", member: attributeValue, minLength: 1, parameterized: true };
const returnOnFailure: Shape = { kind: "string", enum: ["ALL_OLD", "NONE"] };

export const EXECUTE_STATEMENT: Record<string, Shape> = {
  Statement: statement,
  Parameters: parameters,
  ConsistentRead: { kind: "boolean" },
  NextToken: { kind: "string", minLength: 1, maxLength: 32768 },
  ReturnConsumedCapacity: returnConsumedCapacity,
  Limit: { kind: "long", min: 1 },
  ReturnValuesOnConditionCheckFailure: returnOnFailure,
};

export const BATCH_EXECUTE_STATEMENT: Record<string, Shape> = {
  Statements: {
    kind: "list",
    notNull: true,
    minLength: 1,
    maxLength: 25,
    member: {
      kind: "structure",
      name: "BatchStatementRequest",
      members: {
        Statement: statement,
        Parameters: parameters,
        ConsistentRead: { kind: "boolean" },
        ReturnValuesOnConditionCheckFailure: returnOnFailure,
      },
    },
  },
  ReturnConsumedCapacity: returnConsumedCapacity,
};

export const EXECUTE_TRANSACTION: Record<string, Shape> = {
  TransactStatements: {
    kind: "list",
    notNull: true,
    minLength: 1,
    maxLength: 100,
    member: {
      kind: "structure",
      name: "ParameterizedStatement",
      members: {
        Statement: statement,
        Parameters: parameters,
        ReturnValuesOnConditionCheckFailure: returnOnFailure,
      },
    },
  },
  ClientRequestToken: { kind: "string", minLength: 1, maxLength: 36 },
  ReturnConsumedCapacity: returnConsumedCapacity,
};

export interface StatementRequest {
  Statement: string;
  Parameters?: AttributeValue[];
  ConsistentRead?: boolean;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

export interface ExecuteStatementInput extends StatementRequest {
  NextToken?: string;
  ReturnConsumedCapacity?: string;
  Limit?: number;
}

export interface BatchExecuteStatementInput {
  Statements: StatementRequest[];
  ReturnConsumedCapacity?: string;
}

export interface ExecuteTransactionInput {
  TransactStatements: StatementRequest[];
  ClientRequestToken?: string;
  ReturnConsumedCapacity?: string;
}

/** Both validation passes; the cast is sound once the shape has been checked. */
export function checkRequest<T>(body: unknown, shape: Record<string, Shape>): T {
  return checkShape(body, shape) as T;
}

/** The statement's Parameters, each validated as an AttributeValue. */
export function parametersOf(request: { Parameters?: unknown[] } | JsonObject): AttributeValue[] {
  const list = (request as { Parameters?: unknown[] }).Parameters ?? [];
  return list.map((value) => validateAttributeValue(value));
}
