// Shared bits of the end-to-end suite.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from "./credentials";

/** Base URL of the endpoint started by global-setup.ts, e.g. http://127.0.0.1:41234 */
export const endpoint: string = inject("endpoint");

/** The credentials the endpoint under test accepts (DDB_CREDENTIALS, set by global-setup.ts). */
export { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY } from "./credentials";
export { SERVER_SHARDS } from "./settings";
export const REGION = "us-east-1";
/** Account id the engine puts in every ARN. */
export const ACCOUNT_ID = "000000000000";

let counter = 0;
/** A table name unique within the run (all suites share one server). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `e2e-${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** An AWS SDK client of the endpoint under test, signing with its pair; one attempt, so errors show as they are. */
export function sdkClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
}
