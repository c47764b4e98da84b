import { describe, it, expect } from "vitest";
import { DynamoError, type DynamoErrorType } from "../src/errors";
import type { AttributeValue, Item } from "../src/types";
import { attributeValueSize, checkItemSize, checkKeySizes, itemSize, keySize, utf8Length } from "../src/values/size";
import { checkKeyAttribute, validateAttributeValue, validateItem, validateKeyValues } from "../src/values/validate";

function caught(fn: () => unknown): DynamoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DynamoError) return e;
    throw e;
  }
  throw new Error("expected a DynamoError, nothing was thrown");
}

function expectError(fn: () => unknown, type: DynamoErrorType, message: string): void {
  const e = caught(fn);
  expect(e).toBeInstanceOf(DynamoError);
  expect(e.type).toBe(type);
  expect(e.message).toBe(message);
}

const rejectsValue = (v: unknown, message: string): void =>
  expectError(() => validateAttributeValue(v), "ValidationException", message);
const unserializable = (v: unknown, message: string): void =>
  expectError(() => validateAttributeValue(v), "SerializationException", message);

const EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
const MULTIPLE =
  "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
const NESTING =
  "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

/** `wraps` M levels around a string: wraps + 1 levels in all. */
function nestedMaps(wraps: number): AttributeValue {
  let v: AttributeValue = { S: "leaf" };
  for (let i = 0; i < wraps; i++) v = { M: { n: v } };
  return v;
}

