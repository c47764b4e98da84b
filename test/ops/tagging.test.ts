import { describe, expect, it } from "vitest";
import { tableArn } from "../support/tables";
import { isHttpDoor } from "../support/doors";
import { createHashTable, fails, ok, uniqueName, wire } from "../support/wire";

// A tagging call on an ARN that names no table is an AccessDeniedException on DynamoDB
// today (nothing allows an action on a resource that is not there).
const notAllowed = (operation: string, arn: string): string =>
  `User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:${operation} on resource: ${arn} because no resource-based policy allows the dynamodb:${operation} action`;

type Tag = { Key: string; Value: string };

const NOT_NULL = "failed to satisfy constraint: Member must not be null";
const TOO_MANY = ["ValidationException", "Number of Tags exceed the current limit for the provided ResourceArn"];

/** A fresh table and its ARN. */
async function table(prefix = "tagged"): Promise<string> {
  const name = uniqueName(prefix);
  await createHashTable(name);
  return tableArn(name);
}

async function tagsOf(arn: string): Promise<Tag[]> {
  return (await ok("ListTagsOfResource", { ResourceArn: arn })).Tags as Tag[];
}

function manyTags(count: number, prefix = "k"): Tag[] {
  return Array.from({ length: count }, (_, i) => ({ Key: `${prefix}${String(i).padStart(2, "0")}`, Value: `v${i}` }));
}

/**
 * The ARN-form checks every tagging operation makes, in DynamoDB's order; `extra` holds
 * the operation's other members (valid ones, so only the ARN is at fault).
 */
function arnValidations(operation: string, extra: Record<string, unknown>): void {
  const invalid = "One or more parameter values were invalid: ";

  it(`${operation}: rejects a missing ResourceArn`, async () => {
    expect(await fails(operation, { ...extra })).toEqual([
      "ValidationException",
      `1 validation error detected: Value null at 'resourceArn' ${NOT_NULL}`,
    ]);
  });

  it(`${operation}: rejects an empty ResourceArn`, async () => {
    expect(await fails(operation, { ResourceArn: "", ...extra })).toEqual([
      "ValidationException",
      "1 validation error detected: Value '' at 'resourceArn' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
  });

  it(`${operation}: rejects a number as ResourceArn`, async () => {
    expect(await fails(operation, { ResourceArn: 5, ...extra })).toEqual([
      "SerializationException",
      "NUMBER_VALUE cannot be converted to String",
    ]);
  });

  it(`${operation}: rejects a ResourceArn that does not start with arn:`, async () => {
    for (const arn of ["not-an-arn", "a:b:c:d:e:f/g"]) {
      expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
        "ValidationException",
        `${invalid}ARNs must start with 'arn:': ${arn}`,
      ]);
    }
  });

  it(`${operation}: rejects a table name given for the ARN`, async () => {
    const name = uniqueName("bare");
    await createHashTable(name);
    expect(await fails(operation, { ResourceArn: name, ...extra })).toEqual([
      "ValidationException",
      `${invalid}ARNs must start with 'arn:': ${name}`,
    ]);
  });

  it(`${operation}: rejects an ARN that is not a DynamoDB table's`, async () => {
    const arns = [
      "arn:aws:s3:::bucket",
      "arn:aws:sqs:us-east-1:000000000000:queue",
      "arn:aws:dynamodb:us-east-1:000000000000:global-table/abc",
      "arn:aws:dynamodb:us-east-1:000000000000:table/abc/backup/01700000000000-abcdef12",
    ];
    for (const arn of arns) {
      expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
        "ValidationException",
        `${invalid}Provided Arn is not a DynamoDB resource arn: ${arn}`,
      ]);
    }
  });

  it(`${operation}: refuses an index ARN`, async () => {
    const arn = `${tableArn("abc")}/index/byDate`;
    expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
      "ValidationException",
      `${invalid}Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}`,
    ]);
  });

  it(`${operation}: denies access to another account's table`, async () => {
    expect(await fails(operation, { ResourceArn: tableArn("abc", "us-east-1", "123456789012"), ...extra })).toEqual([
      "AccessDeniedException",
      "Access is denied",
    ]);
  });

  it(`${operation}: rejects another region's table ARN`, async () => {
    const arn = tableArn("abc", "eu-west-1");
    expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
      "ValidationException",
      `Invalid TableArn: Invalid ResourceArn provided as input ${arn}`,
    ]);
  });

  it(`${operation}: rejects an ARN whose table name DynamoDB could not have issued`, async () => {
    for (const name of ["ab", "", "a;b"]) {
      const arn = tableArn(name);
      expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
        "ValidationException",
        `Invalid TableArn: Invalid ResourceArn provided as input ${arn}`,
      ]);
    }
  });

  it(`${operation}: denies access to an ARN that names no table`, async () => {
    const arn = tableArn(uniqueName("missing"));
    expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
      "AccessDeniedException",
      notAllowed(operation, arn),
    ]);
  });

  it(`${operation}: matches the table name in the ARN case-sensitively`, async () => {
    const name = uniqueName("case");
    await createHashTable(name);
    const arn = tableArn(name.toUpperCase());
    expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
      "AccessDeniedException",
      notAllowed(operation, arn),
    ]);
  });

  it(`${operation}: treats a stream ARN as naming no resource yet`, async () => {
    const name = uniqueName("stream");
    await createHashTable(name);
    const arn = `${tableArn(name)}/stream/2024-01-01T00:00:00.000`;
    expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
      "AccessDeniedException",
      notAllowed(operation, arn),
    ]);
  });

  it(`${operation}: rejects a table that has been deleted`, async () => {
    const name = uniqueName("deleted");
    await createHashTable(name);
    await ok("DeleteTable", { TableName: name });
    const arn = tableArn(name);
    expect(await fails(operation, { ResourceArn: arn, ...extra })).toEqual([
      "AccessDeniedException",
      notAllowed(operation, arn),
    ]);
  });
}

