// TransactionCanceledException as DynamoDB sends it: one CancellationReason per action, in
// request order, and a message listing their codes ("... specific reasons [None,
// ConditionalCheckFailed]"; dynamodb-conformance captures and SDK issue threads quoting
// DynamoDB's body). Unlike other errors its body spells the message "Message"; SDKs read
// either spelling.
import { DynamoError } from "../../errors.js";
import type { CancellationReason } from "./types.js";

export class TransactionCanceledError extends DynamoError {
  readonly reasons: readonly CancellationReason[];

  constructor(reasons: readonly CancellationReason[]) {
    super(
      "TransactionCanceledException",
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
    );
    this.reasons = reasons;
  }

  override toJSON(): Record<string, unknown> {
    return { __type: this.wireType, CancellationReasons: this.reasons, Message: this.message };
  }
}

export const CONDITIONAL_CHECK_FAILED_MESSAGE = "The conditional request failed";

export const NONE: CancellationReason = Object.freeze({ Code: "None" });

/** The reason for an action whose condition failed, with the item when ALL_OLD was asked for. */
export function conditionFailedReason(item: CancellationReason["Item"], returnOld: boolean): CancellationReason {
  return returnOld && item
    ? { Code: "ConditionalCheckFailed", Item: item, Message: CONDITIONAL_CHECK_FAILED_MESSAGE }
    : { Code: "ConditionalCheckFailed", Message: CONDITIONAL_CHECK_FAILED_MESSAGE };
}

/** A ValidationException raised by one action, as its cancellation reason. */
export function validationReason(err: DynamoError): CancellationReason {
  return { Code: "ValidationError", Message: err.message };
}

export function isValidationError(err: unknown): err is DynamoError {
  return err instanceof DynamoError && err.type === "ValidationException";
}