describe("AttributeValue validation", () => {
  it("AttributeValue: rejects an empty value", () => {
    rejectsValue({}, EMPTY);
  });

  it("AttributeValue: rejects a value with only unknown members", () => {
    rejectsValue({ a: "" }, EMPTY);
    rejectsValue({ X: { S: "a" } }, EMPTY);
  });

  it("AttributeValue: rejects a JSON null as an empty value", () => {
    rejectsValue(null, EMPTY);
    // A member that is null is absent, as Coral reads it.
    rejectsValue({ S: null }, EMPTY);
  });

  it("AttributeValue: rejects an empty value nested in M and L", () => {
    rejectsValue({ M: { a: {} } }, EMPTY);
    rejectsValue({ L: [{ S: "x" }, {}] }, EMPTY);
    rejectsValue({ L: [{ a: {} }] }, EMPTY);
  });

  it("AttributeValue: rejects more than one datatype", () => {
    rejectsValue({ S: "a", N: "1" }, MULTIPLE);
    rejectsValue({ NULL: true, BOOL: false }, MULTIPLE);
  });

  it("AttributeValue: reports a member's fault before more than one datatype", () => {
    rejectsValue({ S: "a", N: "x" }, "The parameter cannot be converted to a numeric value: x");
    rejectsValue(
      { S: "a", NULL: false },
      "One or more parameter values were invalid: Null attribute value types must have the value of true",
    );
  });

  it("AttributeValue: rejects NULL false", () => {
    rejectsValue(
      { NULL: false },
      "One or more parameter values were invalid: Null attribute value types must have the value of true",
    );
  });

  it("AttributeValue: accepts NULL true and both booleans", () => {
    expect(validateAttributeValue({ NULL: true })).toEqual({ NULL: true });
    expect(validateAttributeValue({ BOOL: false })).toEqual({ BOOL: false });
    expect(validateAttributeValue({ BOOL: true })).toEqual({ BOOL: true });
  });

  it("AttributeValue: rejects an empty string set", () => {
    rejectsValue({ SS: [] }, "One or more parameter values were invalid: An string set  may not be empty");
  });

  it("AttributeValue: rejects an empty number set", () => {
    rejectsValue({ NS: [] }, "One or more parameter values were invalid: An number set  may not be empty");
  });

  it("AttributeValue: rejects an empty binary set", () => {
    rejectsValue({ BS: [] }, "One or more parameter values were invalid: Binary sets should not be empty");
  });

  it("AttributeValue: rejects duplicates in a string set", () => {
    rejectsValue(
      { SS: ["a", "b", "a"] },
      "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.",
    );
  });

  it("AttributeValue: rejects numerically equal members of a number set", () => {
    rejectsValue({ NS: ["1", "1"] }, "Input collection contains duplicates");
    rejectsValue({ NS: ["1", "1.0"] }, "Input collection contains duplicates");
    rejectsValue({ NS: ["100", "1e2"] }, "Input collection contains duplicates");
  });

  it("AttributeValue: rejects duplicates in a binary set", () => {
    rejectsValue(
      { BS: ["Yg==", "Yg=="] },
      "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.",
    );
  });

  it("AttributeValue: rejects an invalid number, also inside NS", () => {
    rejectsValue({ N: "b" }, "The parameter cannot be converted to a numeric value: b");
    rejectsValue({ N: "" }, "The parameter cannot be converted to a numeric value");
    rejectsValue({ NS: ["1", "b"] }, "The parameter cannot be converted to a numeric value: b");
    rejectsValue(
      { N: "1e126" },
      "Number overflow. Attempting to store a number with magnitude larger than supported range",
    );
  });

  it("AttributeValue: normalises N and NS and leaves the input untouched", () => {
    const input = { L: [{ N: "01.50" }, { NS: ["1e2", "-0.0", "2.50"] }, { M: { n: { N: "+7" } } }] };
    const copy = structuredClone(input);
    expect(validateAttributeValue(input)).toEqual({
      L: [{ N: "1.5" }, { NS: ["100", "0", "2.5"] }, { M: { n: { N: "7" } } }],
    });
    expect(input).toEqual(copy);
  });

  it("AttributeValue: allows empty strings and binaries outside keys", () => {
    expect(validateAttributeValue({ S: "" })).toEqual({ S: "" });
    expect(validateAttributeValue({ B: "" })).toEqual({ B: "" });
    expect(validateAttributeValue({ SS: [""] })).toEqual({ SS: [""] });
    expect(validateAttributeValue({ BS: [""] })).toEqual({ BS: [""] });
    expect(validateAttributeValue({ M: { a: { S: "" } } })).toEqual({ M: { a: { S: "" } } });
  });

  it("AttributeValue: accepts empty L and M", () => {
    expect(validateAttributeValue({ L: [] })).toEqual({ L: [] });
    expect(validateAttributeValue({ M: {} })).toEqual({ M: {} });
  });

  it("AttributeValue: accepts 32 nesting levels", () => {
    // 31 maps around a string: the string is at level 32.
    expect(validateAttributeValue(nestedMaps(31))).toEqual(nestedMaps(31));
  });

  it("AttributeValue: rejects more than 32 nesting levels", () => {
    rejectsValue(nestedMaps(32), NESTING);
    let list: AttributeValue = { N: "1" };
    for (let i = 0; i < 32; i++) list = { L: [list] };
    rejectsValue(list, NESTING);
  });
});

