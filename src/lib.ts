// `durable-dynamodb/lib`: @aws-sdk/lib-dynamodb unchanged. Its DynamoDBDocumentClient
// wraps any DynamoDBClient, including this package's: DynamoDBDocumentClient.from(client).
export * from "@aws-sdk/lib-dynamodb";
