import { describe, expect, it } from "vitest";
import { createHashTable, ok, uniqueName } from "./support/wire";

describe("smoke", () => {
  it("PutItem then GetItem round-trips an item", async () => {
    const name = uniqueName();
    await createHashTable(name);
    await ok("PutItem", { TableName: name, Item: { id: { S: "a" }, n: { N: "1.50" } } });
    const got = await ok("GetItem", { TableName: name, Key: { id: { S: "a" } } });
    expect(got).toEqual({ Item: { id: { S: "a" }, n: { N: "1.5" } } });
  });
});
