// @ts-check
// Table metadata the CLI needs (key schema, item count) and --create-table.
import { CreateTableCommand, DescribeTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";

/**
 * The table's key attribute names, partition key first.
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 */
export async function tableKeyNames(client, table) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const schema = Table?.KeySchema ?? [];
  const hash = schema.filter((k) => k.KeyType === "HASH");
  const range = schema.filter((k) => k.KeyType === "RANGE");
  return [...hash, ...range].map((k) => k.AttributeName ?? "");
}

/**
 * DescribeTable's ItemCount (DynamoDB refreshes it about every six hours; this engine keeps
 * it exact), for the export's ETA.
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 */
export async function tableItemCount(client, table) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  return Table?.ItemCount ?? 0;
}

/**
 * Parses a --key-schema like "pk:S" or "pk:S,sk:N" (partition key, then optional sort key).
 * @param {string} spec
 */
export function parseKeySchema(spec) {
  const parts = spec.split(",").map((p) => p.trim());
  if (parts.length < 1 || parts.length > 2)
    throw new Error(`--key-schema: expected "pk:S" or "pk:S,sk:N", got ${JSON.stringify(spec)}`);
  return parts.map((part, i) => {
    const match = /^(.+):(S|N|B)$/.exec(part);
    if (!match) throw new Error(`--key-schema: ${JSON.stringify(part)} is not NAME:TYPE with TYPE one of S, N, B`);
    const [, name, type] = /** @type {[string, string, "S" | "N" | "B"]} */ (/** @type {unknown} */ (match));
    return { name, type, keyType: /** @type {"HASH" | "RANGE"} */ (i === 0 ? "HASH" : "RANGE") };
  });
}

/**
 * Creates an on-demand table with the given key schema and waits until it is ACTIVE.
 * An existing table is used as it is.
 * @param {import("@aws-sdk/client-dynamodb").DynamoDBClient} client
 * @param {string} table
 * @param {string} spec
 * @returns {Promise<boolean>} whether the table was created
 */
export async function createTable(client, table, spec) {
  const keys = parseKeySchema(spec);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  } catch (err) {
    if (err instanceof Error && err.name === "ResourceInUseException") return false;
    throw err;
  }
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { TableName: table });
  return true;
}
