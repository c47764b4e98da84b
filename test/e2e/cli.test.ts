// The AWS CLI (/usr/bin/aws, Debian package awscli) against the real HTTP endpoint. Each
// test runs one `aws dynamodb ...` command with --output json and checks its parsed output.
// The tests form one flow on one table and run in order.
import { aws, AWS_SKIP_REASON } from "./aws-cli";
import { afterAll, describe, expect, it } from "vitest";
import { ACCOUNT_ID, REGION, uniqueName } from "./support";

/** Why the CLI tests cannot run here, or undefined when they can. */
const SKIP_REASON = AWS_SKIP_REASON;
if (SKIP_REASON) console.warn(`cli.test.ts: skipping the AWS CLI tests: ${SKIP_REASON}`);

/** `it`, skipped (with the reason in its name) only when the aws binary is absent. */
function cliTest(name: string, body: () => Promise<void>): void {
  it.skipIf(SKIP_REASON !== undefined)(SKIP_REASON ? `${name} (skipped: ${SKIP_REASON})` : name, body);
}

/** Runs a command that must succeed and returns its parsed JSON output ({} when empty). */
async function awsJson(...args: string[]): Promise<unknown> {
  const result = await aws(...args);
  if (result.code !== 0) {
    throw new Error(`aws dynamodb ${args.join(" ")} exited with ${result.code}:\n${result.stderr}`);
  }
  return result.stdout.trim() === "" ? {} : JSON.parse(result.stdout);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("AWS CLI", () => {
  const table = uniqueName("cli");
  const missing = uniqueName("cli-missing");
  const item = {
    pk: { S: "user#1" },
    sk: { N: "42" },
    name: { S: "Ada" },
    score: { N: "98.50" },
    tags: { SS: ["admin"] },
    profile: { M: { city: { S: "London" }, langs: { L: [{ S: "en" }, { N: "2" }] } } },
    verified: { BOOL: true },
    nothing: { NULL: true },
    // AWS CLI v2 reads and prints binary values as base64.
    blob: { B: "AAEC/f7/" },
    blobs: { BS: ["AQ==", "/w=="] },
  };
  /** The item as stored: numbers normalized. */
  const stored = { ...item, score: { N: "98.5" } };
  const key = { pk: { S: "user#1" }, sk: { N: "42" } };

  afterAll(async () => {
    if (SKIP_REASON) return;
    await aws("delete-table", "--table-name", table); // only matters after a failure
  });

  /**
   * The CLI prints only the members its service model knows: the Debian awscli 2.9 model
   * predates DeletionProtectionEnabled, newer ones print it. Present or not, it must be false.
   */
  function withoutDeletionProtection(description: Record<string, unknown>): Record<string, unknown> {
    const { DeletionProtectionEnabled, ...rest } = description;
    expect([undefined, false]).toContain(DeletionProtectionEnabled);
    return rest;
  }

  const tableDescription = {
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
    ],
    TableName: table,
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    TableStatus: "ACTIVE",
    CreationDateTime: expect.anything(),
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
    TableSizeBytes: 0,
    ItemCount: 0,
    TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${table}`,
    TableId: expect.stringMatching(UUID),
  };

  cliTest("CLI: create-table prints the table description", async () => {
    const output = await awsJson(
      "create-table",
      "--table-name",
      table,
      "--attribute-definitions",
      JSON.stringify(tableDescription.AttributeDefinitions),
      "--key-schema",
      JSON.stringify(tableDescription.KeySchema),
      "--provisioned-throughput",
      "ReadCapacityUnits=3,WriteCapacityUnits=4",
    );
    const { TableDescription } = output as { TableDescription: Record<string, unknown> };
    expect(Object.keys(output as object)).toEqual(["TableDescription"]);
    expect(withoutDeletionProtection(TableDescription)).toEqual(tableDescription);
  });

  cliTest("CLI: describe-table prints the table", async () => {
    const output = (await awsJson("describe-table", "--table-name", table)) as { Table: Record<string, unknown> };
    expect(Object.keys(output)).toEqual(["Table"]);
    expect(withoutDeletionProtection(output.Table)).toEqual(tableDescription);
  });

  cliTest("CLI: put-item prints nothing, or ALL_OLD attributes and capacity", async () => {
    expect(await awsJson("put-item", "--table-name", table, "--item", JSON.stringify(item))).toEqual({});
    const output = await awsJson(
      "put-item",
      "--table-name",
      table,
      "--item",
      JSON.stringify(item),
      "--return-values",
      "ALL_OLD",
      "--return-consumed-capacity",
      "TOTAL",
    );
    expect(output).toEqual({ Attributes: stored, ConsumedCapacity: { TableName: table, CapacityUnits: 1 } });
  });

  cliTest("CLI: get-item prints the item", async () => {
    const output = await awsJson(
      "get-item",
      "--table-name",
      table,
      "--key",
      JSON.stringify(key),
      "--consistent-read",
      "--return-consumed-capacity",
      "TOTAL",
    );
    expect(output).toEqual({ Item: stored, ConsumedCapacity: { TableName: table, CapacityUnits: 1 } });
  });

  cliTest("CLI: describe-table counts the item", async () => {
    const output = (await awsJson("describe-table", "--table-name", table)) as { Table: Record<string, unknown> };
    expect(output.Table.ItemCount).toBe(1);
    expect(output.Table.TableSizeBytes).toBeGreaterThan(0);
  });

  cliTest("CLI: delete-item prints the ALL_OLD attributes", async () => {
    const output = await awsJson(
      "delete-item",
      "--table-name",
      table,
      "--key",
      JSON.stringify(key),
      "--return-values",
      "ALL_OLD",
    );
    expect(output).toEqual({ Attributes: stored });
    expect(await awsJson("get-item", "--table-name", table, "--key", JSON.stringify(key))).toEqual({});
  });

  cliTest("CLI: list-tables includes the table", async () => {
    const output = (await awsJson("list-tables")) as { TableNames: string[] };
    expect(Object.keys(output)).toEqual(["TableNames"]);
    expect(output.TableNames).toContain(table);
    expect(output.TableNames).toEqual([...output.TableNames].sort());
  });

  cliTest("CLI: get-item on a missing table fails with ResourceNotFoundException", async () => {
    const result = await aws("get-item", "--table-name", missing, "--key", JSON.stringify(key));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("ResourceNotFoundException");
    expect(result.stderr).toContain("Requested resource not found");
    expect(result.stderr.trim()).toBe(
      "An error occurred (ResourceNotFoundException) when calling the GetItem operation: Requested resource not found",
    );
  });

  cliTest("CLI: delete-table prints the DELETING description", async () => {
    const output = (await awsJson("delete-table", "--table-name", table)) as {
      TableDescription: Record<string, unknown>;
    };
    expect(Object.keys(output)).toEqual(["TableDescription"]);
    // DynamoDB's reduced description of a table being deleted.
    const { AttributeDefinitions, KeySchema, CreationDateTime, ...reduced } = tableDescription;
    expect([AttributeDefinitions, KeySchema, CreationDateTime]).toHaveLength(3);
    expect(withoutDeletionProtection(output.TableDescription)).toEqual({ ...reduced, TableStatus: "DELETING" });
    const result = await aws("describe-table", "--table-name", table);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Requested resource not found: Table: ${table} not found`);
    const { TableNames } = (await awsJson("list-tables")) as { TableNames: string[] };
    expect(TableNames).not.toContain(table);
  });
});