describe("AttributeValue deserialisation", () => {
  it("AttributeValue: rejects a value that is not a structure", () => {
    unserializable("a", "Unexpected value type in payload");
    unserializable(5, "Unexpected value type in payload");
    unserializable(true, "Unexpected value type in payload");
    unserializable([], "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue");
    unserializable({ L: [5] }, "Unexpected value type in payload");
    unserializable({ M: { a: "x" } }, "Unexpected value type in payload");
  });

  it("AttributeValue: rejects a non-string S or N", () => {
    unserializable({ S: 5 }, "NUMBER_VALUE cannot be converted to String");
    unserializable({ S: 1.5 }, "DECIMAL_VALUE cannot be converted to String");
    unserializable({ S: true }, "TRUE_VALUE cannot be converted to String");
    unserializable({ N: false }, "FALSE_VALUE cannot be converted to String");
    unserializable({ N: 5 }, "NUMBER_VALUE cannot be converted to String");
    unserializable({ S: ["a"] }, "Unrecognized collection type class java.lang.String");
    unserializable({ S: {} }, "Start of structure or map found where not expected");
    unserializable({ SS: ["a", 1] }, "NUMBER_VALUE cannot be converted to String");
    unserializable({ NS: [true] }, "TRUE_VALUE cannot be converted to String");
  });

  it("AttributeValue: rejects a non-boolean BOOL or NULL", () => {
    unserializable({ BOOL: "x" }, "Unexpected token received from parser");
    unserializable({ NULL: "23" }, "Unexpected token received from parser");
    unserializable({ BOOL: 1 }, "NUMBER_VALUE cannot be converted to Boolean");
    unserializable({ BOOL: 0.5 }, "DECIMAL_VALUE cannot be converted to Boolean");
    unserializable({ BOOL: [] }, "Unrecognized collection type class java.lang.Boolean");
    unserializable({ NULL: {} }, "Start of structure or map found where not expected");
  });

  it("AttributeValue: reads the boolean words as strings", () => {
    expect(validateAttributeValue({ BOOL: "TRUE" })).toEqual({ BOOL: true });
    expect(validateAttributeValue({ BOOL: "false" })).toEqual({ BOOL: false });
    rejectsValue(
      { NULL: "false" },
      "One or more parameter values were invalid: Null attribute value types must have the value of true",
    );
  });

  it("AttributeValue: rejects a B that is not base64", () => {
    unserializable({ B: "not base64!" }, "Base64 encoded length is expected a multiple of 4 bytes but found: 11");
    unserializable({ B: "23456" }, "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
    unserializable({ B: "+/+=" }, "Invalid last non-pad Base64 character dectected");
    unserializable({ B: "=+/=" }, "Invalid last non-pad Base64 character dectected");
    unserializable({ BS: ["YQ==", "abc"] }, "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
  });

  it("AttributeValue: rejects a non-string B", () => {
    unserializable({ B: 5 }, "only base-64-encoded strings are convertible to bytes");
    unserializable({ B: true }, "only base-64-encoded strings are convertible to bytes");
    unserializable({ B: [] }, "Unrecognized collection type class java.nio.ByteBuffer");
    unserializable({ BS: [{}] }, "Start of structure or map found where not expected");
  });

  it("AttributeValue: rejects a set or list that is not a list", () => {
    unserializable({ SS: "a" }, "Unexpected field type");
    unserializable({ NS: 1 }, "Unexpected field type");
    unserializable({ BS: true }, "Unexpected field type");
    unserializable({ L: "a" }, "Unexpected field type");
    unserializable({ SS: {} }, "Start of structure or map found where not expected");
    unserializable({ L: {} }, "Start of structure or map found where not expected");
  });

  it("AttributeValue: rejects an M that is not a map", () => {
    unserializable({ M: "a" }, "Unexpected field type");
    unserializable({ M: 5 }, "Unexpected field type");
    unserializable(
      { M: [] },
      "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>",
    );
  });

  it("AttributeValue: reports a serialisation fault before any validation fault", () => {
    unserializable({ NULL: false, S: 5 }, "NUMBER_VALUE cannot be converted to String");
    expectError(
      () => validateItem({ a: { SS: [] }, b: { BOOL: "x" } }),
      "SerializationException",
      "Unexpected token received from parser",
    );
  });
});

describe("Item validation", () => {
  it("Item: validates and normalises every attribute", () => {
    const item = validateItem({ id: { S: "x" }, n: { N: "1.0" }, tags: { SS: ["a", "b"] } });
    expect(item).toEqual({ id: { S: "x" }, n: { N: "1" }, tags: { SS: ["a", "b"] } });
  });

  it("Item: rejects an empty attribute name", () => {
    expectError(
      () => validateItem({ "": { S: "x" } }),
      "ValidationException",
      "One or more parameter values were invalid: Empty attribute name",
    );
  });

  it("Item: keeps an attribute named __proto__ as an own attribute", () => {
    const item = validateItem(JSON.parse('{"__proto__": {"S": "x"}}'));
    expect(Object.keys(item)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
  });

  it("Item: rejects an item that is not a map", () => {
    expectError(() => validateItem("a"), "SerializationException", "Unexpected field type");
    expectError(
      () => validateItem([]),
      "SerializationException",
      "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>",
    );
  });

  it("Item: rejects a missing item", () => {
    expectError(
      () => validateItem(undefined),
      "ValidationException",
      "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
    );
  });

  it("Item: wraps ExpressionAttributeValues faults with the placeholder", () => {
    expectError(
      () => validateItem({ ":v": { SS: [] } }, "ExpressionAttributeValues"),
      "ValidationException",
      "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v",
    );
    expectError(
      () => validateItem({ ":v": nestedMaps(32) }, "ExpressionAttributeValues"),
      "ValidationException",
      NESTING,
    );
  });
});

describe("Key attribute checks", () => {
  it("Key: rejects a type mismatch in an item", () => {
    expectError(
      () => checkKeyAttribute("pk", { N: "1" }, "S"),
      "ValidationException",
      "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
    );
    expectError(
      () => checkKeyAttribute("pk", { SS: ["a"] }, "B"),
      "ValidationException",
      "One or more parameter values were invalid: Type mismatch for key pk expected: B actual: SS",
    );
  });

  it("Key: rejects a missing key in an item", () => {
    expectError(
      () => checkKeyAttribute("pk", undefined, "S"),
      "ValidationException",
      "One or more parameter values were invalid: Missing the key pk in the item",
    );
  });

  it("Key: rejects a mistyped or missing attribute of a Key parameter as a schema mismatch", () => {
    const mismatch = "The provided key element does not match the schema";
    expectError(() => checkKeyAttribute("pk", { N: "1" }, "S", "key"), "ValidationException", mismatch);
    expectError(() => checkKeyAttribute("pk", undefined, "S", "key"), "ValidationException", mismatch);
    expectError(
      () => validateKeyValues({ pk: { S: "a" }, x: { S: "b" } }, { name: "pk", type: "S" }, undefined),
      "ValidationException",
      mismatch,
    );
  });

  it("Key: rejects an empty string key value", () => {
    expectError(
      () => checkKeyAttribute("pk", { S: "" }, "S"),
      "ValidationException",
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    );
  });

  it("Key: rejects an empty binary key value", () => {
    expectError(
      () => checkKeyAttribute("sk", { B: "" }, "B", "key"),
      "ValidationException",
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk",
    );
  });

  it("Key: accepts valid key values", () => {
    const hash = { name: "pk", type: "S" } as const;
    const range = { name: "sk", type: "N" } as const;
    expect(() => validateKeyValues({ pk: { S: "a" }, sk: { N: "1" } }, hash, range)).not.toThrow();
    expect(() =>
      validateKeyValues({ pk: { S: "a" }, sk: { N: "1" }, other: { BOOL: true } }, hash, range, "item"),
    ).not.toThrow();
  });

  it("Key: rejects a partition key value over 2048 bytes", () => {
    const message =
      "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes";
    expect(() => checkKeySizes({ S: "a".repeat(2048) })).not.toThrow();
    expectError(() => checkKeySizes({ S: "a".repeat(2049) }), "ValidationException", message);
    // "é" is 2 UTF-8 bytes: 1025 of them are 2050 bytes.
    expectError(() => checkKeySizes({ S: "é".repeat(1025) }), "ValidationException", message);
    // 1539 zero bytes are 2052 base64 characters and 1539 raw bytes: fine.
    expect(() => checkKeySizes({ B: "A".repeat(2052) })).not.toThrow();
    expectError(
      () => validateKeyValues({ pk: { S: "a".repeat(2049) } }, { name: "pk", type: "S" }, undefined),
      "ValidationException",
      message,
    );
  });

  it("Key: rejects a sort key value over 1024 bytes", () => {
    const message =
      "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes";
    expect(() => checkKeySizes({ S: "a" }, { S: "b".repeat(1024) })).not.toThrow();
    expectError(() => checkKeySizes({ S: "a" }, { S: "b".repeat(1025) }), "ValidationException", message);
    // 1368 base64 characters decode to 1026 bytes.
    expectError(() => checkKeySizes({ S: "a" }, { B: "A".repeat(1368) }), "ValidationException", message);
  });
});

describe("Item sizes", () => {
  it("Size: S counts UTF-8 bytes", () => {
    // h(1) é(2) l(1) l(1) o(1) = 6; "😀" is one surrogate pair, 4 bytes.
    expect(attributeValueSize({ S: "héllo" })).toBe(6);
    expect(attributeValueSize({ S: "😀" })).toBe(4);
    expect(attributeValueSize({ S: "" })).toBe(0);
    expect(utf8Length("€")).toBe(3);
  });

  it("Size: N counts 1 byte per two significant digits plus 1", () => {
    // 12345: 3 digit pairs (1|23|45) + 1 = 4; 123: 2 pairs (1|23) + 1 = 3.
    expect(attributeValueSize({ N: "12345" })).toBe(4);
    expect(attributeValueSize({ N: "123" })).toBe(3);
  });

  it("Size: B counts decoded bytes", () => {
    // "YWJj" is "abc" (3 bytes), "YQ==" is "a" (1), "YWI=" is "ab" (2).
    expect(attributeValueSize({ B: "YWJj" })).toBe(3);
    expect(attributeValueSize({ B: "YQ==" })).toBe(1);
    expect(attributeValueSize({ B: "YWI=" })).toBe(2);
    expect(attributeValueSize({ B: "" })).toBe(0);
  });

  it("Size: BOOL and NULL count 1 byte", () => {
    expect(attributeValueSize({ BOOL: false })).toBe(1);
    expect(attributeValueSize({ NULL: true })).toBe(1);
  });

  it("Size: sets count the sum of their members", () => {
    // "a" 1 + "bc" 2 = 3.
    expect(attributeValueSize({ SS: ["a", "bc"] })).toBe(3);
    // "123" 3 + "12345" 4 = 7.
    expect(attributeValueSize({ NS: ["123", "12345"] })).toBe(7);
    // "a" 1 + "abc" 3 = 4.
    expect(attributeValueSize({ BS: ["YQ==", "YWJj"] })).toBe(4);
  });

  it("Size: L counts 3 bytes plus 1 byte and the size of each element", () => {
    expect(attributeValueSize({ L: [] })).toBe(3);
    // 3 + (1 + "ab" 2) + (1 + 123 3) + (1 + BOOL 1) = 12.
    expect(attributeValueSize({ L: [{ S: "ab" }, { N: "123" }, { BOOL: true }] })).toBe(12);
  });

  it("Size: M counts 3 bytes plus 1 byte, the name and the size of each element", () => {
    expect(attributeValueSize({ M: {} })).toBe(3);
    // 3 + (1 + "x" 1 + "ab" 2) + (1 + "yz" 2 + BOOL 1) = 11.
    expect(attributeValueSize({ M: { x: { S: "ab" }, yz: { BOOL: true } } })).toBe(11);
    // Nested: outer 3 + (1 + "m" 1 + inner (3 + 1 + "k" 1 + NULL 1 = 6)) = 11.
    expect(attributeValueSize({ M: { m: { M: { k: { NULL: true } } } } })).toBe(11);
  });

  it("Size: an item is the sum of its names and values", () => {
    const item: Item = {
      id: { S: "abc" }, // 2 + 3 = 5
      n: { N: "12345" }, // 1 + 4 = 5
      é: { B: "YWJj" }, // 2 + 3 = 5
      list: { L: [{ S: "ab" }] }, // 4 + (3 + 1 + 2) = 10
    };
    expect(itemSize(item)).toBe(25);
  });

  it("Size: a key value counts its bytes only", () => {
    expect(keySize({ S: "héllo" })).toBe(6);
    expect(keySize({ B: "YWJj" })).toBe(3);
    expect(keySize({ N: "12345" })).toBe(4);
  });

  it("Size: rejects an item over 400 KB", () => {
    // Name "a" (1) + 409,599 bytes = 409,600 = 400 KB exactly: allowed.
    expect(() => checkItemSize({ a: { S: "x".repeat(409_599) } })).not.toThrow();
    expectError(
      () => checkItemSize({ a: { S: "x".repeat(409_600) } }),
      "ValidationException",
      "Item size has exceeded the maximum allowed size",
    );
  });
});
