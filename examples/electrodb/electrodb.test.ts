// ElectroDB on durable-dynamodb: entities, updates, a GSI query and a collection query,
// on a 4-shard table (the GSI and collection queries scatter to all shards and merge).
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "durable-dynamodb/testing";
import { office, TABLE } from "./model";

describe("examples/electrodb", () => {
  it("ElectroDB: entities share a table, a GSI query and a collection query across shards", async () => {
    const db = await createTestDatabase({ tables: [TABLE], shards: 4 });
    const app = office(db.documents);
    const { employee, desk } = app.entities;
    for (let i = 1; i <= 6; i++) {
      await employee
        .create({ employeeId: `e${i}`, officeId: i <= 4 ? "lisbon" : "oslo", name: `Emp ${i}`, salary: 1000 * i })
        .go();
    }
    await desk.put({ deskId: "d1", officeId: "lisbon", floor: 2 }).go();
    await desk.put({ deskId: "d2", officeId: "lisbon", floor: 1 }).go();

    // create() refuses an existing item (a conditional put underneath).
    await expect(employee.create({ employeeId: "e1", officeId: "x", name: "dup" }).go()).rejects.toThrow(
      /The conditional request failed/,
    );
    expect((await employee.get({ employeeId: "e2" }).go()).data).toEqual({
      employeeId: "e2",
      officeId: "lisbon",
      name: "Emp 2",
      salary: 2000,
    });
    await employee.patch({ employeeId: "e2" }).add({ salary: 500 }).set({ name: "Emma" }).go();
    expect((await employee.get({ employeeId: "e2" }).go()).data?.salary).toBe(2500);

    const lisbon = await employee.query.byOffice({ officeId: "lisbon" }).go();
    expect(lisbon.data.map((e) => e.employeeId)).toEqual(["e1", "e2", "e3", "e4"]);
    const paged = await employee.query.byOffice({ officeId: "lisbon" }).go({ limit: 3 });
    expect(paged.data.map((e) => e.employeeId)).toEqual(["e1", "e2", "e3"]);
    const rest = await employee.query.byOffice({ officeId: "lisbon" }).go({ cursor: paged.cursor });
    expect(rest.data.map((e) => e.employeeId)).toEqual(["e4"]);

    const workplace = await app.collections.workplace({ officeId: "lisbon" }).go();
    expect(workplace.data.employee.map((e) => e.name)).toEqual(["Emp 1", "Emma", "Emp 3", "Emp 4"]);
    expect(workplace.data.desk.map((d) => d.deskId)).toEqual(["d2", "d1"]);

    await employee.delete({ employeeId: "e1" }).go();
    expect((await employee.query.byOffice({ officeId: "lisbon" }).go()).data).toHaveLength(3);
  });
});
