// @ts-check
// The DynamoDB client the CLI talks through: a stock @aws-sdk/client-dynamodb (it signs
// requests with SigV4), configured the way the AWS CLI is: --endpoint-url, --region or
// AWS_REGION/AWS_DEFAULT_REGION, --profile or AWS_PROFILE, credentials from the usual chain
// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws files, ...).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * @typedef {object} ClientOptions
 * @property {string | undefined} endpointUrl
 * @property {string | undefined} region
 * @property {string | undefined} profile
 */

/** @param {ClientOptions} options */
export function makeClient(options) {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return new DynamoDBClient({
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    // The SDK's standard retry (throttling, 5xx, network errors) with more patience than
    // its default of 3 attempts: a long import should ride out a busy local machine.
    maxAttempts: 8,
  });
}

/**
 * `name` and `message` of an SDK error (service errors carry the DynamoDB __type as name).
 * @param {unknown} err
 */
export function describeError(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Exponential backoff with full jitter (AWS's recommendation for UnprocessedItems retries),
 * 50 ms doubling up to 5 s.
 * @param {number} attempt 1, 2, ...
 */
export function backoff(attempt) {
  return Math.random() * Math.min(5000, 50 * 2 ** attempt);
}
