// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on tables and streams:
// the document kept as given, revision ids, ExpectedRevisionId and DynamoDB's refusals
// (the PolicyNotFoundException texts are the service's, as moto's tests record them).
import { describe, expect, it } from "vitest";
import { tableArn } from "../support/tables";
import { createHashTable, fails, ok, uniqueName } from "../support/wire";

const NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: ";

function policyFor(arn: string, effect = "Allow", actions: string[] = ["dynamodb:GetItem"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: effect, Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: actions, Resource: arn },
    ],
  });
}

async function table(): Promise<{ name: string; arn: string }> {
  const name = uniqueName("policy");
  await createHashTable(name);
  return { name, arn: tableArn(name) };
}

async function streamedTable(): Promise<{ name: string; arn: string; stream: string }> {
  const name = uniqueName("policystream");
  const created = await ok("CreateTable", {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
  });
  const description = created.TableDescription as { LatestStreamArn: string };
  return { name, arn: tableArn(name), stream: description.LatestStreamArn };
}

describe("ResourcePolicies", () => {
  it("PutResourcePolicy: stores the document as given and GetResourcePolicy returns it with its revision", async () => {
    const { arn } = await table();
    const document = policyFor(arn).replace(/,/g, ", ");
    const put = await ok("PutResourcePolicy", { ResourceArn: arn, Policy: document });
    expect(put.RevisionId).toMatch(/^\d+$/);
    expect(await ok("GetResourcePolicy", { ResourceArn: arn })).toEqual({
      Policy: document,
      RevisionId: put.RevisionId,
    });
  });

  it("PutResourcePolicy: the same document again keeps its revision; a new one gets a greater revision", async () => {
    const { arn } = await table();
    const first = await ok("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn) });
    const again = await ok("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn) });
    expect(again.RevisionId).toBe(first.RevisionId);
    const changed = await ok("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn, "Deny") });
    expect(BigInt(changed.RevisionId as string) > BigInt(first.RevisionId as string)).toBe(true);
  });

  it("PutResourcePolicy: ExpectedRevisionId must name the current revision", async () => {
    const { name, arn } = await table();
    expect(
      await ok("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn), ExpectedRevisionId: "NO_POLICY" }),
    ).toHaveProperty("RevisionId");
    const { RevisionId: current } = await ok("GetResourcePolicy", { ResourceArn: arn });
    expect(
      await fails("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn), ExpectedRevisionId: "NO_POLICY" }),
    ).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}Requested policy update expecting none to be present for table ${name}, but a policy exists with revision id ${current as string}.`,
    ]);
    expect(
      await fails("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn, "Deny"), ExpectedRevisionId: "12" }),
    ).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}Requested update for policy with revision id 12, but the policy associated to target table ${name} has revision id ${current as string}.`,
    ]);
    const updated = await ok("PutResourcePolicy", {
      ResourceArn: arn,
      Policy: policyFor(arn, "Deny"),
      ExpectedRevisionId: current,
    });
    expect(updated.RevisionId).not.toBe(current);
  });

  it("PutResourcePolicy: ExpectedRevisionId on a table without a policy is PolicyNotFoundException", async () => {
    const { arn } = await table();
    expect(
      await fails("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn), ExpectedRevisionId: "1" }),
    ).toEqual(["PolicyNotFoundException", `${NOT_FOUND}${arn}`]);
  });

  // DynamoDB's texts for malformed documents are not recorded anywhere we could find; these
  // are ours (README's feature matrix says so), the error type is DynamoDB's.
  it("PutResourcePolicy: rejects a document that is not a policy", async () => {
    const { arn } = await table();
    const cases: [string, string][] = [
      ["{", "Invalid policy document: the document is not JSON"],
      ["[]", "Invalid policy document: the document is not a JSON object"],
      ['{"Version":"2012-10-17"}', "Invalid policy document: it has no Statement"],
      [
        '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"dynamodb:*","Resource":"*"}]}',
        "Invalid policy document: Statement 1 has no Effect Allow or Deny",
      ],
      [
        '{"Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}',
        "Invalid policy document: Statement 1 has no Principal",
      ],
    ];
    for (const [document, message] of cases) {
      expect(await fails("PutResourcePolicy", { ResourceArn: arn, Policy: document })).toEqual([
        "ValidationException",
        message,
      ]);
    }
    expect(await fails("GetResourcePolicy", { ResourceArn: arn })).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}${arn}`,
    ]);
  });

  it("PutResourcePolicy: rejects a document over 20 KB, whitespace counted", async () => {
    const { arn } = await table();
    const document = policyFor(arn) + " ".repeat(20 * 1024);
    expect(await fails("PutResourcePolicy", { ResourceArn: arn, Policy: document })).toEqual([
      "ValidationException",
      "Policy document exceeds the maximum size of 20480 bytes",
    ]);
  });

  it("PutResourcePolicy: rejects a missing Policy", async () => {
    const { arn } = await table();
    expect(await fails("PutResourcePolicy", { ResourceArn: arn })).toEqual([
      "ValidationException",
      "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it("GetResourcePolicy: a table that does not exist is ResourceNotFoundException", async () => {
    const name = uniqueName("nopolicy");
    expect(await fails("GetResourcePolicy", { ResourceArn: tableArn(name) })).toEqual([
      "ResourceNotFoundException",
      `Requested resource not found: Table: ${name} not found`,
    ]);
  });

  it("PutResourcePolicy: rejects an index ARN (the table's policy governs its indexes)", async () => {
    const { arn } = await table();
    const index = `${arn}/index/byG`;
    expect(await fails("PutResourcePolicy", { ResourceArn: index, Policy: policyFor(index) })).toEqual([
      "ValidationException",
      `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${index}`,
    ]);
  });

  it("DeleteResourcePolicy: removes the policy and answers its revision", async () => {
    const { arn } = await table();
    const { RevisionId } = await ok("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn) });
    expect(
      await fails("DeleteResourcePolicy", { ResourceArn: arn, ExpectedRevisionId: `${RevisionId as string}0` }),
    ).toEqual([
      "PolicyNotFoundException",
      expect.stringContaining(`Requested update for policy with revision id ${RevisionId as string}0`),
    ]);
    expect(await ok("DeleteResourcePolicy", { ResourceArn: arn, ExpectedRevisionId: RevisionId })).toEqual({
      RevisionId,
    });
    expect(await fails("GetResourcePolicy", { ResourceArn: arn })).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}${arn}`,
    ]);
    expect(await fails("DeleteResourcePolicy", { ResourceArn: arn })).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}${arn}`,
    ]);
  });

  it("PutResourcePolicy: a stream has its own policy, apart from its table's", async () => {
    const { arn, stream } = await streamedTable();
    const put = await ok("PutResourcePolicy", { ResourceArn: stream, Policy: policyFor(stream) });
    expect(await ok("GetResourcePolicy", { ResourceArn: stream })).toEqual({
      Policy: policyFor(stream),
      RevisionId: put.RevisionId,
    });
    expect(await fails("GetResourcePolicy", { ResourceArn: arn })).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}${arn}`,
    ]);
  });

  it("PutResourcePolicy: a stream ARN that is not the table's latest stream is ResourceNotFoundException", async () => {
    const { arn } = await streamedTable();
    const old = `${arn}/stream/2020-01-01T00:00:00.000`;
    expect(await fails("PutResourcePolicy", { ResourceArn: old, Policy: policyFor(old) })).toEqual([
      "ResourceNotFoundException",
      `Requested resource not found: Stream: ${old} not found`,
    ]);
  });

  it("CreateTable: ResourcePolicy attaches the table's first policy", async () => {
    const name = uniqueName("createdpolicy");
    const document = policyFor(tableArn(name));
    await ok("CreateTable", {
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      ResourcePolicy: document,
    });
    const got = await ok("GetResourcePolicy", { ResourceArn: tableArn(name) });
    expect(got.Policy).toBe(document);
    expect(got.RevisionId).toMatch(/^\d+$/);
  });

  it("DeleteTable: the table's policy goes with it", async () => {
    const { name, arn } = await table();
    await ok("PutResourcePolicy", { ResourceArn: arn, Policy: policyFor(arn) });
    await ok("DeleteTable", { TableName: name });
    await createHashTable(name);
    expect(await fails("GetResourcePolicy", { ResourceArn: arn })).toEqual([
      "PolicyNotFoundException",
      `${NOT_FOUND}${arn}`,
    ]);
  });
});
