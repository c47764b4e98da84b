export { DynamoShard } from "./shard";
import { handleHttp } from "./wire/http";

export interface Env {
  DYNAMODB: DurableObjectNamespace<import("./shard").DynamoShard>;
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return handleHttp(request, env);
  },
} satisfies ExportedHandler<Env>;
