// dynamodb-toolbox (v2) model, unchanged from what runs against DynamoDB: a single table
// holding trainers and their pokemons, keyed by computeKey. Only the DocumentClient it is
// given comes from durable-dynamodb.
import type { DynamoDBDocumentClient } from "durable-dynamodb/lib";
import { Entity } from "dynamodb-toolbox/entity";
import { item } from "dynamodb-toolbox/schema/item";
import { list } from "dynamodb-toolbox/schema/list";
import { number } from "dynamodb-toolbox/schema/number";
import { string } from "dynamodb-toolbox/schema/string";
import { Table } from "dynamodb-toolbox/table";

export const TABLE = {
  TableName: "toolbox",
  BillingMode: "PAY_PER_REQUEST" as const,
  AttributeDefinitions: ["pk", "sk"].map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" as const },
    { AttributeName: "sk", KeyType: "RANGE" as const },
  ],
};

export function pokedex(documentClient: DynamoDBDocumentClient) {
  const table = new Table({
    name: TABLE.TableName,
    partitionKey: { name: "pk", type: "string" },
    sortKey: { name: "sk", type: "string" },
    documentClient,
  });
  const Pokemon = new Entity({
    name: "POKEMON",
    schema: item({
      trainerId: string().key(),
      pokemonId: string().key(),
      species: string(),
      level: number().default(1),
      moves: list(string()).default([]),
    }),
    computeKey: ({ trainerId, pokemonId }: { trainerId: string; pokemonId: string }) => ({
      pk: `TRAINER#${trainerId}`,
      sk: `POKEMON#${pokemonId}`,
    }),
    table,
  });
  return { table, Pokemon };
}
