// `durable-dynamodb/do`: the Durable Object mixin, for classes that embed their own engine.
export { withDynamoDB, type WithDynamoDBOptions } from "./mixin";
