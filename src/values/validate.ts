// Validation of AttributeValues, items and key values, with DynamoDB's messages.
//
// DynamoDB's front end (Coral) checks a request in two passes, and so does this module:
// 1. deserialisation: a JSON value of the wrong kind inside an AttributeValue is a
//    SerializationException. The whole map is deserialised before anything is validated,
//    so a serialisation fault anywhere wins over a validation fault anywhere.
// 2. validation: ValidationExceptions (empty or ambiguous values, NULL false, empty or
//    duplicated sets, numbers, nesting depth). For one value the members are checked in
//    the order they appear, and "more than one datatypes" is only reported after them
//    (dynalite's order: {"S":"a","N":"x"} reports the number).
//
// Sources for the wording (facts only, see the report for each message):
// - dynalite (architect/dynalite): validations/index.js, db/index.js and test/helpers.js,
//   whose assertType table records the current Coral SerializationException texts
//   ("NUMBER_VALUE cannot be converted to String", "Unexpected value type in payload", ...);
// - conformance suites run against real DynamoDB (nubo-db/dynamodb-conformance) for the set,
//   NULL and key messages; dynoxide issue #110 for the nesting message and boundary.
// Since May 2020 empty S and B values (and empty members of SS/BS) are allowed except in
// key attributes, which checkKeyAttribute refuses.

import { DynamoError, serialization, validation } from "../errors.js";
import type { AttributeValue, Item, KeyAttribute, ScalarType } from "../types.js";
import { isValidBase64 } from "./base64.js";
import { normalizeNumber } from "./number.js";
import { checkKeySize, itemSize, MAX_ATTRIBUTE_NAME_BYTES, utf8Length } from "./size.js";
import { canonicalItemSize, MAX_NESTING_LEVELS } from "./canonical.js";

export { MAX_NESTING_LEVELS };

const INVALID = "One or more parameter values were invalid: ";
const NOT_VALID = "One or more parameter values are not valid. ";

export const MESSAGES = {
  emptyValue: "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
  multipleTypes:
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
  nullNotTrue: `${INVALID}Null attribute value types must have the value of true`,
  // DynamoDB's own wording, grammar and double spaces included.
  emptyStringSet: `${INVALID}An string set  may not be empty`,
  emptyNumberSet: `${INVALID}An number set  may not be empty`,
  emptyBinarySet: `${INVALID}Binary sets should not be empty`,
  /** Not confirmed against DynamoDB: a JSON null inside SS (see report). */
  nullInStringSet: `${INVALID}An string set may not have a null member`,
  /** Pre-2020 DynamoDB text for a null or empty BS member; empty members are now allowed. */
  nullInBinarySet: `${INVALID}Binary sets may not contain null or empty values`,
  numberSetDuplicates: "Input collection contains duplicates",
  nesting:
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
  /** Not confirmed against DynamoDB (see report). */
  emptyAttributeName: `${INVALID}Empty attribute name`,
  /** DynamoDB Local's text; the service refuses names over 65,535 bytes (Alternator's test_limits.py, run against AWS). */
  attributeNameTooLong: "Attribute name is too large, must be less than 65536 bytes",
  keyMismatch: "The provided key element does not match the schema",
} as const;

/** Refuses an attribute name longer than DynamoDB's limit (cheap: most names are far shorter). */
export function checkAttributeNameLength(name: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes: shorter names cannot be over the limit.
  if (name.length * 3 > MAX_ATTRIBUTE_NAME_BYTES && utf8Length(name) > MAX_ATTRIBUTE_NAME_BYTES) {
    throw validation(MESSAGES.attributeNameTooLong);
  }
}

export const stringSetDuplicates = (members: readonly string[]): string =>
  `${INVALID}Input collection [${members.join(", ")}] contains duplicates.`;
/** Yes, without a space before "of": DynamoDB's text. */
export const binarySetDuplicates = (members: readonly string[]): string =>
  `${INVALID}Input collection [${members.join(", ")}]of type BS contains duplicates.`;
export const missingKey = (name: string): string => `${INVALID}Missing the key ${name} in the item`;
export const keyTypeMismatch = (name: string, expected: string, actual: string): string =>
  `${INVALID}Type mismatch for key ${name} expected: ${expected} actual: ${actual}`;
