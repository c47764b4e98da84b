// ElectroDB single-table model, unchanged from what runs against DynamoDB: two entities
// sharing one table's pk/sk, a GSI (gsi1) and a collection that reads both entities of
// an office in one Query. Only the client comes from durable-dynamodb.
import { Entity, Service } from "electrodb";
import type { DynamoDBDocumentClient } from "durable-dynamodb/lib";

export const TABLE = {
  TableName: "electro",
  BillingMode: "PAY_PER_REQUEST" as const,
  AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk"].map((name) => ({
    AttributeName: name,
    AttributeType: "S" as const,
  })),
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" as const },
    { AttributeName: "sk", KeyType: "RANGE" as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: "gsi1",
      KeySchema: [
        { AttributeName: "gsi1pk", KeyType: "HASH" as const },
        { AttributeName: "gsi1sk", KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    },
  ],
};

export function office(client: DynamoDBDocumentClient) {
  const employee = new Entity(
    {
      model: { entity: "employee", version: "1", service: "office" },
      attributes: {
        employeeId: { type: "string", required: true },
        officeId: { type: "string", required: true },
        name: { type: "string", required: true },
        salary: { type: "number" },
      },
      indexes: {
        byId: { pk: { field: "pk", composite: ["employeeId"] }, sk: { field: "sk", composite: [] } },
        byOffice: {
          index: "gsi1",
          collection: "workplace",
          pk: { field: "gsi1pk", composite: ["officeId"] },
          sk: { field: "gsi1sk", composite: ["employeeId"] },
        },
      },
    },
    { client, table: TABLE.TableName },
  );
  const desk = new Entity(
    {
      model: { entity: "desk", version: "1", service: "office" },
      attributes: {
        deskId: { type: "string", required: true },
        officeId: { type: "string", required: true },
        floor: { type: "number", required: true },
      },
      indexes: {
        byId: { pk: { field: "pk", composite: ["deskId"] }, sk: { field: "sk", composite: [] } },
        byOffice: {
          index: "gsi1",
          collection: "workplace",
          pk: { field: "gsi1pk", composite: ["officeId"] },
          sk: { field: "gsi1sk", composite: ["floor", "deskId"] },
        },
      },
    },
    { client, table: TABLE.TableName },
  );
  return new Service({ employee, desk });
}
