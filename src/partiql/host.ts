// What the PartiQL executor needs from where it runs (the cluster router, or an engine
// embedded in a Durable Object): table definitions to plan with, and a way to run the
// existing wire operations. Both callers give the same executor these two callbacks.
import { notFound, validation } from "../errors.js";
import type { WireReply } from "../protocol/reply.js";
import type { TableDef } from "../schema/table-def.js";

const EXPRESSION_PREFIX = /^Invalid (?:Filter|KeyCondition|Condition|Update|Projection)Expression: /;
import type { JsonObject } from "../types.js";

export interface PartiqlHost {
  /** The table's definition, or undefined/null when there is no such table. */
  describe(table: string): TableDef | undefined | null | Promise<TableDef | undefined | null>;
  /** Runs one wire operation with a JSON input. */
  call(operation: string, input: JsonObject): WireReply | Promise<WireReply>;
}

/** A failed reply of an underlying operation, carried up to be answered as it is. */
export class ReplyFailure extends Error {
  readonly type: string;
  readonly body: JsonObject;

  constructor(readonly reply: WireReply) {
    super("operation failed");
    let body: JsonObject = {};
    try {
      body = JSON.parse(reply.body) as JsonObject;
    } catch {
      // Not JSON: answered as it is.
    }
    this.body = body;
    this.type = String(body.__type ?? "").split("#")[1] ?? "";
  }

  get detail(): string {
    return String(this.body.message ?? this.body.Message ?? "");
  }
}

export async function describeOrFail(host: PartiqlHost, name: string): Promise<TableDef> {
  const def = await host.describe(name);
  if (!def) throw notFound();
  return def;
}

/** Runs an operation and returns its output; a failure is thrown as a ReplyFailure. */
export async function callOk(host: PartiqlHost, operation: string, input: JsonObject): Promise<JsonObject> {
  const reply = await host.call(operation, input);
  if (reply.status !== 200) {
    const failure = new ReplyFailure(reply);
    // PartiQL reports an expression's fault without the expression's name (AWS:
    // "Incorrect operand type for operator or function; ..." for `val < ?` with a BOOL;
    // nubo-db/dynamodb-conformance), as the statement has no expression members.
    const bare = EXPRESSION_PREFIX.exec(failure.detail);
    if (failure.type === "ValidationException" && bare) throw validation(failure.detail.slice(bare[0].length));
    throw failure;
  }
  return JSON.parse(reply.body) as JsonObject;
}