describe("TagResource", () => {
  describe("validations", () => {
    arnValidations("TagResource", { Tags: [{ Key: "k", Value: "v" }] });

    it("TagResource: rejects missing Tags", async () => {
      expect(await fails("TagResource", { ResourceArn: await table() })).toEqual([
        "ValidationException",
        `1 validation error detected: Value null at 'tags' ${NOT_NULL}`,
      ]);
    });

    it("TagResource: reports a missing ResourceArn and missing Tags together", async () => {
      expect(await fails("TagResource", {})).toEqual([
        "ValidationException",
        `2 validation errors detected: Value null at 'resourceArn' ${NOT_NULL}; Value null at 'tags' ${NOT_NULL}`,
      ]);
    });

    it("TagResource: rejects a structure as Tags", async () => {
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: { Key: "k", Value: "v" } })).toEqual([
        "SerializationException",
        "Start of structure or map found where not expected",
      ]);
    });

    it("TagResource: rejects a number as a tag value", async () => {
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: [{ Key: "k", Value: 1 }] })).toEqual([
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
      ]);
    });

    it("TagResource: rejects an empty Tags list", async () => {
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: [] })).toEqual([
        "ValidationException",
        "Atleast one Tag needs to be provided as Input.",
      ]);
    });

    it("TagResource: checks the ARN's form before an empty list, and the list before the table", async () => {
      expect(await fails("TagResource", { ResourceArn: "a:b:c:d:e:f/g", Tags: [] })).toEqual([
        "ValidationException",
        "One or more parameter values were invalid: ARNs must start with 'arn:': a:b:c:d:e:f/g",
      ]);
      expect(await fails("TagResource", { ResourceArn: tableArn(uniqueName("missing")), Tags: [] })).toEqual([
        "ValidationException",
        "Atleast one Tag needs to be provided as Input.",
      ]);
    });

    it("TagResource: rejects a tag without a key, a null tag too", async () => {
      const arn = await table();
      for (const tag of [{}, { Value: "v" }, null]) {
        expect(await fails("TagResource", { ResourceArn: arn, Tags: [tag] })).toEqual([
          "ValidationException",
          "The Tag Key provided is invalid, Key: null",
        ]);
      }
    });

    it("TagResource: rejects a tag without a value", async () => {
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: [{ Key: "k" }] })).toEqual([
        "ValidationException",
        "The Tag Value provided is invalid, Value: null",
      ]);
    });

    it("TagResource: rejects an empty key", async () => {
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: [{ Key: "", Value: "v" }] })).toEqual([
        "ValidationException",
        "The Tag Key provided is invalid, Key: ",
      ]);
    });

    it("TagResource: rejects a key longer than 128 characters", async () => {
      const key = "k".repeat(129);
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: [{ Key: key, Value: "v" }] })).toEqual([
        "ValidationException",
        `The Tag Key provided is invalid, Key: ${key}`,
      ]);
    });

    it("TagResource: rejects a value longer than 256 characters", async () => {
      const value = "v".repeat(257);
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: [{ Key: "k", Value: value }] })).toEqual([
        "ValidationException",
        `The Tag Value provided is invalid, Value: ${value}`,
      ]);
    });

    it("TagResource: rejects characters outside letters, digits, spaces and + - = . _ : / @", async () => {
      const arn = await table();
      for (const bad of ["bad#char", "100%", "a,b", "(x)", "a&b", "a*b", "a;b", "a?b", "a|b", "<a>", "~a", "🔑"]) {
        expect(await fails("TagResource", { ResourceArn: arn, Tags: [{ Key: bad, Value: "v" }] })).toEqual([
          "ValidationException",
          `The Tag Key provided is invalid, Key: ${bad}`,
        ]);
        expect(await fails("TagResource", { ResourceArn: arn, Tags: [{ Key: "k", Value: bad }] })).toEqual([
          "ValidationException",
          `The Tag Value provided is invalid, Value: ${bad}`,
        ]);
      }
    });

    it("TagResource: rejects a key with the reserved aws: prefix, in any case", async () => {
      const arn = await table();
      for (const key of ["aws:foo", "AWS:foo", "Aws:"]) {
        expect(await fails("TagResource", { ResourceArn: arn, Tags: [{ Key: key, Value: "v" }] })).toEqual([
          "ValidationException",
          `Tag Key cannot be prefixed with aws:, Key: ${key}`,
        ]);
      }
    });

    it("TagResource: rejects the same key twice in one request", async () => {
      const tags = [
        { Key: "dup", Value: "1" },
        { Key: "dup", Value: "2" },
      ];
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: tags })).toEqual([
        "ValidationException",
        "Duplicate Tag Keys provided as input: Duplicate Tag Key found dup",
      ]);
    });

    it("TagResource: rejects more than 50 tags in one request", async () => {
      expect(await fails("TagResource", { ResourceArn: await table(), Tags: manyTags(51) })).toEqual(TOO_MANY);
    });

    it("TagResource: rejects a new key once the table has 50 tags", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(50) });
      expect(await fails("TagResource", { ResourceArn: arn, Tags: [{ Key: "k50", Value: "v" }] })).toEqual(TOO_MANY);
      // Overwriting one key and adding another still makes 51.
      expect(
        await fails("TagResource", {
          ResourceArn: arn,
          Tags: [
            { Key: "k00", Value: "new" },
            { Key: "k50", Value: "v" },
          ],
        }),
      ).toEqual(TOO_MANY);
      expect(await tagsOf(arn)).toEqual(manyTags(50));
    });

    it("TagResource: applies nothing of a request with one bad tag", async () => {
      const arn = await table();
      const mixed = [
        [
          { Key: "good", Value: "v" },
          { Key: "x".repeat(129), Value: "v" },
        ],
        [
          { Key: "good", Value: "v" },
          { Key: "aws:zzz", Value: "v" },
        ],
        [
          { Key: "good", Value: "v" },
          { Key: "bad", Value: "#" },
        ],
      ];
      for (const tags of mixed)
        expect((await fails("TagResource", { ResourceArn: arn, Tags: tags }))[0]).toBe("ValidationException");
      expect(await tagsOf(arn)).toEqual([]);
    });
  });

  describe("functionality", () => {
    it("TagResource: adds tags that ListTagsOfResource then reports", async () => {
      const arn = await table();
      const result = await wire("TagResource", {
        ResourceArn: arn,
        Tags: [
          { Key: "env", Value: "test" },
          { Key: "owner", Value: "me" },
        ],
      });
      // Over HTTP DynamoDB answers with an empty body, not `{}` (Alternator's test_tag.py, run against AWS).
      expect([result.status, result.text]).toEqual([200, isHttpDoor() ? "" : "{}"]);
      expect(await tagsOf(arn)).toEqual([
        { Key: "env", Value: "test" },
        { Key: "owner", Value: "me" },
      ]);
    });

    it("TagResource: overwrites the value of a key the table already has", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: [{ Key: "k", Value: "v1" }] });
      await ok("TagResource", { ResourceArn: arn, Tags: [{ Key: "k", Value: "v2" }] });
      expect(await tagsOf(arn)).toEqual([{ Key: "k", Value: "v2" }]);
    });

    it("TagResource: adds to the tags a table was created with", async () => {
      const name = uniqueName("created");
      await ok("CreateTable", {
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        Tags: [{ Key: "a", Value: "1" }],
      });
      await ok("TagResource", { ResourceArn: tableArn(name), Tags: [{ Key: "b", Value: "2" }] });
      expect(await tagsOf(tableArn(name))).toEqual([
        { Key: "a", Value: "1" },
        { Key: "b", Value: "2" },
      ]);
    });

    it("TagResource: accepts empty values, case-distinct keys, Unicode letters and the allowed punctuation", async () => {
      const arn = await table();
      const tags = [
        { Key: " lead", Value: "a b+c-d=e.f_g:h/i@j" },
        { Key: "Env", Value: "" },
        { Key: "env", Value: "x" },
        { Key: "myaws:foo", Value: "1" },
        { Key: "ключ", Value: "café 表" },
      ];
      await ok("TagResource", { ResourceArn: arn, Tags: tags });
      expect(await tagsOf(arn)).toEqual(tags);
    });

    it("TagResource: accepts a 128-character key, a 256-character value and 50 tags", async () => {
      const arn = await table();
      const long = { Key: "k".repeat(128), Value: "v".repeat(256) };
      // Letters outside ASCII count as one character each.
      const wide = { Key: "א".repeat(128), Value: "א".repeat(256) };
      await ok("TagResource", { ResourceArn: arn, Tags: [long, wide] });
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(48) });
      expect(await tagsOf(arn)).toHaveLength(50);
      // Overwriting existing keys at the limit is fine.
      await ok("TagResource", { ResourceArn: arn, Tags: [{ Key: "k00", Value: "changed" }] });
      expect(await tagsOf(arn)).toContainEqual({ Key: "k00", Value: "changed" });
    });

    it("TagResource: does not carry tags over to a re-created table", async () => {
      const name = uniqueName("recreated");
      await createHashTable(name);
      await ok("TagResource", { ResourceArn: tableArn(name), Tags: [{ Key: "k", Value: "v" }] });
      await ok("DeleteTable", { TableName: name });
      await createHashTable(name);
      expect(await tagsOf(tableArn(name))).toEqual([]);
    });
  });
});

