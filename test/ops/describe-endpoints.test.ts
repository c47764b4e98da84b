import { describe, expect, it } from "vitest";
import { fails, ok, wire } from "../support/wire";

describe("DescribeEndpoints", () => {
  describe("validations", () => {
    it("DescribeEndpoints: rejects a body that is a list", async () => {
      expect(await fails("DescribeEndpoints", [])).toEqual([
        "SerializationException",
        "Start of list found where not expected",
      ]);
    });
  });

  describe("functionality", () => {
    it("DescribeEndpoints: names the host the request came to, cached for a day", async () => {
      expect(await ok("DescribeEndpoints", {})).toEqual({
        Endpoints: [{ Address: "localhost", CachePeriodInMinutes: 1440 }],
      });
    });

    it("DescribeEndpoints: accepts an empty body and ignores unknown members", async () => {
      const empty = await wire("DescribeEndpoints", "");
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ Endpoints: [{ Address: "localhost", CachePeriodInMinutes: 1440 }] });
      expect(await ok("DescribeEndpoints", { Anything: 1 })).toEqual(empty.body);
    });
  });
});

describe("DescribeLimits", () => {
  describe("validations", () => {
    it("DescribeLimits: rejects a body that is a list", async () => {
      expect(await fails("DescribeLimits", [1])).toEqual([
        "SerializationException",
        "Start of list found where not expected",
      ]);
    });
  });

  describe("functionality", () => {
    it("DescribeLimits: reports DynamoDB's default account and table capacity quotas", async () => {
      expect(await ok("DescribeLimits", {})).toEqual({
        AccountMaxReadCapacityUnits: 80000,
        AccountMaxWriteCapacityUnits: 80000,
        TableMaxReadCapacityUnits: 40000,
        TableMaxWriteCapacityUnits: 40000,
      });
    });
  });
});
