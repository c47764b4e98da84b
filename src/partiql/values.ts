// Binding PartiQL value literals and `?` parameters to AttributeValues. PartiQL writes a
// string set or number set as a bag, <<'a', 'b'>> / <<1, 2>>; lists as [..] and maps
// (tuples) as {'key': value}. Messages are DynamoDB's (its PartiQL front end; the set
// rules were recorded against DynamoDB Local by xo/dbimp's DYNAMODB.md).
import { validation } from "../errors.js";
import type { AttributeValue } from "../types.js";
import { validateAttributeValue } from "../values/validate.js";
import type { ValueNode } from "./ast.js";

export const EMPTY_BAG = "Empty bags are not supported";
export const BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags";

/** The AttributeValue a value node stands for, with `?` bound from `parameters`. */
export function bindValue(node: ValueNode, parameters: readonly AttributeValue[]): AttributeValue {
  return validateAttributeValue(build(node, parameters, "root"));
}

function build(node: ValueNode, parameters: readonly AttributeValue[], where: string): AttributeValue {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "number":
      return { N: node.text };
    case "param": {
      const value = parameters[node.index];
      // The statement and request counts were compared before binding.
      if (value === undefined) throw validation("Number of parameters in request and statement don't match.");
      return value;
    }
    case "list":
      return { L: node.items.map((item, i) => build(item, parameters, `${where}[${i}]`)) };
    case "map": {
      const out: Record<string, AttributeValue> = {};
      for (const { key, value } of node.entries) {
        if (Object.hasOwn(out, key)) throw validation(`Duplicate keys in tuple. Key: ${key} under ${where}`);
        out[key] = build(value, parameters, `${where}.${key}`);
      }
      return { M: out };
    }
    case "bag": {
      if (node.items.length === 0) throw validation(EMPTY_BAG);
      const members = node.items.map((item) => (item.kind === "param" ? undefined : build(item, parameters, where)));
      if (members.every((m) => m !== undefined && "S" in m)) return { SS: members.map((m) => (m as { S: string }).S) };
      if (members.every((m) => m !== undefined && "N" in m)) return { NS: members.map((m) => (m as { N: string }).N) };
      throw validation(BAG_TYPES);
    }
  }
}