describe("UntagResource", () => {
  describe("validations", () => {
    arnValidations("UntagResource", { TagKeys: ["k"] });

    it("UntagResource: rejects missing TagKeys", async () => {
      expect(await fails("UntagResource", { ResourceArn: await table() })).toEqual([
        "ValidationException",
        `1 validation error detected: Value null at 'tagKeys' ${NOT_NULL}`,
      ]);
    });

    it("UntagResource: rejects a string as TagKeys", async () => {
      expect(await fails("UntagResource", { ResourceArn: await table(), TagKeys: "k" })).toEqual([
        "SerializationException",
        "Unexpected field type",
      ]);
    });

    it("UntagResource: rejects an empty TagKeys list", async () => {
      expect(await fails("UntagResource", { ResourceArn: await table(), TagKeys: [] })).toEqual([
        "ValidationException",
        "Atleast one Tag Key needs to be provided as Input.",
      ]);
    });

    it("UntagResource: rejects an empty key", async () => {
      expect(await fails("UntagResource", { ResourceArn: await table(), TagKeys: [""] })).toEqual([
        "ValidationException",
        "The Tag Key provided is invalid, Key: ",
      ]);
    });

    it("UntagResource: rejects a key longer than 128 characters", async () => {
      const key = "k".repeat(129);
      expect(await fails("UntagResource", { ResourceArn: await table(), TagKeys: [key] })).toEqual([
        "ValidationException",
        `The Tag Key provided is invalid, Key: ${key}`,
      ]);
    });

    it("UntagResource: rejects a key with the reserved aws: prefix", async () => {
      expect(await fails("UntagResource", { ResourceArn: await table(), TagKeys: ["aws:foo"] })).toEqual([
        "ValidationException",
        "Tag Key cannot be prefixed with aws:, Key: aws:foo",
      ]);
    });

    it("UntagResource: rejects more than 50 keys", async () => {
      const keys = manyTags(51).map((t) => t.Key);
      expect(await fails("UntagResource", { ResourceArn: await table(), TagKeys: keys })).toEqual(TOO_MANY);
    });

    it("UntagResource: removes nothing when a request is rejected", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] });
      await fails("UntagResource", { ResourceArn: arn, TagKeys: ["k", "aws:x"] });
      expect(await tagsOf(arn)).toEqual([{ Key: "k", Value: "v" }]);
    });
  });

  describe("functionality", () => {
    it("UntagResource: removes the named keys", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(3) });
      const result = await wire("UntagResource", { ResourceArn: arn, TagKeys: ["k00", "k02"] });
      expect([result.status, result.text]).toEqual([200, isHttpDoor() ? "" : "{}"]);
      expect(await tagsOf(arn)).toEqual([{ Key: "k01", Value: "v1" }]);
    });

    it("UntagResource: ignores keys the table does not have", async () => {
      const arn = await table();
      await ok("TagResource", {
        ResourceArn: arn,
        Tags: [
          { Key: "keep", Value: "v" },
          { Key: "drop", Value: "v" },
        ],
      });
      await ok("UntagResource", { ResourceArn: arn, TagKeys: ["absent"] });
      await ok("UntagResource", { ResourceArn: arn, TagKeys: ["absent", "drop", "DROP"] });
      expect(await tagsOf(arn)).toEqual([{ Key: "keep", Value: "v" }]);
    });

    it("UntagResource: frees room under the 50-tag limit", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(50) });
      await ok("UntagResource", { ResourceArn: arn, TagKeys: ["k00"] });
      await ok("TagResource", { ResourceArn: arn, Tags: [{ Key: "new", Value: "v" }] });
      expect(await tagsOf(arn)).toHaveLength(50);
    });
  });
});

