// Figure D's third floor (bench/floor-server.mjs with HOP=engine): the hop floor plus what
// no server of ours can leave out. The Worker verifies the request's SigV4 signature with
// the edge's own `authenticate`, makes the same one Durable Object RPC as the hop floor,
// and that object runs the request through the engine (`Engine.handle`, the code a shard
// runs); the reply goes out with the headers the SDKs read (request id, CRC-32). Left out,
// and so the difference between this floor and `npm start`: the edge's limits, decoding
// and access checks, the router (table definitions, placement), and the Date/Server/CORS
// headers.
import { DurableObject } from "cloudflare:workers";
import { crc32 } from "node:zlib";
import { authenticate, type AuthEnv } from "../src/edge/auth";
import { Engine } from "../src/engine/engine";
import type { CallMeta, WireReply } from "../src/protocol/reply";

interface FloorEnv extends AuthEnv {
  ECHO: DurableObjectNamespace<Echo>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Echo extends DurableObject<FloorEnv> {
  // No housekeeping is asked for by the bench's operations; none is scheduled.
  private readonly engine = new Engine(this.ctx, { scheduleHousekeeping: () => {} });

  echo(operation: string, body: string, meta: CallMeta): WireReply {
    return this.engine.handle(operation, body, meta);
  }
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    if (request.method !== "POST") return new Response("healthy", { headers: { "content-type": "text/plain" } });
    const bytes = new Uint8Array(await request.arrayBuffer());
    const auth = await authenticate(request, bytes, env);
    const target = request.headers.get("x-amz-target") ?? "";
    const reply = auth.ok
      ? await env.ECHO.get(env.ECHO.idFromName("echo")).echo(
          target.slice(target.indexOf(".") + 1),
          decoder.decode(bytes),
          {
            region: auth.principal.region ?? "us-east-1",
            host: "bench",
          },
        )
      : auth.reply;
    const out = encoder.encode(reply.body);
    return new Response(out, {
      status: reply.status,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": crypto.randomUUID(),
        "x-amz-crc32": String(crc32(out)),
      },
    });
  },
} satisfies ExportedHandler<FloorEnv>;
