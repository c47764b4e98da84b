// @ts-check
// DynamoDB JSON as it appears in files (binaries as base64 text, numbers as strings) versus
// the AWS SDK's AttributeValue (binaries as Uint8Array). Two line formats:
//   jsonl: one item per line, {"attr":{"S":"x"},...}           (what `aws dynamodb scan` items look like)
//   s3:    one {"Item":{...}} per line                          (DynamoDB's export-to-S3 DYNAMODB_JSON format)
// Export writes a canonical form (attribute and map keys sorted, sets in the order the
// server returns them) so that exporting the same data always gives the same bytes.

/** @typedef {import("@aws-sdk/client-dynamodb").AttributeValue} AttributeValue */
/** @typedef {Record<string, AttributeValue>} SdkItem */
/** @typedef {"jsonl" | "s3"} Format */

const TAGS = new Set(["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]);
/** Standard base64 with padding, as DynamoDB's JSON protocol sends binaries. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A line that cannot be imported; the message says where in the item the problem is. */
export class LineError extends Error {}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Which format a parsed line is in: {"Item":{...}} whose value is an item (not itself a
 * typed value such as {"M":{...}}) is the S3 export format. An item whose only attribute is
 * called "Item" stays DynamoDB JSON; pass --format to settle other ambiguous files.
 * @param {unknown} parsed
 * @returns {Format}
 */
export function detectFormat(parsed) {
  if (isObject(parsed) && Object.keys(parsed).length === 1 && isObject(parsed.Item)) {
    const inner = Object.keys(parsed.Item);
    const typed = inner.length === 1 && TAGS.has(/** @type {string} */ (inner[0]));
    return typed ? "jsonl" : "s3";
  }
  return "jsonl";
}

/**
 * Parses one line of a file into an SDK item.
 * @param {string} line
 * @param {Format} format
 * @returns {SdkItem}
 */
export function parseLine(line, format) {
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new LineError(`not JSON: ${/** @type {Error} */ (err).message}`);
  }
  let item = parsed;
  if (format === "s3") {
    if (!isObject(parsed) || !isObject(parsed.Item) || Object.keys(parsed).length !== 1) {
      throw new LineError('expected {"Item":{...}} (DynamoDB S3 export format)');
    }
    item = parsed.Item;
  }
  if (!isObject(item)) throw new LineError("expected an object of attributes");
  if (Object.keys(item).length === 0) throw new LineError("the item has no attributes");
  /** @type {SdkItem} */
  const out = {};
  for (const [name, value] of Object.entries(item)) out[name] = fromFile(value, name);
  return out;
}

/**
 * @param {unknown} value
 * @param {string} path
 * @returns {AttributeValue}
 */
function fromFile(value, path) {
  if (!isObject(value) || Object.keys(value).length !== 1) {
    throw new LineError(`${path}: expected one type key such as {"S":"..."}`);
  }
  const [tag, inner] = /** @type {[string, unknown]} */ (Object.entries(value)[0]);
  switch (tag) {
    case "S":
    case "N":
      if (typeof inner !== "string") throw new LineError(`${path}: ${tag} must be a string`);
      return tag === "S" ? { S: inner } : { N: inner };
    case "B":
      return { B: base64(inner, path) };
    case "BOOL":
    case "NULL":
      if (typeof inner !== "boolean") throw new LineError(`${path}: ${tag} must be true or false`);
      return tag === "BOOL" ? { BOOL: inner } : { NULL: inner };
    case "SS":
    case "NS":
      if (!Array.isArray(inner) || !inner.every((s) => typeof s === "string")) {
        throw new LineError(`${path}: ${tag} must be an array of strings`);
      }
      return tag === "SS" ? { SS: inner } : { NS: inner };
    case "BS":
      if (!Array.isArray(inner)) throw new LineError(`${path}: BS must be an array of base64 strings`);
      return { BS: inner.map((b, i) => base64(b, `${path}[${i}]`)) };
    case "L":
      if (!Array.isArray(inner)) throw new LineError(`${path}: L must be an array`);
      return { L: inner.map((v, i) => fromFile(v, `${path}[${i}]`)) };
    case "M": {
      if (!isObject(inner)) throw new LineError(`${path}: M must be an object`);
      /** @type {Record<string, AttributeValue>} */
      const map = {};
      for (const [k, v] of Object.entries(inner)) map[k] = fromFile(v, `${path}.${k}`);
      return { M: map };
    }
    default:
      throw new LineError(`${path}: unknown type ${JSON.stringify(tag)}`);
  }
}

/**
 * @param {unknown} text
 * @param {string} path
 */
function base64(text, path) {
  if (typeof text !== "string" || !BASE64.test(text)) throw new LineError(`${path}: invalid base64 binary`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

/**
 * An SDK value in file form, map keys sorted (canonical output).
 * @param {AttributeValue} value
 * @returns {unknown}
 */
export function toFile(value) {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")) };
  if (value.L !== undefined) return { L: value.L.map(toFile) };
  if (value.M !== undefined) return { M: itemToFile(value.M) };
  throw new Error(`unsupported attribute value from the server: ${Object.keys(value).join(",")}`);
}

/**
 * @param {Record<string, AttributeValue>} item
 * @returns {Record<string, unknown>}
 */
export function itemToFile(item) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const name of Object.keys(item).sort()) out[name] = toFile(/** @type {AttributeValue} */ (item[name]));
  return out;
}

/**
 * One output line (without the newline).
 * @param {SdkItem} item
 * @param {Format} format
 */
export function formatLine(item, format) {
  const body = itemToFile(item);
  return JSON.stringify(format === "s3" ? { Item: body } : body);
}

/**
 * A stable text for an item's key, used to keep duplicate keys out of one BatchWriteItem.
 * @param {SdkItem} item
 * @param {string[]} keyNames
 */
export function keyText(item, keyNames) {
  return JSON.stringify(
    keyNames.map((k) => (item[k] === undefined ? null : toFile(/** @type {AttributeValue} */ (item[k])))),
  );
}
