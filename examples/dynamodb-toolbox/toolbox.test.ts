// dynamodb-toolbox v2 on durable-dynamodb: put with defaults, get, update with $add and
// $append, a conditional update refused, a partition query and a delete, on 4 shards.
import { DeleteItemCommand } from "dynamodb-toolbox/entity/actions/delete";
import { GetItemCommand } from "dynamodb-toolbox/entity/actions/get";
import { PutItemCommand } from "dynamodb-toolbox/entity/actions/put";
import { $add, $append, UpdateItemCommand } from "dynamodb-toolbox/entity/actions/update";
import { QueryCommand } from "dynamodb-toolbox/table/actions/query";
import { createTestDatabase } from "durable-dynamodb/testing";
import { describe, expect, it } from "vitest";
import { pokedex, TABLE } from "./model";

describe("examples/dynamodb-toolbox", () => {
  it("dynamodb-toolbox: entity put/get/update/query/delete through the DocumentClient", async () => {
    const db = await createTestDatabase({ tables: [TABLE], shards: 4 });
    const { table, Pokemon } = pokedex(db.documents);
    await Pokemon.build(PutItemCommand).item({ trainerId: "ash", pokemonId: "25", species: "pikachu" }).send();
    await Pokemon.build(PutItemCommand)
      .item({ trainerId: "ash", pokemonId: "1", species: "bulbasaur", level: 5 })
      .send();
    await Pokemon.build(PutItemCommand).item({ trainerId: "misty", pokemonId: "120", species: "staryu" }).send();

    const got = await Pokemon.build(GetItemCommand).key({ trainerId: "ash", pokemonId: "25" }).send();
    // toolbox adds its `created`/`modified` timestamps by default.
    expect(got.Item).toEqual({
      trainerId: "ash",
      pokemonId: "25",
      species: "pikachu",
      level: 1,
      moves: [],
      created: expect.any(String),
      modified: expect.any(String),
    });

    await Pokemon.build(UpdateItemCommand)
      .item({ trainerId: "ash", pokemonId: "25", level: $add(4), moves: $append(["thunderbolt"]) })
      .send();
    const updated = await Pokemon.build(GetItemCommand).key({ trainerId: "ash", pokemonId: "25" }).send();
    expect(updated.Item).toMatchObject({ level: 5, moves: ["thunderbolt"] });

    await expect(
      Pokemon.build(UpdateItemCommand)
        .item({ trainerId: "ash", pokemonId: "25", level: $add(1) })
        .options({ condition: { attr: "level", gt: 10 } })
        .send(),
    ).rejects.toMatchObject({ name: "ConditionalCheckFailedException" });

    const ash = await table.build(QueryCommand).query({ partition: "TRAINER#ash" }).entities(Pokemon).send();
    expect(ash.Items?.map((p) => p.species)).toEqual(["bulbasaur", "pikachu"]);

    await Pokemon.build(DeleteItemCommand).key({ trainerId: "ash", pokemonId: "1" }).send();
    const after = await table.build(QueryCommand).query({ partition: "TRAINER#ash" }).entities(Pokemon).send();
    expect(after.Items?.map((p) => p.pokemonId)).toEqual(["25"]);
  });
});
