export { DynamoShard } from "./shard";
import { handleHttp } from "./wire/http";

export interface Env {
  DYNAMODB: DurableObjectNamespace<import("./shard").DynamoShard>;
  /** Shard count for tables created through the HTTP edge (default 1). */
  DDB_DEFAULT_SHARDS?: string;
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return handleHttp(request, env);
  },
} satisfies ExportedHandler<Env>;
