// Wire shapes of DynamoDB's JSON protocol (DynamoDB_20120810). Binary values travel
// base64-encoded on the wire and are kept as base64 strings inside the engine so that
// an item document can be stored as JSON unchanged.

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: true }
  | { BOOL: boolean };

export type Item = Record<string, AttributeValue>;

export type KeyType = "HASH" | "RANGE";
export type ScalarType = "S" | "N" | "B";

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: KeyType;
}

export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: ScalarType;
}

/** A key attribute of a table or index: its name and scalar type. */
export interface KeyAttribute {
  name: string;
  type: ScalarType;
}

/** JSON object as received from the wire, before validation. */
export type JsonObject = { [k: string]: unknown };
