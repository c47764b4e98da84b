// The conformance suites run through every front door (issue 7): vitest.config.ts runs
// test/ops, test/query and test/partiql again in one project per door (DDB_TEST_DOOR is the
// project's binding), and `wire()` then delivers each DynamoDB_20120810 request through
// that door instead of the HTTP edge:
//
//   client-4            the cluster router the SDK-compatible client's handler uses, with
//                       new tables spread over 4 shards (the client minus the SDK's own
//                       (de)serialisation, which the client tests cover); with one shard the
//                       router is the wire door's own path past the HTTP layer (the edge
//                       calls the same Router.deliver), so that door has no project
//   mixin               the embedded engine of a withDynamoDB Durable Object, through the
//                       request handler its `this.dynamodb` client uses
//   wire-4              the HTTP edge again, its tables created over 4 partitions
//                       (DDB_DEFAULT_SHARDS), for the GSI suites: their indexes are then
//                       kept in partitions of their own, behind the endpoint npm start runs
//
// A reply comes back exactly as the edge would send it (status and JSON body), so the
// same assertions hold. Suites that look at HTTP headers or inside a table's object stay
// on the doors where that object is the whole table (itInOneObject below), or are left out
// of the door projects.
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { Router } from "../../src/cluster/router";
import type { Env } from "../../src/worker";
import type { MixinTestObject } from "../client/mixin-object";

export type Door = "wire" | "wire-4" | "client-4" | "mixin";

interface DoorEnv extends Env {
  DDB_TEST_DOOR?: string;
  MIXIN_TEST: DurableObjectNamespace<MixinTestObject>;
}

const META = { region: "us-east-1", host: "localhost" };

export function testDoor(): Door {
  const door = (env as unknown as DoorEnv).DDB_TEST_DOOR ?? "wire";
  if (door === "" || door === "wire") return "wire";
  if (door === "wire-4" || door === "client-4" || door === "mixin") return door;
  throw new Error(`DDB_TEST_DOOR: unknown door ${door}`);
}

/** The withDynamoDB object the mixin's door sends every request to. */
export function mixinObject(): DurableObjectStub<MixinTestObject> {
  const ns = (env as unknown as DoorEnv).MIXIN_TEST;
  return ns.get(ns.idFromName("conformance"));
}

/** Whether requests go through the HTTP edge (the wire doors). */
export function isHttpDoor(door: Door = testDoor()): door is "wire" | "wire-4" {
  return door === "wire" || door === "wire-4";
}

export async function throughDoor(
  door: Exclude<Door, "wire" | "wire-4">,
  operation: string,
  input: unknown,
): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const body = typeof input === "string" ? input : JSON.stringify(input);
  const doorEnv = env as unknown as DoorEnv;
  let reply: { status: number; body: string };
  if (door === "mixin") {
    reply = await mixinObject().wire(operation, body);
  } else {
    reply = await new Router(() => doorEnv.DYNAMODB, undefined, 4).deliver(operation, body, META);
  }
  return {
    status: reply.status,
    body: withoutExtension(JSON.parse(reply.body) as Record<string, unknown>),
    text: reply.body,
    headers: new Headers({ "content-type": "application/x-amz-json-1.0" }),
  };
}

/**
 * The conformance suites compare DynamoDB's members; our DescribeTable extension
 * (`DurableDynamoDB`: partition count and map version, present on multi-partition tables) is tested on its own in
 * test/cluster, so it is taken out of table descriptions here.
 */
export function withoutExtension(body: Record<string, unknown>): Record<string, unknown> {
  for (const member of ["Table", "TableDescription"]) {
    const table = body[member];
    if (typeof table === "object" && table !== null) delete (table as Record<string, unknown>).DurableDynamoDB;
  }
  return body;
}

/**
 * For tests that look inside the SQLite of a table's object or call its engine directly
 * (test/support/tables.ts tableShard): they run on the doors that keep each table in one
 * object of its own (the wire door) and are skipped on the others,
 * where the table lives in 4 objects or shares the mixin's one object with every table.
 */
export const itInOneObject = testDoor() === "wire" ? it : it.skip;

/**
 * For suites about the engine's own paging of large data (seconds a door): the mixin's door
 * hands each request to the same engine as the wire door does, so they run on the doors
 * whose routing differs, the wire door's one object and the client's 4 shards.
 */
export const itWhereRoutingDiffers = testDoor() === "mixin" ? it.skip : it;

/**
 * Known gaps of 4-shard tables, written as failing-by-design tests there (the reason is
 * next to each use) and as ordinary tests on every other door.
 */
export const itOneShardOnly = testDoor() === "client-4" || testDoor() === "wire-4" ? it.fails : it;
