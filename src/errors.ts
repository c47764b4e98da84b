// One error type for the whole engine (Miniflare's pattern): thrown anywhere, serialised
// once at the edge as {"__type": "com.amazonaws.dynamodb.v20120810#<type>", "message"}.

export type DynamoErrorType =
  | "ValidationException"
  | "SerializationException"
  | "ResourceNotFoundException"
  | "ResourceInUseException"
  | "ConditionalCheckFailedException"
  | "UnknownOperationException"
  | "LimitExceededException"
  | "InternalServerError"
  | "ItemCollectionSizeLimitExceededException"
  | "TransactionCanceledException"
  | "TransactionConflictException"
  | "IdempotentParameterMismatchException"
  | "AccessDeniedException"
  | "MissingAuthenticationTokenException"
  | "UnrecognizedClientException"
  | "InvalidSignatureException"
  // PartiQL INSERT of an existing key (src/partiql)
  | "DuplicateItemException"
  // Resource-based policies (src/ops/resource-policies.ts)
  | "PolicyNotFoundException"
  // DynamoDB Streams (src/streams)
  | "ExpiredIteratorException"
  | "TrimmedDataAccessException"
  // Internal, between a partition's object and the cluster router, which retries the
  // request against the partition's new owner (src/split); never sent to a client.
  | "PartitionMovedException"
  // On-demand backups and point-in-time recovery (src/backup).
  | "BackupNotFoundException"
  | "BackupInUseException"
  | "TableNotFoundException"
  | "TableAlreadyExistsException"
  | "TableInUseException"
  | "PointInTimeRecoveryUnavailableException"
  | "InvalidRestoreTimeException"
  | "ExportNotFoundException"
  | "ExportConflictException"
  | "InvalidExportTimeException"
  | "ImportNotFoundException"
  // A write to a table whose partitioned GSI cannot keep up (src/storage/gsi-outbox.ts).
  | "ThrottlingException";

/** Prefix DynamoDB puts before the type in `__type`. */
const WIRE_PREFIX: Partial<Record<DynamoErrorType, string>> = {
  SerializationException: "com.amazon.coral.service#",
  UnknownOperationException: "com.amazon.coral.service#",
  MissingAuthenticationTokenException: "com.amazon.coral.service#",
  UnrecognizedClientException: "com.amazon.coral.service#",
  InvalidSignatureException: "com.amazon.coral.service#",
  AccessDeniedException: "com.amazon.coral.service#",
  ValidationException: "com.amazon.coral.validate#",
};

export class DynamoError extends Error {
  readonly type: DynamoErrorType;
  readonly status: number;
  /** Extra top-level fields of the error body (e.g. CancellationReasons, Item). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(type: DynamoErrorType, message: string, status = 400, extra?: Record<string, unknown>) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
    this.extra = extra;
  }

  get wireType(): string {
    return (WIRE_PREFIX[this.type] ?? "com.amazonaws.dynamodb.v20120810#") + this.type;
  }

  toJSON(): Record<string, unknown> {
    // Some errors (UnknownOperationException) carry no message on the wire.
    const body: Record<string, unknown> = { __type: this.wireType };
    if (this.message !== "") body.message = this.message;
    return { ...body, ...this.extra };
  }
}

export const validation = (message: string): DynamoError => new DynamoError("ValidationException", message);

export const serialization = (message: string): DynamoError => new DynamoError("SerializationException", message);

export const notFound = (message = "Requested resource not found"): DynamoError =>
  new DynamoError("ResourceNotFoundException", message);

/** A write to a partition range being handed to another object (src/storage/split-log.ts). */
export const partitionMoved = (): DynamoError =>
  new DynamoError("PartitionMovedException", "The partition holding this key is moving; retry", 503);
