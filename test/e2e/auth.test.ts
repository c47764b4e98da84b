// SigV4 through real clients: the endpoint (started with DDB_CREDENTIALS = the e2e pair)
// refuses a wrong secret, an unknown key and an unsigned request with DynamoDB's errors,
// as the AWS SDK for JavaScript, the AWS CLI and boto3 report them.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint } from "./support";

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function client(accessKeyId: string, secretAccessKey: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

async function sdkError(c: DynamoDBClient): Promise<[string, string, number | undefined]> {
  try {
    await c.send(new ListTablesCommand({}));
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return [e.name, e.message, e.$metadata?.httpStatusCode];
  }
  throw new Error("ListTables unexpectedly succeeded");
}

/** Runs a command with the given credentials and only them (no config files, no metadata service). */
function run(
  command: string,
  args: string[],
  secret: string,
): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    timeout: 90_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: "C.UTF-8",
      AWS_ACCESS_KEY_ID: DUMMY_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: "/nonexistent/aws-config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
      AWS_PAGER: "",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_MAX_ATTEMPTS: "1",
    },
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

const AWS = "/usr/bin/aws";
const PYTHON = "/usr/bin/python3";
const NO_CLI = existsSync(AWS) ? undefined : `${AWS} not found: install the Debian package awscli`;
const NO_BOTO3 =
  spawnSync(PYTHON, ["-c", "import boto3"], { timeout: 60_000 }).status === 0
    ? undefined
    : `${PYTHON} cannot import boto3: install the Debian package python3-boto3`;

describe("e2e: SigV4", () => {
  it("e2e SigV4: the AWS SDK signs with the configured pair and is let in", async () => {
    const out = await client(DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY).send(new ListTablesCommand({}));
    expect(Array.isArray(out.TableNames)).toBe(true);
  });

  it("e2e SigV4: the AWS SDK with a wrong secret gets InvalidSignatureException", async () => {
    const [name, message, status] = await sdkError(client(DUMMY_ACCESS_KEY_ID, "not-the-secret"));
    expect([name, status]).toEqual(["InvalidSignatureException", 400]);
    expect(
      message.startsWith(`${MISMATCH}\n\nThe Canonical String for this request should have been\n'POST\n/\n`),
    ).toBe(true);
  });

  it("e2e SigV4: the AWS SDK with an unknown key gets UnrecognizedClientException", async () => {
    expect(await sdkError(client("AKIDUNKNOWN", DUMMY_SECRET_ACCESS_KEY))).toEqual([
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      400,
    ]);
  });

  it("e2e SigV4: an unsigned request gets MissingAuthenticationTokenException, the health check does not", async () => {
    const response = await fetch(`${endpoint}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" },
      body: "{}",
    });
    expect([response.status, await response.json()]).toEqual([
      400,
      {
        __type: "com.amazon.coral.service#MissingAuthenticationTokenException",
        message: "Request is missing Authentication Token",
      },
    ]);
    expect((await fetch(`${endpoint}/`)).status).toBe(200);
  });

  it.skipIf(NO_CLI !== undefined)(
    `e2e SigV4: the AWS CLI with a wrong secret gets InvalidSignatureException${NO_CLI ? ` (skipped: ${NO_CLI})` : ""}`,
    () => {
      const result = run(
        AWS,
        ["dynamodb", "list-tables", "--endpoint-url", endpoint, "--output", "json"],
        "not-the-secret",
      );
      expect(result.status).not.toBe(0);
      // The CLI may add "(reached max retries: 0)" after the operation name.
      expect(result.stderr).toMatch(
        /An error occurred \(InvalidSignatureException\) when calling the ListTables operation[^:]*: /,
      );
      expect(result.stderr).toContain(
        `: ${MISMATCH}\n\nThe Canonical String for this request should have been\n'POST\n/\n`,
      );
    },
  );

  it.skipIf(NO_BOTO3 !== undefined)(
    `e2e SigV4: boto3 with a wrong secret gets InvalidSignatureException${NO_BOTO3 ? ` (skipped: ${NO_BOTO3})` : ""}`,
    () => {
      const script = [
        "import sys, boto3, botocore.exceptions",
        "c = boto3.client('dynamodb', endpoint_url=sys.argv[1])",
        "try:",
        "    c.list_tables()",
        "    print('accepted')",
        "except botocore.exceptions.ClientError as e:",
        "    print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])",
        "    print(e.response['Error']['Message'].split('\\n')[0])",
      ].join("\n");
      const result = run(PYTHON, ["-c", script, endpoint], "not-the-secret");
      expect(result.stdout.trim().split("\n")).toEqual(["InvalidSignatureException 400", MISMATCH]);
    },
  );
});