describe("ListTagsOfResource", () => {
  describe("validations", () => {
    arnValidations("ListTagsOfResource", {});

    it("ListTagsOfResource: rejects a number as NextToken", async () => {
      expect(await fails("ListTagsOfResource", { ResourceArn: await table(), NextToken: 1 })).toEqual([
        "SerializationException",
        "NUMBER_VALUE cannot be converted to String",
      ]);
    });
  });

  describe("functionality", () => {
    it("ListTagsOfResource: reports an empty list for an untagged table", async () => {
      expect(await ok("ListTagsOfResource", { ResourceArn: await table() })).toEqual({ Tags: [] });
    });

    it("ListTagsOfResource: lists tags in key order", async () => {
      const arn = await table();
      await ok("TagResource", {
        ResourceArn: arn,
        Tags: [
          { Key: "b", Value: "2" },
          { Key: "a", Value: "1" },
          { Key: "C", Value: "3" },
        ],
      });
      expect(await tagsOf(arn)).toEqual([
        { Key: "C", Value: "3" },
        { Key: "a", Value: "1" },
        { Key: "b", Value: "2" },
      ]);
    });

    it("ListTagsOfResource: returns all 50 tags in one page, without a NextToken", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(50) });
      expect(await ok("ListTagsOfResource", { ResourceArn: arn })).toEqual({ Tags: manyTags(50) });
    });

    it("ListTagsOfResource: ignores a NextToken it cannot read and starts from the first tag", async () => {
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(3) });
      for (const token of ["not base64!", "", "//79"]) {
        expect(await ok("ListTagsOfResource", { ResourceArn: arn, NextToken: token })).toEqual({ Tags: manyTags(3) });
      }
    });

    it("ListTagsOfResource: continues after the tag a NextToken stands for", async () => {
      // A NextToken is the last key of the previous page, base64-encoded (see
      // list-tags-of-resource.ts); a table never has more than one page, so no call returns
      // one, but a client that passes one back gets the tags after it.
      const arn = await table();
      await ok("TagResource", { ResourceArn: arn, Tags: manyTags(4) });
      expect(await ok("ListTagsOfResource", { ResourceArn: arn, NextToken: btoa("k01") })).toEqual({
        Tags: manyTags(4).slice(2),
      });
    });
  });
});
