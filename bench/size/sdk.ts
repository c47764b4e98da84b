import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export default {
  async fetch(request: Request): Promise<Response> {
    const id = new URL(request.url).pathname;
    await documents.send(new PutCommand({ TableName: "t", Item: { id } }));
    return Response.json((await documents.send(new GetCommand({ TableName: "t", Key: { id } }))).Item);
  },
};
