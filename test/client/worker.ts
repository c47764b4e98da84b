// The Vitest pool's main module: the product Worker (default export, DynamoShard) plus
// test-only Durable Object classes, so src/worker.ts stays free of them.
export * from "../../src/worker";
export { default } from "../../src/worker";
export { MixinTestObject } from "./mixin-object";
export { ChatRoom } from "../../examples/mixin/room";
