// The HTTP endpoint's Worker (wrangler.toml `main`, npm start, `durable-dynamodb serve`):
// DynamoDB's JSON protocol over HTTP in front of the shard Durable Objects it exports.
import type { Env } from "./env.js";
import { handleHttp } from "./edge/http.js";

export { DynamoShard } from "./shard.js";
export type { Env } from "./env.js";

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return handleHttp(request, env);
  },
} satisfies ExportedHandler<Env>;
