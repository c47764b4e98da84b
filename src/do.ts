// `durable-dynamodb/do`: the Durable Object mixin, for classes that embed their own engine.
export { withDynamoDB, type DynamoDBMembers, type WithDynamoDBOptions } from "./mixin.js";
