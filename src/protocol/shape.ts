// Request shape checking, in the two passes DynamoDB's front end (Coral) makes:
// 1. deserialisation: a JSON value of the wrong kind for a member is a
//    SerializationException, with Coral's (Java-flavoured) wording;
// 2. constraint validation: up to 10 violations are collected and reported together as
//    "N validation error(s) detected: Value 'x' at 'path' failed to satisfy constraint: ...".
// Members not in the shape are dropped, as the AWS front end ignores unknown members.

import { serialization, validation } from "../errors.js";
import type { JsonObject } from "../types.js";

export type Shape =
  | StringShape
  | { kind: "long"; notNull?: boolean; min?: number; max?: number }
  | { kind: "boolean"; notNull?: boolean }
  /** Epoch seconds, fractions kept (the JSON protocol's timestamps). */
  | { kind: "timestamp"; notNull?: boolean }
  | { kind: "blob"; notNull?: boolean }
  | {
      kind: "list";
      member: Shape;
      notNull?: boolean;
      minLength?: number;
      maxLength?: number;
      /** A list of AttributeValues: Coral fails a cast before it can say "Unexpected field type". */
      parameterized?: boolean;
    }
  | {
      kind: "map";
      value: Shape;
      /** Java class of the values, named when an array stands for the map. */
      valueClass: string;
      notNull?: boolean;
      minLength?: number;
      maxLength?: number;
      parameterized?: boolean;
      /** Constraints on every key (BatchGetItem's table names), reported once for the map. */
      keys?: StringShape;
      /** Length constraints on every value (BatchWriteItem's request lists), reported once for the map. */
      values?: { minLength?: number; maxLength?: number };
    }
  /** `name` is the model's structure name, e.g. "KeySchemaElement". */
  | { kind: "structure"; name: string; members: Record<string, Shape>; notNull?: boolean }
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

/**
 * Pass 1: JSON kinds. Returns the input with unknown members removed. `position` is
 * whether a structure stands as a member ("field") or as an element of a list or map
 * ("value"): Coral words the error differently for the two.
 */
