// What PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy share: the resource an
// ARN names (a table, or its latest stream), its policy, and DynamoDB's refusals (messages
// as DynamoDB answers them: moto's tests run against AWS).
import { DynamoError, notFound } from "../errors.js";
import type { Shape } from "../protocol/shape.js";
import type { StoredPolicy } from "../schema/resource-policy.js";
import { streamArn } from "../schema/stream.js";
import type { TableDef } from "../schema/table-def.js";
import type { OpContext } from "./operation.js";
import { parseTableArn, resourceArnShape } from "./tags.js";

export const policyShapes: Record<string, Shape> = {
  ResourceArn: resourceArnShape,
  ExpectedRevisionId: { kind: "string", minLength: 1, maxLength: 255 },
};

export interface PolicyTarget {
  def: TableDef;
  /** Which of the table's policies the ARN names. */
  member: "policy" | "streamPolicy";
  arn: string;
}

/** The table or stream a policy ARN names; an unknown table is ResourceNotFoundException. */
export function policyTarget(ctx: OpContext, arn: string): PolicyTarget {
  const { table, stream } = parseTableArn(ctx, arn);
  const def = ctx.catalogue.get(table);
  if (!def) throw notFound(`Requested resource not found: Table: ${table} not found`);
  if (!stream) return { def, member: "policy", arn };
  const latest = def.stream && streamArn(ctx.region, ctx.accountId, def.name, def.stream.label);
  if (arn !== latest) throw notFound(`Requested resource not found: Stream: ${arn} not found`);
  return { def, member: "streamPolicy", arn };
}

export function policyNotFound(arn: string): DynamoError {
  return new DynamoError(
    "PolicyNotFoundException",
    `Resource-based policy not found for the provided ResourceArn: ${arn}`,
  );
}

/**
 * ExpectedRevisionId: the current policy's revision, or NO_POLICY when there is none; a
 * mismatch is PolicyNotFoundException with DynamoDB's explanation.
 */
export function checkExpectedRevision(
  target: PolicyTarget,
  current: StoredPolicy | undefined,
  expected: string | undefined,
): void {
  if (expected === undefined) return;
  const prefix = "Resource-based policy not found for the provided ResourceArn: ";
  if (expected === "NO_POLICY") {
    if (current) {
      throw new DynamoError(
        "PolicyNotFoundException",
        `${prefix}Requested policy update expecting none to be present for table ${target.def.name}, but a policy exists with revision id ${current.revisionId}.`,
      );
    }
    return;
  }
  if (!current) throw policyNotFound(target.arn);
  if (current.revisionId !== expected) {
    throw new DynamoError(
      "PolicyNotFoundException",
      `${prefix}Requested update for policy with revision id ${expected}, but the policy associated to target table ${target.def.name} has revision id ${current.revisionId}.`,
    );
  }
}
