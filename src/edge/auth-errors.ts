// The errors of the authentication layer, as DynamoDB answers them: all in the
// `com.amazon.coral.service#` namespace, all status 400 (DynamoDB does not use 403 for
// these). Built here as wire replies rather than DynamoError because the layer runs before
// any operation, and AccessDeniedException carries its text under `Message` (capital M), as
// DynamoDB's coral front end sends it.
import type { WireReply } from "../protocol/reply.js";
import { ACCOUNT_ID } from "../schema/table-def.js";

export type AuthErrorType =
  | "MissingAuthenticationTokenException"
  | "UnrecognizedClientException"
  | "InvalidSignatureException"
  | "IncompleteSignatureException"
  | "AccessDeniedException";

export function authError(type: AuthErrorType, message: string): WireReply {
  const key = type === "AccessDeniedException" ? "Message" : "message";
  return { status: 400, body: JSON.stringify({ __type: `com.amazon.coral.service#${type}`, [key]: message }) };
}

export const MISSING_TOKEN = "Request is missing Authentication Token";
export const UNRECOGNIZED_CLIENT = "The security token included in the request is invalid.";
export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

export const missingToken = (): WireReply => authError("MissingAuthenticationTokenException", MISSING_TOKEN);
export const unrecognizedClient = (): WireReply => authError("UnrecognizedClientException", UNRECOGNIZED_CLIENT);
export const incomplete = (message: string): WireReply => authError("IncompleteSignatureException", message);
export const invalidSignature = (message: string): WireReply => authError("InvalidSignatureException", message);

/**
 * A wrong signature. Like DynamoDB, the reply shows the canonical request and string to
 * sign the server computed, so a client can diff them against its own (both are derived
 * from the request alone: no secret is revealed).
 */
export function signatureMismatch(canonicalRequest: string, stringToSign: string): WireReply {
  return invalidSignature(
    `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  );
}

/** DynamoDB's (IAM's) refusal for an operation the key's permissions do not allow. */
export function accessDenied(accessKeyId: string, action: string, resource: string): WireReply {
  return authError(
    "AccessDeniedException",
    `User: arn:aws:iam::${ACCOUNT_ID}:user/${accessKeyId} is not authorized to perform: dynamodb:${action} ` +
      `on resource: ${resource} because no identity-based policy allows the dynamodb:${action} action`,
  );
}

/** IAM's refusal for an action a resource-based policy denies explicitly. */
export function explicitDeny(accessKeyId: string, action: string, resource: string): WireReply {
  return authError(
    "AccessDeniedException",
    `User: arn:aws:iam::${ACCOUNT_ID}:user/${accessKeyId} is not authorized to perform: dynamodb:${action} ` +
      `on resource: ${resource} with an explicit deny in a resource-based policy`,
  );
}
