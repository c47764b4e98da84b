// The request-wide part of expression handling: ExpressionAttributeNames/Values, which
// placeholders each expression used, and DynamoDB's rules about the two maps.
import { validation } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { checkAttributeNameLength, validateItem } from "../values/validate.js";
import type { ExpressionKind } from "./ast.js";

export type { ExpressionKind };

/** Names and values of one request, and which of them the expressions used. */
export class ExpressionContext {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();

  constructor(
    readonly names: Readonly<Record<string, string>> | undefined,
    readonly values: Readonly<Item> | undefined,
  ) {}

  name(placeholder: string): string | undefined {
    if (!this.names || !Object.hasOwn(this.names, placeholder)) return undefined;
    this.usedNames.add(placeholder);
    return this.names[placeholder];
  }

  value(placeholder: string): AttributeValue | undefined {
    if (!this.values || !Object.hasOwn(this.values, placeholder)) return undefined;
    this.usedValues.add(placeholder);
    return this.values[placeholder];
  }

  /** After every expression of the request is compiled: nothing may be left unused. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((k) => !this.usedNames.has(k));
    if (unusedNames.length > 0) {
      throw validation(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(", ")}}`,
      );
    }
    const unusedValues = Object.keys(this.values ?? {}).filter((k) => !this.usedValues.has(k));
    if (unusedValues.length > 0) {
      throw validation(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(", ")}}`,
      );
    }
  }
}

export interface ExpressionParams {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * DynamoDB's checks of a request's expression members before any expression is parsed,
 * in its order: legacy and expression parameters are not mixed; the maps are only given
 * with expressions; they are not empty; their keys are placeholders; values are valid.
 *
 * `expressions` lists the request's expression members that are present, `possible` all
 * expression members the operation has (for the "... is null" message), `legacy` the
 * legacy members present.
 */
export function expressionContext(
  params: ExpressionParams,
  present: readonly string[],
  possible: readonly string[],
  legacy: readonly string[],
): ExpressionContext {
  if (present.length > 0 && legacy.length > 0) {
    throw validation(
      "Can not use both expression and non-expression parameters in the same request: " +
        `Non-expression parameters: {${legacy.join(", ")}} Expression parameters: {${present.join(", ")}}`,
    );
  }
  const names = params.ExpressionAttributeNames;
  const rawValues = params.ExpressionAttributeValues;
  if (names !== undefined && present.length === 0) {
    throw validation("ExpressionAttributeNames can only be specified when using expressions");
  }
  // ProjectionExpression takes no values, so it does not count here.
  const valueExpressions = possible.filter((e) => e !== "ProjectionExpression");
  if (rawValues !== undefined && valueExpressions.length > 0 && !present.some((e) => valueExpressions.includes(e))) {
    throw validation(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(" and ")} ` +
        `${valueExpressions.length > 1 ? "are" : "is"} null`,
    );
  }
  if (names !== undefined) {
    if (Object.keys(names).length === 0) throw validation("ExpressionAttributeNames must not be empty");
    for (const key of Object.keys(names)) {
      if (!/^#[0-9a-zA-Z_]+$/.test(key)) {
        throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
      }
    }
    for (const name of Object.values(names)) checkAttributeNameLength(name);
  }
  let values: Item | undefined;
  if (rawValues !== undefined) {
    if (Object.keys(rawValues).length === 0) throw validation("ExpressionAttributeValues must not be empty");
    for (const key of Object.keys(rawValues)) {
      if (!/^:[0-9a-zA-Z_]+$/.test(key)) {
        throw validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
      }
    }
    values = validateItem(rawValues, "ExpressionAttributeValues");
  }
  return new ExpressionContext(names, values);
}