export function deserialize(input: unknown, shape: Shape, position: "field" | "value" = "field"): unknown {
  if (input === null || input === undefined) return undefined;
  switch (shape.kind) {
    case "string":
      if (typeof input === "string") return input;
      throw serialization(scalarMismatch(input, "String", "class java.lang.String"));
    case "long":
      if (typeof input === "number") return Math.floor(input);
      throw serialization(scalarMismatch(input, "Long", "class java.lang.Long"));
    case "timestamp":
      if (typeof input === "number") return input;
      throw serialization(scalarMismatch(input, "Date", "class java.util.Date"));
    case "boolean":
      if (typeof input === "boolean") return input;
      if (typeof input === "string") throw serialization("Unexpected token received from parser");
      throw serialization(scalarMismatch(input, "Boolean", "class java.lang.Boolean"));
    case "blob":
      if (typeof input === "string") return input;
      if (Array.isArray(input)) throw serialization("Unrecognized collection type class java.nio.ByteBuffer");
      if (isObject(input)) throw serialization(START_OF_STRUCTURE);
      throw serialization("only base-64-encoded strings are convertible to bytes");
    case "list":
      if (!Array.isArray(input)) {
        if (isObject(input)) throw serialization(START_OF_STRUCTURE);
        throw serialization(shape.parameterized ? PARAMETERIZED_CAST : "Unexpected field type");
      }
      return input.map((member: unknown) => deserialize(member, shape.member, "value"));
    case "map": {
      if (!isObject(input)) {
        if (Array.isArray(input)) {
          throw serialization(`Unrecognized collection type java.util.Map<java.lang.String, ${shape.valueClass}>`);
        }
        throw serialization(shape.parameterized ? PARAMETERIZED_CAST : "Unexpected field type");
      }
      // A map of AttributeValues (an Item, a Key) is kept as sent unless a member is null,
      // which is dropped: its values are checked by src/values/validate.ts.
      if (shape.value.kind === "attributeValue" && !hasNullMember(input)) return input;
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(input)) {
        const v = deserialize(value, shape.value, "value");
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    case "structure":
      if (!isObject(input)) {
        if (Array.isArray(input)) throw serialization(`Unrecognized collection type class ${MODEL}${shape.name}`);
        throw serialization(position === "value" ? "Unexpected value type in payload" : "Unexpected field type");
      }
      return deserializeMembers(input, shape.members);
    case "attributeValue":
      // Checked in depth by src/values/validate.ts, which owns AttributeValue's wording.
      return input;
  }
}

const MODEL = "com.amazonaws.dynamodb.v20120810.";
const START_OF_STRUCTURE = "Start of structure or map found where not expected";
/** Coral's answer when a scalar stands where a generic collection (Map<String, AttributeValue>) was expected. */
const PARAMETERIZED_CAST =
  "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class " +
  "(sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')";

/** Coral (Jackson) names the JSON token it found: "NUMBER_VALUE cannot be converted to String". */
function scalarMismatch(input: unknown, target: string, collectionClass: string): string {
  if (Array.isArray(input)) return `Unrecognized collection type ${collectionClass}`;
  if (isObject(input)) return START_OF_STRUCTURE;
  if (input === true) return `TRUE_VALUE cannot be converted to ${target}`;
  if (input === false) return `FALSE_VALUE cannot be converted to ${target}`;
  if (typeof input === "number") {
    return `${Number.isInteger(input) ? "NUMBER_VALUE" : "DECIMAL_VALUE"} cannot be converted to ${target}`;
  }
  return `STRING_VALUE cannot be converted to ${target}`;
}

/** Whether a member of `map` is null (JSON.parse makes every member own and enumerable). */
function hasNullMember(map: JsonObject): boolean {
  for (const key in map) if (Object.hasOwn(map, key) && map[key] === null) return true;
  return false;
}

export function deserializeMembers(input: JsonObject, members: Record<string, Shape>): JsonObject {
  const out: JsonObject = {};
  for (const { name, shape } of membersOf(members)) {
    const v = deserialize(input[name], shape);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

interface Member {
  name: string;
  /** The name as Coral spells it in a constraint's path (first letter lower-cased). */
  pathName: string;
  shape: Shape;
}

/**
 * A structure's members as a list, made once per shape: every request walks its
 * operation's shape, most of whose members it does not send.
 */
const MEMBERS = new WeakMap<Record<string, Shape>, Member[]>();

function membersOf(members: Record<string, Shape>): Member[] {
  let list = MEMBERS.get(members);
  if (!list) {
    list = Object.entries(members).map(([name, shape]) => ({ name, pathName: lowerFirst(name), shape }));
    MEMBERS.set(members, list);
  }
  return list;
}

/** Pass 2: constraints. Throws one ValidationException listing up to 10 violations. */
export function checkConstraints(input: JsonObject, members: Record<string, Shape>): void {
  const errors: string[] = [];
  for (const { name, pathName, shape } of membersOf(members)) {
    const value = input[name];
    // An absent optional member has nothing to check (and no path to build).
    if ((value !== undefined && value !== null) || shape.notNull) walk(value, shape, pathName, errors);
  }
  if (errors.length > 0) {
    const n = errors.length;
    throw validation(`${n} validation error${n > 1 ? "s" : ""} detected: ${errors.join("; ")}`);
  }
}

/**
 * A request body through both passes, in DynamoDB's order: a JSON object (else
 * SerializationException), its members deserialised by shape, then their constraints.
 * Members the shape does not name are dropped.
 */
export function checkShape(body: unknown, members: Record<string, Shape>): JsonObject {
  if (!isObject(body)) {
    throw serialization(Array.isArray(body) ? "Start of list found where not expected" : "Expected null");
  }
  const input = deserializeMembers(body, members);
  checkConstraints(input, members);
  return input;
}

/** Compiled constraint patterns: a handful of fixed texts (table and index names), checked per request. */
const PATTERNS = new Map<string, RegExp>();

function anchored(pattern: string): RegExp {
  let compiled = PATTERNS.get(pattern);
  if (!compiled) PATTERNS.set(pattern, (compiled = new RegExp(`^(?:${pattern})$`)));
  return compiled;
}

/** A constraint `value` at `path` fails, reported while fewer than MAX_REPORTED are. */
function report(errors: string[], value: unknown, path: string, constraint: string | undefined): void {
  if (constraint !== undefined && errors.length < MAX_REPORTED) {
    errors.push(`Value ${valueText(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

// No named closure is made per call: bundlers that keep function names (wrangler's default)
// turn each one into a property definition, paid on every request.
function walk(value: unknown, shape: Shape, path: string, errors: string[]): void {
  if (errors.length >= MAX_REPORTED) return;
  if (value === undefined || value === null) {
    if (shape.notNull) report(errors, value, path, "Member must not be null");
    return;
  }
  switch (shape.kind) {
    case "string": {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s))
        report(errors, value, path, `Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      if (shape.pattern !== undefined && !anchored(shape.pattern).test(s)) {
        report(errors, value, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      report(errors, value, path, lengthViolation(s.length, shape));
      return;
    }
    case "long": {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min)
        report(errors, value, path, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max)
        report(errors, value, path, `Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "list": {
      const list = value as unknown[];
      if (shape.member.kind !== "attributeValue") {
        list.forEach((member, i) => walk(member, shape.member, `${path}.${i + 1}.member`, errors));
      }
      report(errors, value, path, lengthViolation(list.length, shape));
      return;
    }
    case "map": {
      const map = value as JsonObject;
      mapMemberChecks(map, shape, (constraint) => {
        if (errors.length < MAX_REPORTED) {
          errors.push(`Value '${javaMapText(map)}' at '${path}' failed to satisfy constraint: ${constraint}`);
        }
      });
      // AttributeValues carry no member constraints (src/values/validate.ts checks them), so
      // large Item/Key maps skip building a path string per attribute.
      if (shape.value.kind !== "attributeValue") {
        for (const [key, member] of Object.entries(map)) walk(member, shape.value, `${path}.${key}.member`, errors);
      }
      if (shape.minLength !== undefined || shape.maxLength !== undefined) {
        report(errors, value, path, lengthViolation(Object.keys(map).length, shape));
      }
      return;
    }
    case "structure": {
      const struct = value as JsonObject;
      for (const { name, pathName, shape: member } of membersOf(shape.members)) {
        const v = struct[name];
        if ((v !== undefined && v !== null) || member.notNull) walk(v, member, `${path}.${pathName}`, errors);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Coral checks a map's keys and values as a whole: when any key (value) breaks a
 * constraint it reports "Map keys (value) must satisfy constraint: [...]" once, listing
 * every constraint of the member, maximum length first (dynalite's tests, recorded against
 * DynamoDB, for BatchGetItem and BatchWriteItem).
 */
function mapMemberChecks(
  map: JsonObject,
  shape: { keys?: StringShape; values?: { minLength?: number; maxLength?: number } },
  fail: (constraint: string) => void,
): void {
  const keyShape = shape.keys;
  if (keyShape && Object.keys(map).some((key) => !keyFits(key, keyShape))) {
    fail(`Map keys must satisfy constraint: [${lengthRules(keyShape, keyShape.pattern).join(", ")}]`);
  }
  const valueShape = shape.values;
  if (valueShape) {
    const fits = (v: unknown) => {
      const length = Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : 0;
      return (
        (valueShape.minLength === undefined || length >= valueShape.minLength) &&
        (valueShape.maxLength === undefined || length <= valueShape.maxLength)
      );
    };
    if (Object.values(map).some((v) => !fits(v))) {
      fail(`Map value must satisfy constraint: [${lengthRules(valueShape).join(", ")}]`);
    }
  }
}

function keyFits(key: string, shape: StringShape): boolean {
  if (shape.minLength !== undefined && key.length < shape.minLength) return false;
  if (shape.maxLength !== undefined && key.length > shape.maxLength) return false;
  return shape.pattern === undefined || new RegExp(`^(?:${shape.pattern})$`).test(key);
}

function lengthRules(shape: { minLength?: number; maxLength?: number }, pattern?: string): string[] {
  const rules: string[] = [];
  if (shape.maxLength !== undefined) rules.push(`Member must have length less than or equal to ${shape.maxLength}`);
  if (shape.minLength !== undefined) rules.push(`Member must have length greater than or equal to ${shape.minLength}`);
  if (pattern !== undefined) rules.push(`Member must satisfy regular expression pattern: ${pattern}`);
  return rules;
}

/** A map in Java's toString style, {key=value, ...}, values as JSON (not pinned: see the report). */
function javaMapText(map: JsonObject): string {
  return `{${Object.entries(map)
    .map(([k, v]) => `${k}=${plain(v)}`)
    .join(", ")}}`;
}

function lengthViolation(length: number, shape: { minLength?: number; maxLength?: number }): string | undefined {
  if (shape.minLength !== undefined && length < shape.minLength) {
    return `Member must have length greater than or equal to ${shape.minLength}`;
  }
  if (shape.maxLength !== undefined && length > shape.maxLength) {
    return `Member must have length less than or equal to ${shape.maxLength}`;
  }
  return undefined;
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

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
