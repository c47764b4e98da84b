// The AWS CLI (Debian's awscli) against the endpoint under test, shared by the suites that
// drive it: a clean environment with only the e2e credentials, JSON output.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint } from "./support";

export const AWS = "/usr/bin/aws";
/** Why the CLI tests are skipped, or undefined when the CLI is installed. */
export const AWS_SKIP_REASON = existsSync(AWS) ? undefined : `${AWS} not found: install the Debian package awscli`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aws dynamodb <args> --endpoint-url ... --output json` with the e2e credentials only. */
export function aws(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C.UTF-8",
    AWS_ACCESS_KEY_ID: DUMMY_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DUMMY_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: REGION,
    // Keep any local AWS configuration, pager or metadata lookups out of the test.
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  return new Promise((done, fail) => {
    const child = spawn(AWS, ["dynamodb", ...args, "--endpoint-url", endpoint, "--output", "json"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
