// The mixin example: a chat room Durable Object with its own embedded DynamoDB. Every room
// instance has private tables in its own SQLite; no RPC, no sharding, no credentials.
// `messages` is declared, so it exists before the first request.
import { DurableObject } from "cloudflare:workers";
import { ConditionalCheckFailedException, type CreateTableCommandInput } from "durable-dynamodb";
import { withDynamoDB } from "durable-dynamodb/do";
import { PutCommand, QueryCommand, UpdateCommand } from "durable-dynamodb/lib";

// `satisfies` keeps the literal's key types ("HASH", "N") as CreateTable's own types.
const MESSAGES = {
  TableName: "messages",
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: "room", AttributeType: "S" },
    { AttributeName: "at", AttributeType: "N" },
  ],
  KeySchema: [
    { AttributeName: "room", KeyType: "HASH" },
    { AttributeName: "at", KeyType: "RANGE" },
  ],
} satisfies CreateTableCommandInput;

export interface Message {
  room: string;
  at: number;
  author: string;
  text: string;
  likes?: number;
}

export class ChatRoom extends withDynamoDB(DurableObject, { tables: [MESSAGES] }) {
  private seq = 0;

  async post(author: string, text: string): Promise<number> {
    const at = ++this.seq;
    await this.documents.send(new PutCommand({ TableName: "messages", Item: { room: "main", at, author, text } }));
    return at;
  }

  /** Likes a message; null if there is no such message (the condition fails). */
  async like(at: number): Promise<number | null> {
    try {
      return await this.addLike(at);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return null;
      throw err;
    }
  }

  private async addLike(at: number): Promise<number> {
    const out = await this.documents.send(
      new UpdateCommand({
        TableName: "messages",
        Key: { room: "main", at },
        UpdateExpression: "ADD likes :one",
        ConditionExpression: "attribute_exists(room)",
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return out.Attributes?.likes as number;
  }

  /** The latest `limit` messages, newest first. */
  async latest(limit: number): Promise<Message[]> {
    const out = await this.documents.send(
      new QueryCommand({
        TableName: "messages",
        KeyConditionExpression: "room = :r",
        ExpressionAttributeValues: { ":r": "main" },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []) as Message[];
  }
}
