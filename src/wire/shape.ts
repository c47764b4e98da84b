// Request shape checking, in the two passes DynamoDB's front end (Coral) makes:
// 1. deserialisation: a JSON value of the wrong kind for a member is a
//    SerializationException, with Coral's (Java-flavoured) wording;
// 2. constraint validation: up to 10 violations are collected and reported together as
//    "N validation error(s) detected: Value 'x' at 'path' failed to satisfy constraint: ...".
// Members not in the shape are dropped, as the AWS front end ignores unknown members.

import { serialization, validation } from "../errors";
import type { JsonObject } from "../types";

export type Shape =
  | StringShape
  | { kind: "long"; notNull?: boolean; min?: number; max?: number }
  | { kind: "boolean"; notNull?: boolean }
  | { kind: "blob"; notNull?: boolean }
  | { kind: "list"; member: Shape; notNull?: boolean; minLength?: number; maxLength?: number }
  | { kind: "map"; value: Shape; notNull?: boolean; minLength?: number; maxLength?: number }
  | { kind: "structure"; members: Record<string, Shape>; notNull?: boolean }
  /** An AttributeValue: its inside is checked by src/values/validate.ts. */
  | { kind: "attributeValue"; notNull?: boolean };

export interface StringShape {
  kind: "string";
  notNull?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: readonly string[];
}

const MAX_REPORTED = 10;

/** Pass 1: JSON kinds. Returns the input with unknown members removed. */
export function deserialize(input: unknown, shape: Shape): unknown {
  if (input === null || input === undefined) return undefined;
  switch (shape.kind) {
    case "string":
      if (typeof input === "string") return input;
      throw serialization(notConvertible(input, "an String"));
    case "long":
      if (typeof input === "number") return Math.floor(input);
      throw serialization(notConvertible(input, "an Long"));
    case "boolean":
      if (typeof input === "boolean") return input;
      if (typeof input === "string") throw serialization(`'${input.toUpperCase()}' can not be converted to an Boolean`);
      throw serialization(notConvertible(input, "an Boolean"));
    case "blob":
      if (typeof input === "string") return input;
      throw serialization(notConvertible(input, "a Blob"));
    case "list":
      if (!Array.isArray(input)) {
        if (isObject(input)) throw serialization("Start of structure or map found where not expected.");
        throw serialization("Expected list or null");
      }
      return input.map((member: unknown) => deserialize(member, shape.member));
    case "map": {
      if (!isObject(input)) {
        if (Array.isArray(input)) throw serialization("Start of list found where not expected");
        throw serialization("Expected map or null");
      }
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(input)) {
        const v = deserialize(value, shape.value);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    case "structure":
      if (!isObject(input)) {
        if (Array.isArray(input)) throw serialization("Start of list found where not expected");
        throw serialization("Expected null");
      }
      return deserializeMembers(input, shape.members);
    case "attributeValue":
      if (!isObject(input)) {
        if (Array.isArray(input)) throw serialization("Start of list found where not expected");
        throw serialization("Expected null");
      }
      return input;
  }
}

export function deserializeMembers(input: JsonObject, members: Record<string, Shape>): JsonObject {
  const out: JsonObject = {};
  for (const [name, shape] of Object.entries(members)) {
    const v = deserialize(input[name], shape);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Pass 2: constraints. Throws one ValidationException listing up to 10 violations. */
export function checkConstraints(input: JsonObject, members: Record<string, Shape>): void {
  const errors: string[] = [];
  for (const [name, shape] of Object.entries(members)) {
    walk(input[name], shape, lowerFirst(name), errors);
  }
  if (errors.length > 0) {
    const n = errors.length;
    throw validation(`${n} validation error${n > 1 ? "s" : ""} detected: ${errors.join("; ")}`);
  }
}

function walk(value: unknown, shape: Shape, path: string, errors: string[]): void {
  if (errors.length >= MAX_REPORTED) return;
  const fail = (constraint: string): void => {
    if (errors.length < MAX_REPORTED) {
      errors.push(`Value ${valueText(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
    }
  };
  if (value === undefined || value === null) {
    if (shape.notNull) fail("Member must not be null");
    return;
  }
  switch (shape.kind) {
    case "string": {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s)) fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern})$`).test(s)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      lengthChecks(s.length, shape, fail);
      return;
    }
    case "long": {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "list": {
      const list = value as unknown[];
      list.forEach((member, i) => walk(member, shape.member, `${path}.${i + 1}.member`, errors));
      lengthChecks(list.length, shape, fail);
      return;
    }
    case "map": {
      const map = value as JsonObject;
      for (const [key, member] of Object.entries(map)) walk(member, shape.value, `${path}.${key}.member`, errors);
      lengthChecks(Object.keys(map).length, shape, fail);
      return;
    }
    case "structure": {
      const struct = value as JsonObject;
      for (const [name, member] of Object.entries(shape.members)) {
        walk(struct[name], member, `${path}.${lowerFirst(name)}`, errors);
      }
      return;
    }
    default:
      return;
  }
}

function lengthChecks(
  length: number,
  shape: { minLength?: number; maxLength?: number },
  fail: (c: string) => void,
): void {
  if (shape.minLength !== undefined && length < shape.minLength) {
    fail(`Member must have length greater than or equal to ${shape.minLength}`);
  }
  if (shape.maxLength !== undefined && length > shape.maxLength) {
    fail(`Member must have length less than or equal to ${shape.maxLength}`);
  }
}

/** Coral prints the offending value in Java's toString style. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (Array.isArray(value)) return `'[${value.map((v) => plain(v)).join(", ")}]'`;
  return `'${plain(value)}'`;
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function notConvertible(input: unknown, target: string): string {
  if (typeof input === "boolean") return `class java.lang.Boolean can not be converted to ${target}`;
  if (typeof input === "number") return `class ${javaNumberClass(input)} can not be converted to ${target}`;
  if (typeof input === "string") return `class java.lang.String can not be converted to ${target}`;
  if (Array.isArray(input)) return "Start of list found where not expected";
  return "Start of structure or map found where not expected.";
}

/** The Java class Jackson picks for a JSON number, which Coral names in its message. */
function javaNumberClass(n: number): string {
  if (!Number.isInteger(n)) return "java.lang.Double";
  if (n >= -32768 && n <= 32767) return "java.lang.Short";
  if (n >= -2147483648 && n <= 2147483647) return "java.lang.Integer";
  return "java.lang.Long";
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
