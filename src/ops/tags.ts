// Table tags: the checks DynamoDB makes on tag keys, values and counts (shared by
// CreateTable, TagResource and UntagResource), and resolving a ResourceArn to a table.
//
// DynamoDB does not check tags with its generic constraint validator: a missing, empty or
// over-long key comes back as "The Tag Key provided is invalid, Key: <key>" rather than
// "N validation errors detected: ...", and the whole request is refused (nothing of it
// is applied). The texts below are the service's as observed in 2026 (the ack-api-quirks
// DynamoDB findings DDB-TABLE-105..110 and 372).
import { DynamoError, validation } from "../errors.js";
import type { Shape } from "../protocol/shape.js";
import { tableName as tableNameShape } from "./common-shapes.js";
import type { OpContext } from "./operation.js";
import type { TableDef } from "../schema/table-def.js";

/** A tag as it arrives: Key and Value may be missing, DynamoDB names them "null". */
export interface TagInput {
  Key?: string;
  Value?: string;
}

/** Tags per table, counting the tags already on it ("AWS-assigned" aws: tags excepted). */
export const MAX_TAGS = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** The AWS tag character set: Unicode letters, separators and digits plus _ . : / = + - @. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const TOO_MANY_TAGS = "Number of Tags exceed the current limit for the provided ResourceArn";

/**
 * Tag lists carry no wire constraints: Coral hands them over as they are and DynamoDB's
 * own checks below produce the messages.
 */
export const tagListShape = (notNull: boolean): Shape => ({
  kind: "list",
  notNull,
  member: {
    kind: "structure",
    name: "Tag",
    members: { Key: { kind: "string" }, Value: { kind: "string" } },
  },
});

export const resourceArnShape: Shape = { kind: "string", notNull: true, minLength: 1, maxLength: 1283 };

/** Keys and values are limited in Unicode characters, not UTF-16 units. */
function fits(s: string, max: number): boolean {
  return [...s].length <= max && TAG_CHARACTERS.test(s);
}

export function checkTagKey(key: string | undefined): void {
  if (key === undefined || key === "" || !fits(key, MAX_KEY_LENGTH)) {
    throw validation(`The Tag Key provided is invalid, Key: ${key ?? "null"}`);
  }
  // The aws: prefix is reserved for AWS-assigned tags, in any letter case.
  if (key.toLowerCase().startsWith("aws:")) {
    throw validation(`Tag Key cannot be prefixed with aws:, Key: ${key}`);
  }
}

function checkTagValue(value: string | undefined): void {
  // An empty value is allowed; a missing one is not.
  if (value === undefined || !fits(value, MAX_VALUE_LENGTH)) {
    throw validation(`The Tag Value provided is invalid, Value: ${value ?? "null"}`);
  }
}

/**
 * Checks a list of tags to add (TagResource, CreateTable's Tags) and returns them as
 * key -> value. The order is each tag in turn (key, then value), then duplicate keys,
 * then the count carried by the request itself.
 */
export function checkTags(tags: TagInput[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of tags) {
    // A null element reads as a tag without members (as Coral reads a null structure).
    checkTagKey(tag?.Key);
    checkTagValue(tag?.Value);
  }
  for (const tag of tags) {
    const key = tag.Key as string;
    if (out.has(key)) throw validation(`Duplicate Tag Keys provided as input: Duplicate Tag Key found ${key}`);
    out.set(key, tag.Value as string);
  }
  if (out.size > MAX_TAGS) throw validation(TOO_MANY_TAGS);
  return out;
}

/** A table or stream ARN, parsed: the table it names, and whether it names the table's stream. */
export interface ParsedArn {
  table: string;
  stream: boolean;
}

/**
 * The resource a tagging or policy request's ARN stands for, checked the way DynamoDB
 * checks it, in order: the ARN must start with "arn:"; it must be a DynamoDB table ARN; a
 * foreign account is AccessDenied; another region (or partition), or a table name
 * DynamoDB could not have issued, is an "Invalid TableArn"; index ARNs are refused (only
 * table and stream ARNs are accepted). Whether the resource exists is checked later, after
 * the request's own validation (DynamoDB validates before it looks the table up).
 */
export function parseTableArn(ctx: OpContext, arn: string): ParsedArn {
  if (!arn.startsWith("arn:")) {
    throw validation(`One or more parameter values were invalid: ARNs must start with 'arn:': ${arn}`);
  }
  // arn:partition:service:region:account:resource (a stream label holds ':' itself).
  const parts = arn.split(":");
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(":");
  if (parts.length < 6 || service !== "dynamodb" || !resource.startsWith("table/")) {
    throw notDynamoDbArn(arn);
  }
  if (account !== ctx.accountId) throw new DynamoError("AccessDeniedException", "Access is denied");
  const segments = resource.split("/");
  const name = segments[1] ?? "";
  if (partition !== "aws" || region !== ctx.region || !isTableName(name)) throw invalidTableArn(arn);
  if (segments.length === 2) return { table: name, stream: false };
  if (segments[2] === "index") {
    throw validation(
      `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}`,
    );
  }
  // Backups, exports and imports live under table/<name>/ too, but are not accepted.
  if (segments[2] !== "stream" || segments.length !== 4) throw notDynamoDbArn(arn);
  return { table: name, stream: true };
}

/**
 * The table a tagging request's parsed ARN names. For a resource that does not exist
 * DynamoDB answers AccessDeniedException, as it does since tables have resource-based
 * policies: nothing allows an action on a resource that is not there. Streams carry no
 * tags here, so a stream ARN is answered the same way.
 */
export function tableForArn(ctx: OpContext, arn: string, parsed: ParsedArn, operation: string): TableDef {
  const def = parsed.stream ? undefined : ctx.catalogue.get(parsed.table);
  if (!def) {
    throw new DynamoError(
      "AccessDeniedException",
      `User: arn:aws:iam::${ctx.accountId}:root is not authorized to perform: dynamodb:${operation} on resource: ${arn} because no resource-based policy allows the dynamodb:${operation} action`,
    );
  }
  return def;
}

function isTableName(name: string): boolean {
  const { minLength = 0, maxLength = Infinity, pattern = "" } = tableNameShape;
  return name.length >= minLength && name.length <= maxLength && new RegExp(`^(?:${pattern})$`).test(name);
}

const notDynamoDbArn = (arn: string): DynamoError =>
  validation(`One or more parameter values were invalid: Provided Arn is not a DynamoDB resource arn: ${arn}`);

const invalidTableArn = (arn: string): DynamoError =>
  validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