export const emptyKeyString = (name: string): string =>
  `${NOT_VALID}The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`;
export const emptyKeyBinary = (name: string): string =>
  `${NOT_VALID}The AttributeValue for a key attribute cannot contain an empty binary value. Key: ${name}`;

// ---------------------------------------------------------------------------------------
// Pass 1: deserialisation (SerializationException)
// ---------------------------------------------------------------------------------------

/** A deserialised AttributeValue: only known members, JSON nulls dropped, kinds checked. */
type RawValue = { [type: string]: unknown };

const ATTRIBUTE_VALUE_CLASS = "com.amazonaws.dynamodb.v20120810.AttributeValue";
const MAP_OF_VALUES = `java.util.Map<java.lang.String, ${ATTRIBUTE_VALUE_CLASS}>`;

const START_OF_STRUCTURE = "Start of structure or map found where not expected";
const UNEXPECTED_FIELD_TYPE = "Unexpected field type";

/** The Jackson token name Coral puts in "X cannot be converted to Y". */
function token(v: unknown): string {
  if (v === true) return "TRUE_VALUE";
  if (v === false) return "FALSE_VALUE";
  if (typeof v === "number") return Number.isInteger(v) ? "NUMBER_VALUE" : "DECIMAL_VALUE";
  return "STRING_VALUE";
}

function readString(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) throw serialization("Unrecognized collection type class java.lang.String");
  if (typeof v === "object") throw serialization(START_OF_STRUCTURE);
  throw serialization(`${token(v)} cannot be converted to String`);
}

function readBlob(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") {
    if (v.length % 4 !== 0) {
      throw serialization(`Base64 encoded length is expected a multiple of 4 bytes but found: ${v.length}`);
    }
    // Sic: "dectected" is DynamoDB's spelling.
    if (!isValidBase64(v)) throw serialization("Invalid last non-pad Base64 character dectected");
    return v;
  }
  if (Array.isArray(v)) throw serialization("Unrecognized collection type class java.nio.ByteBuffer");
  if (typeof v === "object") throw serialization(START_OF_STRUCTURE);
  throw serialization("only base-64-encoded strings are convertible to bytes");
}

function readBoolean(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    // Coral's parser takes the words themselves as strings, any case.
    const word = v.toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
    throw serialization("Unexpected token received from parser");
  }
  if (Array.isArray(v)) throw serialization("Unrecognized collection type class java.lang.Boolean");
  if (typeof v === "object") throw serialization(START_OF_STRUCTURE);
  throw serialization(`${token(v)} cannot be converted to Boolean`);
}

function readList<T>(v: unknown, member: (m: unknown) => T): T[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(member);
  if (typeof v === "object") throw serialization(START_OF_STRUCTURE);
  throw serialization(UNEXPECTED_FIELD_TYPE);
}

function readValueMap(v: unknown): Map<string, RawValue | null> | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) throw serialization(`Unrecognized collection type ${MAP_OF_VALUES}`);
  if (typeof v !== "object") throw serialization(UNEXPECTED_FIELD_TYPE);
  const out = new Map<string, RawValue | null>();
  for (const [name, member] of Object.entries(v)) out.set(name, readValue(member));
  return out;
}

