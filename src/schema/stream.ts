// DynamoDB Streams: what a table definition remembers about its stream, and the names,
// identities and sequence numbers shared by the change log (src/storage/change-log.ts), the
// stream machinery (src/streams) and the Streams API (src/ops/streams).

export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

export const STREAM_VIEW_TYPES: readonly StreamViewType[] = [
  "NEW_IMAGE",
  "OLD_IMAGE",
  "NEW_AND_OLD_IMAGES",
  "KEYS_ONLY",
];

/**
 * The table's latest stream (TableDef.stream). It stays after the stream is disabled, as
 * DynamoDB keeps LatestStreamArn/LatestStreamLabel: the disabled stream remains readable
 * for 24 hours.
 */
export interface StreamState {
  enabled: boolean;
  viewType: StreamViewType;
  /** DynamoDB's StreamLabel: the ISO 8601 time the stream was enabled, e.g. 2026-11-22T04:30:00.123. */
  label: string;
  /** Region named in records' awsRegion (the one the stream was enabled through). */
  region: string;
}

/** Who made a change: absent for users, the TTL service for expiry deletes. */
export interface UserIdentity {
  Type: string;
  PrincipalId: string;
}

/** DynamoDB's identity on REMOVE records of items TTL deleted. */
export const TTL_IDENTITY: UserIdentity = Object.freeze({ Type: "Service", PrincipalId: "dynamodb.amazonaws.com" });

/** Stream records are kept 24 hours, as DynamoDB Streams does. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

export function streamLabel(ms: number): string {
  // 2026-11-22T04:30:00.123Z -> 2026-11-22T04:30:00.123 (DynamoDB's labels carry no zone).
  return new Date(ms).toISOString().replace(/Z$/, "");
}

/** Stream records are stored per stream under this id: table name and label. */
export function streamId(table: string, label: string): string {
  return `${table}/${label}`;
}

export function streamArn(region: string, accountId: string, table: string, label: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${table}/stream/${label}`;
}

/** The table name and label of a stream ARN, or undefined when it is not one. */
export function parseStreamArn(arn: string): { table: string; label: string } | undefined {
  const match =
    /^arn:aws[a-z-]*:dynamodb:[^:]*:\d*:table\/([a-zA-Z0-9_.-]{3,255})\/stream\/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})$/.exec(
      arn,
    );
  return match ? { table: match[1] as string, label: match[2] as string } : undefined;
}

// Sequence numbers: DynamoDB's are decimal strings of 21 to 40 digits, increasing within a
// shard. Ours are "1" followed by the log row id zero-padded to 20 digits: 21 digits that
// sort as strings and as numbers alike.
const SEQUENCE_BASE = 20;

export function sequenceNumber(seq: number): string {
  return `1${String(seq).padStart(SEQUENCE_BASE, "0")}`;
}

/** The log row id of a sequence number, or undefined when it is not one of ours. */
export function parseSequenceNumber(value: string): number | undefined {
  if (!/^1\d{20}$/.test(value)) return undefined;
  const n = Number(value.slice(1));
  return Number.isSafeInteger(n) ? n : undefined;
}
