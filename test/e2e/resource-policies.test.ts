// Resource-based policies through `npm start` with the AWS SDK for JavaScript, on a table of
// several partitions: the policy round trip, and a Deny enforced on the key that signs.
import {
  CreateTableCommand,
  DeleteResourcePolicyCommand,
  GetItemCommand,
  GetResourcePolicyCommand,
  PutItemCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { ACCOUNT_ID, DUMMY_ACCESS_KEY_ID, REGION, uniqueName, sdkClient } from "./support";

const client = sdkClient();

async function failure(promise: Promise<unknown>): Promise<[string, string]> {
  try {
    await promise;
  } catch (err) {
    return [(err as Error).name, (err as Error).message];
  }
  throw new Error("the call unexpectedly succeeded");
}

describe("e2e: resource-based policies", () => {
  it("e2e ResourcePolicies: put, get, enforce a Deny on the signing key, delete", async () => {
    const name = uniqueName("rbp");
    const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const user = `arn:aws:iam::${ACCOUNT_ID}:user/${DUMMY_ACCESS_KEY_ID}`;
    const Policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Principal: { AWS: user }, Action: "dynamodb:GetItem", Resource: arn }],
    });
    const put = await client.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy }));
    const got = await client.send(new GetResourcePolicyCommand({ ResourceArn: arn }));
    expect([got.Policy, got.RevisionId]).toEqual([Policy, put.RevisionId]);

    await client.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } }));
    expect(await failure(client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } })))).toEqual([
      "AccessDeniedException",
      `User: ${user} is not authorized to perform: dynamodb:GetItem on resource: ${arn} with an explicit deny in a resource-based policy`,
    ]);

    const deleted = await client.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
    expect(deleted.RevisionId).toBe(put.RevisionId);
    const item = await client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } }));
    expect(item.Item).toEqual({ pk: { S: "a" } });
    expect(await failure(client.send(new GetResourcePolicyCommand({ ResourceArn: arn })))).toEqual([
      "PolicyNotFoundException",
      `Resource-based policy not found for the provided ResourceArn: ${arn}`,
    ]);
  });
});
