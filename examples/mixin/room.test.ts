// The mixin example: each ChatRoom instance has its own engine and its own tables.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatRoom } from "./room";

const rooms = (env as unknown as { EXAMPLE_ROOM: DurableObjectNamespace<ChatRoom> }).EXAMPLE_ROOM;

describe("examples/mixin", () => {
  it("Mixin example: a room writes and reads its own declared table through the DocumentClient", async () => {
    const room = rooms.get(rooms.idFromName("lobby"));
    const first = await room.post("ann", "hello");
    await room.post("bob", "hi ann");
    await room.post("ann", "how are you?");
    expect(await room.like(first)).toBe(1);
    expect(await room.like(first)).toBe(2);
    expect(await room.latest(2)).toEqual([
      { room: "main", at: 3, author: "ann", text: "how are you?" },
      { room: "main", at: 2, author: "bob", text: "hi ann" },
    ]);
    expect(await room.like(99)).toBeNull();

    // Another instance: the same declared table, none of the first room's messages.
    const other = rooms.get(rooms.idFromName("garden"));
    expect(await other.latest(10)).toEqual([]);
  });
});