/** Deserialises one AttributeValue structure. `null` stands for a JSON null. */
function readValue(v: unknown): RawValue | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) throw serialization(`Unrecognized collection type class ${ATTRIBUTE_VALUE_CLASS}`);
  if (typeof v !== "object") throw serialization("Unexpected value type in payload");
  const out: RawValue = {};
  // Members in document order, as Coral reads them; unknown members are ignored.
  for (const [type, member] of Object.entries(v)) {
    let read: unknown;
    switch (type) {
      case "S":
      case "N":
        read = readString(member);
        break;
      case "B":
        read = readBlob(member);
        break;
      case "BOOL":
      case "NULL":
        read = readBoolean(member);
        break;
      case "SS":
      case "NS":
        read = readList(member, readString);
        break;
      case "BS":
        read = readList(member, readBlob);
        break;
      case "L":
        read = readList(member, readValue);
        break;
      case "M":
        read = readValueMap(member);
        break;
      default:
        continue;
    }
    if (read !== null) out[type] = read;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Pass 2: validation (ValidationException)
// ---------------------------------------------------------------------------------------

/** Sets `obj[key]`, also for "__proto__", without touching the prototype. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** The nesting fault stays bare even where other faults are wrapped (dynoxide #110). */
class NestingError extends Error {}

function checkValue(raw: RawValue | null, level: number): AttributeValue {
  if (level > MAX_NESTING_LEVELS) throw new NestingError(MESSAGES.nesting);
  if (raw === null) throw validation(MESSAGES.emptyValue);
  const types = Object.keys(raw);
  if (types.length === 0) throw validation(MESSAGES.emptyValue);
  let out: AttributeValue | undefined;
  for (const type of types) {
    const member = raw[type];
    switch (type) {
      case "S":
        out = { S: member as string };
        break;
      case "N":
        out = { N: normalizeNumber(member as string) };
        break;
      case "B":
        out = { B: member as string };
        break;
      case "BOOL":
        out = { BOOL: member as boolean };
        break;
      case "NULL":
        if (member !== true) throw validation(MESSAGES.nullNotTrue);
        out = { NULL: true };
        break;
      case "SS":
        out = { SS: checkStringSet(member as (string | null)[]) };
        break;
      case "NS":
        out = { NS: checkNumberSet(member as (string | null)[]) };
        break;
      case "BS":
        out = { BS: checkBinarySet(member as (string | null)[]) };
        break;
      case "L":
        out = { L: (member as (RawValue | null)[]).map((m) => checkValue(m, level + 1)) };
        break;
      case "M": {
        const map: Record<string, AttributeValue> = {};
        for (const [name, m] of member as Map<string, RawValue | null>) setOwn(map, name, checkValue(m, level + 1));
        out = { M: map };
        break;
      }
    }
  }
  if (types.length > 1) throw validation(MESSAGES.multipleTypes);
  return out as AttributeValue;
}

function checkStringSet(members: (string | null)[]): string[] {
  if (members.length === 0) throw validation(MESSAGES.emptyStringSet);
  if (members.some((m) => m === null)) throw validation(MESSAGES.nullInStringSet);
  const strings = members as string[];
  if (new Set(strings).size !== strings.length) throw validation(stringSetDuplicates(strings));
  return [...strings];
}

function checkNumberSet(members: (string | null)[]): string[] {
  if (members.length === 0) throw validation(MESSAGES.emptyNumberSet);
  // Every member is validated before duplicates are looked for; duplicates are numeric
  // ("1" and "1.0" are the same number), so they are compared in canonical form.
  const normalized = members.map((m) => normalizeNumber(m ?? ""));
  if (new Set(normalized).size !== normalized.length) throw validation(MESSAGES.numberSetDuplicates);
  return normalized;
}

function checkBinarySet(members: (string | null)[]): string[] {
  if (members.length === 0) throw validation(MESSAGES.emptyBinarySet);
  if (members.some((m) => m === null)) throw validation(MESSAGES.nullInBinarySet);
  const blobs = members as string[];
  // Accepted base64 is canonical (isValidBase64), so equal bytes mean equal strings.
  if (new Set(blobs).size !== blobs.length) throw validation(binarySetDuplicates(blobs));
  return [...blobs];
}

/**
 * Validates one AttributeValue as received on the wire and returns a normalised copy
 * (N and NS members in canonical form). The input is not modified.
 */
export function validateAttributeValue(v: unknown): AttributeValue {
  const raw = readValue(v);
  try {
    return checkValue(raw, 1);
  } catch (e) {
    if (e instanceof NestingError) throw validation(e.message);
    throw e;
  }
}

/**
 * Validates a map of attribute name to AttributeValue (an Item, a Key, or
 * ExpressionAttributeValues) and returns a normalised copy.
 *
 * `what` is the request member the map came from ("Item" by default). For
 * "ExpressionAttributeValues" DynamoDB wraps a value's fault as
 * "ExpressionAttributeValues contains invalid value: <fault> for key <name>" (dynalite's
 * validateExpressions) and the names are placeholders checked elsewhere; for any other
 * member an attribute name must be non-empty.
 *
 * The 400 KB item limit is separate (checkItemSize in ./size), as are key checks.
 */
export function validateItem(item: unknown, what = "Item"): Item {
  checkPresent(item, what);
  const isExpressionValues = what === "ExpressionAttributeValues";
  // Already canonical (the common case): validation would return an equal copy.
  if (canonicalItemSize(item, isExpressionValues) !== undefined) return item as Item;
  return validateItemFully(item, what);
}

/**
 * validateItem that also gives the item's size (as itemSize counts it), computed in the
 * same walk when the item is already canonical: PutItem needs both.
 */
export function validateSizedItem(item: unknown, what = "Item"): { item: Item; size: number } {
  checkPresent(item, what);
  const size = canonicalItemSize(item);
  if (size !== undefined) return { item: item as Item, size };
  const checked = validateItemFully(item, what);
  return { item: checked, size: itemSize(checked) };
}

/** A missing map is a constraint fault on its member, as DynamoDB words it. */
function checkPresent(item: unknown, what: string): void {
  if (item !== null && item !== undefined) return;
  const member = what.charAt(0).toLowerCase() + what.slice(1);
  throw validation(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

/**
 * The full two-pass validation (serialization faults first, then validation faults),
 * without the canonical fast path; exported for the test that holds the two together.
 */
export function validateItemFully(item: unknown, what = "Item"): Item {
  const raw = readValueMap(item) as Map<string, RawValue | null>;
  const isExpressionValues = what === "ExpressionAttributeValues";
  const out: Item = {};
  for (const [name, value] of raw) {
    if (!isExpressionValues && name === "") throw validation(MESSAGES.emptyAttributeName);
    if (!isExpressionValues) checkAttributeNameLength(name);
    let checked: AttributeValue;
    try {
      checked = checkValue(value, 1);
    } catch (e) {
      if (e instanceof NestingError) throw validation(e.message);
      if (isExpressionValues && e instanceof DynamoError && e.type === "ValidationException") {
        throw validation(`ExpressionAttributeValues contains invalid value: ${e.message} for key ${name}`);
      }
      throw e;
    }
    setOwn(out, name, checked);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Key attributes
// ---------------------------------------------------------------------------------------

/** The data type of a validated AttributeValue ("S", "N", "M", ...). */
export function typeOf(value: AttributeValue): string {
  return Object.keys(value)[0] ?? "";
}

/**
 * Checks one key attribute of an item (`where` = "item", PutItem and the like) or of a
 * Key parameter (`where` = "key", GetItem/DeleteItem/UpdateItem). For an item a missing or
 * mistyped key has its own messages; in a Key parameter DynamoDB only says "The provided
 * key element does not match the schema". Empty S/B key values are refused in both.
 * Sizes are checked by checkKeySizes in ./size.
 */
export function checkKeyAttribute(
  name: string,
  value: AttributeValue | undefined,
  expectedType: ScalarType,
  where: "item" | "key" = "item",
): void {
  if (value === undefined) {
    throw validation(where === "item" ? missingKey(name) : MESSAGES.keyMismatch);
  }
  const actual = typeOf(value);
  if (actual !== expectedType) {
    throw validation(where === "item" ? keyTypeMismatch(name, expectedType, actual) : MESSAGES.keyMismatch);
  }
  if ("S" in value && value.S === "") throw validation(emptyKeyString(name));
  if ("B" in value && value.B === "") throw validation(emptyKeyBinary(name));
}

/** `map[name]` if it is an own property (so "toString" or "__proto__" find nothing inherited). */
function own(map: Item, name: string): AttributeValue | undefined {
  return Object.hasOwn(map, name) ? map[name] : undefined;
}

/**
 * Checks the key attributes of `values` against a table's (or index's) key: the hash
 * key, then the range key if there is one, each for presence, type, emptiness and size
 * (dynalite's db.validateKey/validateItem order). For a Key parameter the map must hold
 * exactly the key attributes.
 */
export function validateKeyValues(
  values: Item,
  hash: KeyAttribute,
  range: KeyAttribute | undefined,
  where: "item" | "key" = "key",
): void {
  if (where === "key" && Object.keys(values).length !== (range ? 2 : 1)) {
    throw validation(MESSAGES.keyMismatch);
  }
  const hashValue = own(values, hash.name);
  checkKeyAttribute(hash.name, hashValue, hash.type, where);
  checkKeySize(hashValue as AttributeValue, true);
  if (range) {
    const rangeValue = own(values, range.name);
    checkKeyAttribute(range.name, rangeValue, range.type, where);
    checkKeySize(rangeValue as AttributeValue, false);
  }
}
