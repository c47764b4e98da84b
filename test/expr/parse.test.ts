// The expression grammar and its wrappers: ASTs per rule, DynamoDB's error messages,
// the cache, and property tests (print/parse round trips; no input escapes as anything
// but a ValidationException).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DynamoError } from "../../src/errors";
import {
  factory as f,
  type Comparator,
  type ConditionNode,
  type OperandNode,
  type PathElement,
  type PathNode,
  type ProjectionNode,
  type UpdateClause,
  type UpdateNode,
} from "../../src/expr/ast";
import {
  MAX_EXPRESSION_BYTES,
  MAX_NESTING,
  parseCache,
  parseCondition,
  parseKeyCondition,
  parseProjection,
  parseUpdate,
  utf8Length,
} from "../../src/expr/parse";
import { printCondition, printProjection, printUpdate } from "../support/print";
import { checkReservedWords, isReservedWord, RESERVED_WORDS } from "../../src/expr/reserved-words";
import type { ExpressionKind } from "../../src/expr/ast";

const cond = (text: string) => parseCondition(text, "ConditionExpression");

/** The message of the DynamoError `run` throws (fails the test if it throws nothing). */
function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DynamoError);
    expect((error as DynamoError).type).toBe("ValidationException");
    return (error as DynamoError).message;
  }
  throw new Error("expected a ValidationException");
}

const parsers: Record<ExpressionKind, (text: string) => unknown> = {
  ConditionExpression: (t) => parseCondition(t, "ConditionExpression"),
  FilterExpression: (t) => parseCondition(t, "FilterExpression"),
  KeyConditionExpression: (t) => parseKeyCondition(t),
  SearchConditionExpression: (t) => parseCondition(t, "SearchConditionExpression"),
  ProjectionExpression: (t) => parseProjection(t),
  UpdateExpression: (t) => parseUpdate(t),
};

describe("document paths", () => {
  it("reads names, placeholders, nested names and list indexes", () => {
    expect(parseProjection("a, #b, a.b.c, a[1][2], #a[0].b, a . #b [ 3 ] . c")).toMatchInlineSnapshot(`
      {
        "kind": "projection",
        "paths": [
          {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "placeholder",
                "name": "#b",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
              {
                "kind": "name",
                "name": "b",
              },
              {
                "kind": "name",
                "name": "c",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
              {
                "index": 1,
                "kind": "index",
              },
              {
                "index": 2,
                "kind": "index",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "placeholder",
                "name": "#a",
              },
              {
                "index": 0,
                "kind": "index",
              },
              {
                "kind": "name",
                "name": "b",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
              {
                "kind": "placeholder",
                "name": "#b",
              },
              {
                "index": 3,
                "kind": "index",
              },
              {
                "kind": "name",
                "name": "c",
              },
            ],
            "kind": "path",
          },
        ],
      }
    `);
  });

  it("reads names with digits and underscores after the first letter", () => {
    expect(parseProjection("Alpha_Numeric_123, A123_, #_, #123, a_")).toMatchInlineSnapshot(`
      {
        "kind": "projection",
        "paths": [
          {
            "elements": [
              {
                "kind": "name",
                "name": "Alpha_Numeric_123",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "name",
                "name": "A123_",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "placeholder",
                "name": "#_",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "placeholder",
                "name": "#123",
              },
            ],
            "kind": "path",
          },
          {
            "elements": [
              {
                "kind": "name",
                "name": "a_",
              },
            ],
            "kind": "path",
          },
        ],
      }
    `);
  });
});

describe("conditions", () => {
  it("reads each comparator", () => {
    expect(cond("a = :v AND a <> :v AND a < :v AND a <= :v AND a > :v AND a >= :v")).toMatchInlineSnapshot(`
      {
        "kind": "and",
        "left": {
          "kind": "and",
          "left": {
            "kind": "and",
            "left": {
              "kind": "and",
              "left": {
                "kind": "and",
                "left": {
                  "kind": "compare",
                  "left": {
                    "elements": [
                      {
                        "kind": "name",
                        "name": "a",
                      },
                    ],
                    "kind": "path",
                  },
                  "op": "=",
                  "right": {
                    "kind": "value",
                    "name": ":v",
                  },
                },
                "right": {
                  "kind": "compare",
                  "left": {
                    "elements": [
                      {
                        "kind": "name",
                        "name": "a",
                      },
                    ],
                    "kind": "path",
                  },
                  "op": "<>",
                  "right": {
                    "kind": "value",
                    "name": ":v",
                  },
                },
              },
              "right": {
                "kind": "compare",
                "left": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "a",
                    },
                  ],
                  "kind": "path",
                },
                "op": "<",
                "right": {
                  "kind": "value",
                  "name": ":v",
                },
              },
            },
            "right": {
              "kind": "compare",
              "left": {
                "elements": [
                  {
                    "kind": "name",
                    "name": "a",
                  },
                ],
                "kind": "path",
              },
              "op": "<=",
              "right": {
                "kind": "value",
                "name": ":v",
              },
            },
          },
          "right": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
            },
            "op": ">",
            "right": {
              "kind": "value",
              "name": ":v",
            },
          },
        },
        "right": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
            ],
            "kind": "path",
          },
          "op": ">=",
          "right": {
            "kind": "value",
            "name": ":v",
          },
        },
      }
    `);
  });

  it("reads BETWEEN and IN", () => {
    expect(cond("a BETWEEN :lo AND :hi")).toMatchInlineSnapshot(`
      {
        "high": {
          "kind": "value",
          "name": ":hi",
        },
        "kind": "between",
        "low": {
          "kind": "value",
          "name": ":lo",
        },
        "operand": {
          "elements": [
            {
              "kind": "name",
              "name": "a",
            },
          ],
          "kind": "path",
        },
      }
    `);
    expect(cond("a IN (:x, b.c, size(d))")).toMatchInlineSnapshot(`
      {
        "kind": "in",
        "list": [
          {
            "kind": "value",
            "name": ":x",
          },
          {
            "elements": [
              {
                "kind": "name",
                "name": "b",
              },
              {
                "kind": "name",
                "name": "c",
              },
            ],
            "kind": "path",
          },
          {
            "args": [
              {
                "elements": [
                  {
                    "kind": "name",
                    "name": "d",
                  },
                ],
                "kind": "path",
              },
            ],
            "kind": "call",
            "name": "size",
          },
        ],
        "operand": {
          "elements": [
            {
              "kind": "name",
              "name": "a",
            },
          ],
          "kind": "path",
        },
      }
    `);
  });

  it("binds comparisons tighter than NOT, NOT tighter than AND, AND tighter than OR", () => {
    expect(cond("a = :a OR b = :b AND NOT c = :c")).toMatchInlineSnapshot(`
      {
        "kind": "or",
        "left": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
            ],
            "kind": "path",
          },
          "op": "=",
          "right": {
            "kind": "value",
            "name": ":a",
          },
        },
        "right": {
          "kind": "and",
          "left": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "b",
                },
              ],
              "kind": "path",
            },
            "op": "=",
            "right": {
              "kind": "value",
              "name": ":b",
            },
          },
          "right": {
            "kind": "not",
            "operand": {
              "kind": "compare",
              "left": {
                "elements": [
                  {
                    "kind": "name",
                    "name": "c",
                  },
                ],
                "kind": "path",
              },
              "op": "=",
              "right": {
                "kind": "value",
                "name": ":c",
              },
            },
          },
        },
      }
    `);
  });

  it("associates AND and OR to the left", () => {
    expect(cond("a = :a AND b = :b AND c = :c")).toMatchInlineSnapshot(`
      {
        "kind": "and",
        "left": {
          "kind": "and",
          "left": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
            },
            "op": "=",
            "right": {
              "kind": "value",
              "name": ":a",
            },
          },
          "right": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "b",
                },
              ],
              "kind": "path",
            },
            "op": "=",
            "right": {
              "kind": "value",
              "name": ":b",
            },
          },
        },
        "right": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "c",
              },
            ],
            "kind": "path",
          },
          "op": "=",
          "right": {
            "kind": "value",
            "name": ":c",
          },
        },
      }
    `);
    expect(cond("a = :a OR b = :b OR c = :c")).toMatchInlineSnapshot(`
      {
        "kind": "or",
        "left": {
          "kind": "or",
          "left": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
            },
            "op": "=",
            "right": {
              "kind": "value",
              "name": ":a",
            },
          },
          "right": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "b",
                },
              ],
              "kind": "path",
            },
            "op": "=",
            "right": {
              "kind": "value",
              "name": ":b",
            },
          },
        },
        "right": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "c",
              },
            ],
            "kind": "path",
          },
          "op": "=",
          "right": {
            "kind": "value",
            "name": ":c",
          },
        },
      }
    `);
  });

  it("keeps parentheses around conditions, and reads NOT runs", () => {
    expect(cond("(a = :a OR b = :b) AND NOT (NOT c = :c)")).toMatchInlineSnapshot(`
      {
        "kind": "and",
        "left": {
          "inner": {
            "kind": "or",
            "left": {
              "kind": "compare",
              "left": {
                "elements": [
                  {
                    "kind": "name",
                    "name": "a",
                  },
                ],
                "kind": "path",
              },
              "op": "=",
              "right": {
                "kind": "value",
                "name": ":a",
              },
            },
            "right": {
              "kind": "compare",
              "left": {
                "elements": [
                  {
                    "kind": "name",
                    "name": "b",
                  },
                ],
                "kind": "path",
              },
              "op": "=",
              "right": {
                "kind": "value",
                "name": ":b",
              },
            },
          },
          "kind": "parens",
        },
        "right": {
          "kind": "not",
          "operand": {
            "inner": {
              "kind": "not",
              "operand": {
                "kind": "compare",
                "left": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "c",
                    },
                  ],
                  "kind": "path",
                },
                "op": "=",
                "right": {
                  "kind": "value",
                  "name": ":c",
                },
              },
            },
            "kind": "parens",
          },
        },
      }
    `);
    expect(cond("((a = :a))")).toMatchInlineSnapshot(`
      {
        "inner": {
          "inner": {
            "kind": "compare",
            "left": {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
            },
            "op": "=",
            "right": {
              "kind": "value",
              "name": ":a",
            },
          },
          "kind": "parens",
        },
        "kind": "parens",
      }
    `);
  });

  it("reads BETWEEN's AND before the condition's AND", () => {
    expect(cond("a BETWEEN :lo AND :hi AND b = :b")).toMatchInlineSnapshot(`
      {
        "kind": "and",
        "left": {
          "high": {
            "kind": "value",
            "name": ":hi",
          },
          "kind": "between",
          "low": {
            "kind": "value",
            "name": ":lo",
          },
          "operand": {
            "elements": [
              {
                "kind": "name",
                "name": "a",
              },
            ],
            "kind": "path",
          },
        },
        "right": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "b",
              },
            ],
            "kind": "path",
          },
          "op": "=",
          "right": {
            "kind": "value",
            "name": ":b",
          },
        },
      }
    `);
  });

  it("reads functions as conditions and as operands", () => {
    expect(cond("begins_with(a, :p)")).toMatchInlineSnapshot(`
      {
        "call": {
          "args": [
            {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
            },
            {
              "kind": "value",
              "name": ":p",
            },
          ],
          "kind": "call",
          "name": "begins_with",
        },
        "kind": "function",
      }
    `);
    expect(cond("size(a) > :n")).toMatchInlineSnapshot(`
      {
        "kind": "compare",
        "left": {
          "args": [
            {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
            },
          ],
          "kind": "call",
          "name": "size",
        },
        "op": ">",
        "right": {
          "kind": "value",
          "name": ":n",
        },
      }
    `);
    expect(cond("attribute_exists(#a.b[1]) AND contains(a, size(b))")).toMatchInlineSnapshot(`
      {
        "kind": "and",
        "left": {
          "call": {
            "args": [
              {
                "elements": [
                  {
                    "kind": "placeholder",
                    "name": "#a",
                  },
                  {
                    "kind": "name",
                    "name": "b",
                  },
                  {
                    "index": 1,
                    "kind": "index",
                  },
                ],
                "kind": "path",
              },
            ],
            "kind": "call",
            "name": "attribute_exists",
          },
          "kind": "function",
        },
        "right": {
          "call": {
            "args": [
              {
                "elements": [
                  {
                    "kind": "name",
                    "name": "a",
                  },
                ],
                "kind": "path",
              },
              {
                "args": [
                  {
                    "elements": [
                      {
                        "kind": "name",
                        "name": "b",
                      },
                    ],
                    "kind": "path",
                  },
                ],
                "kind": "call",
                "name": "size",
              },
            ],
            "kind": "call",
            "name": "contains",
          },
          "kind": "function",
        },
      }
    `);
  });

  it("drops one pair of parentheses around an operand and marks two", () => {
    expect(cond("(a) = :v")).toEqual(cond("a = :v"));
    expect(cond("(size(a)) = (:v)")).toEqual(cond("size(a) = :v"));
    expect(cond("((a)) > ((:v))")).toMatchInlineSnapshot(`
      {
        "kind": "compare",
        "left": {
          "elements": [
            {
              "kind": "name",
              "name": "a",
            },
          ],
          "kind": "path",
          "redundantParens": true,
        },
        "op": ">",
        "right": {
          "kind": "value",
          "name": ":v",
          "redundantParens": true,
        },
      }
    `);
    expect(cond("(a.b).c BETWEEN ((b.c)).d AND (:v)")).toMatchInlineSnapshot(`
      {
        "high": {
          "kind": "value",
          "name": ":v",
        },
        "kind": "between",
        "low": {
          "elements": [
            {
              "kind": "name",
              "name": "b",
            },
            {
              "kind": "name",
              "name": "c",
            },
            {
              "kind": "name",
              "name": "d",
            },
          ],
          "kind": "path",
          "redundantParens": true,
        },
        "operand": {
          "elements": [
            {
              "kind": "name",
              "name": "a",
            },
            {
              "kind": "name",
              "name": "b",
            },
            {
              "kind": "name",
              "name": "c",
            },
          ],
          "kind": "path",
        },
      }
    `);
    expect(cond("whatever((:things), ((a)))")).toMatchInlineSnapshot(`
      {
        "call": {
          "args": [
            {
              "kind": "value",
              "name": ":things",
            },
            {
              "elements": [
                {
                  "kind": "name",
                  "name": "a",
                },
              ],
              "kind": "path",
              "redundantParens": true,
            },
          ],
          "kind": "call",
          "name": "whatever",
        },
        "kind": "function",
      }
    `);
  });

  it("reads keywords in any case and whitespace anywhere between tokens", () => {
    expect(cond(" \t\r\na=:v\nand\tNot b<>:w oR c between:x aNd :y or d In(:z)")).toEqual(
      cond("a = :v AND NOT b <> :w OR c BETWEEN :x AND :y OR d IN (:z)"),
    );
  });

  it("lets a name start with a keyword", () => {
    expect(cond("ANDroid = :v OR order_ = :w")).toMatchInlineSnapshot(`
      {
        "kind": "or",
        "left": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "ANDroid",
              },
            ],
            "kind": "path",
          },
          "op": "=",
          "right": {
            "kind": "value",
            "name": ":v",
          },
        },
        "right": {
          "kind": "compare",
          "left": {
            "elements": [
              {
                "kind": "name",
                "name": "order_",
              },
            ],
            "kind": "path",
          },
          "op": "=",
          "right": {
            "kind": "value",
            "name": ":w",
          },
        },
      }
    `);
  });

  it("reads a KeyConditionExpression with the same syntax", () => {
    expect(parseKeyCondition("pk = :pk AND begins_with(sk, :prefix)")).toEqual(
      cond("pk = :pk AND begins_with(sk, :prefix)"),
    );
    expect(parseCondition("pk = :pk", "KeyConditionExpression")).toEqual(cond("pk = :pk"));
  });
});

describe("updates", () => {
  it("reads SET values: operands, one + or -, and functions", () => {
    expect(parseUpdate("SET a = :v, b = a + :n, c = if_not_exists(c, :z) - :one, d = list_append(d, :l)"))
      .toMatchInlineSnapshot(`
      {
        "clauses": [
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "a",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":v",
                },
              },
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "b",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "arithmetic",
                  "left": {
                    "elements": [
                      {
                        "kind": "name",
                        "name": "a",
                      },
                    ],
                    "kind": "path",
                  },
                  "op": "+",
                  "right": {
                    "kind": "value",
                    "name": ":n",
                  },
                },
              },
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "c",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "arithmetic",
                  "left": {
                    "args": [
                      {
                        "elements": [
                          {
                            "kind": "name",
                            "name": "c",
                          },
                        ],
                        "kind": "path",
                      },
                      {
                        "kind": "value",
                        "name": ":z",
                      },
                    ],
                    "kind": "call",
                    "name": "if_not_exists",
                  },
                  "op": "-",
                  "right": {
                    "kind": "value",
                    "name": ":one",
                  },
                },
              },
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "d",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "args": [
                    {
                      "elements": [
                        {
                          "kind": "name",
                          "name": "d",
                        },
                      ],
                      "kind": "path",
                    },
                    {
                      "kind": "value",
                      "name": ":l",
                    },
                  ],
                  "kind": "call",
                  "name": "list_append",
                },
              },
            ],
            "kind": "SET",
          },
        ],
        "kind": "update",
      }
    `);
  });

  it("reads REMOVE, ADD and DELETE", () => {
    expect(parseUpdate("REMOVE a, b[1] ADD a :v, b :w DELETE s :v")).toMatchInlineSnapshot(`
      {
        "clauses": [
          {
            "kind": "REMOVE",
            "paths": [
              {
                "elements": [
                  {
                    "kind": "name",
                    "name": "a",
                  },
                ],
                "kind": "path",
              },
              {
                "elements": [
                  {
                    "kind": "name",
                    "name": "b",
                  },
                  {
                    "index": 1,
                    "kind": "index",
                  },
                ],
                "kind": "path",
              },
            ],
          },
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "a",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":v",
                },
              },
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "b",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":w",
                },
              },
            ],
            "kind": "ADD",
          },
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "s",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":v",
                },
              },
            ],
            "kind": "DELETE",
          },
        ],
        "kind": "update",
      }
    `);
  });

  it("keeps clauses in written order, a repeated clause twice, in any case", () => {
    expect(parseUpdate("remove x Set a = :v DELETE s :s set b = :w")).toMatchInlineSnapshot(`
      {
        "clauses": [
          {
            "kind": "REMOVE",
            "paths": [
              {
                "elements": [
                  {
                    "kind": "name",
                    "name": "x",
                  },
                ],
                "kind": "path",
              },
            ],
          },
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "a",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":v",
                },
              },
            ],
            "kind": "SET",
          },
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "s",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":s",
                },
              },
            ],
            "kind": "DELETE",
          },
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "b",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "value",
                  "name": ":w",
                },
              },
            ],
            "kind": "SET",
          },
        ],
        "kind": "update",
      }
    `);
  });

  it("reads parenthesised SET values", () => {
    expect(parseUpdate("SET a = (b + :c), d = (e) - (:f)")).toEqual(parseUpdate("SET a = b + :c, d = e - :f"));
    expect(parseUpdate("SET a = ((b + :c))")).toMatchInlineSnapshot(`
      {
        "clauses": [
          {
            "actions": [
              {
                "path": {
                  "elements": [
                    {
                      "kind": "name",
                      "name": "a",
                    },
                  ],
                  "kind": "path",
                },
                "value": {
                  "kind": "arithmetic",
                  "left": {
                    "elements": [
                      {
                        "kind": "name",
                        "name": "b",
                      },
                    ],
                    "kind": "path",
                  },
                  "op": "+",
                  "redundantParens": true,
                  "right": {
                    "kind": "value",
                    "name": ":c",
                  },
                },
              },
            ],
            "kind": "SET",
          },
        ],
        "kind": "update",
      }
    `);
  });
});

describe("syntax errors", () => {
  // Cases quoted from DynamoDB's own answers (GitHub issues, emulator test suites).
  it.each([
    ["UpdateExpression", "SET _123 = :val1", '"_", near: "SET _123"'],
    ["UpdateExpression", "ADD hits : incr", '":", near: "hits : incr"'],
    ["UpdateExpression", "SET #attr1 = :val1, #attr2 = :val2,", '"<EOF>", near: ","'],
    ["UpdateExpression", "SET numx = numx / :v", '"/", near: "numx / :v"'],
    ["UpdateExpression", "SET a = b +", '"<EOF>", near: "+"'],
    ["UpdateExpression", "SET", '"<EOF>", near: "SET"'],
    ["UpdateExpression", "INVALID SYNTAX HERE", '"INVALID", near: "INVALID SYNTAX"'],
    ["UpdateExpression", "SET a = :a, #, b = :b", '"#", near: ", #,"'],
    ["ConditionExpression", "a = = b", '"=", near: "= = b"'],
    ["ConditionExpression", "expiresAt > now()", '")", near: "()"'],
    ["ConditionExpression", "foo", '"<EOF>", near: "foo"'],
    ["ConditionExpression", "attribute_not_exists(", '"<EOF>", near: "("'],
    ["ConditionExpression", "ADD #v :i", '"ADD", near: "ADD #v"'],
    ["FilterExpression", "contains (themes, :theme", '"<EOF>", near: ":theme"'],
    ["FilterExpression", "NOT (#attr0)", '"<EOF>", near: ")"'],
    ["KeyConditionExpression", "#pk = :pk AND begins_with(#sk, :gsi1sk", '"<EOF>", near: ":gsi1sk"'],
    ["ProjectionExpression", "!!! INVALID !!!", '"!", near: "!!"'],
    ["ProjectionExpression", "a b", '"b", near: "a b"'],
    ["ProjectionExpression", "a,", '"<EOF>", near: ","'],
  ] as const)("%s %j", (kind, text, expected) => {
    expect(errorOf(() => parsers[kind](text))).toBe(`Invalid ${kind}: Syntax error; token: ${expected}`);
  });

  // The same rule (the token before, the offending token, the token after) elsewhere.
  it.each([
    ["ConditionExpression", "a > 4", '"4", near: "> 4"'],
    ["ConditionExpression", "a = :v b = :w", '"b", near: ":v b ="'],
    ["ConditionExpression", "a = :v AND", '"<EOF>", near: "AND"'],
    ["ConditionExpression", "a IN b", '"b", near: "IN b"'],
    ["ConditionExpression", "a IN (b, c,)", '")", near: ",)"'],
    ["ConditionExpression", "a BETWEEN :x", '"<EOF>", near: ":x"'],
    ["ConditionExpression", "a = :v AND set = :w", '"set", near: "AND set ="'],
    ["ConditionExpression", "a = :v ANDb = :w", '"ANDb", near: ":v ANDb ="'],
    ["ConditionExpression", "attribute_exists(Pictures-RearView)", '"-", near: "Pictures-RearView"'],
    ["ConditionExpression", "a > :things.stuff", '".", near: ":things.stuff"'],
    ["ConditionExpression", "b[:a] > a", '":a", near: "[:a]"'],
    ["ConditionExpression", "b.(c.d) > a", '"(", near: ".(c"'],
    ["ConditionExpression", "size(a).b > a", '".", near: ").b"'],
    ["ConditionExpression", "(size(a))[0] > a", '"[", near: ")[0"'],
    ["ConditionExpression", "a.b[4.5] = :v", '".", near: "4.5"'],
    ["ConditionExpression", "ü > a", '"ü", near: "ü >"'],
    ["ConditionExpression", "a = :v 🙂", '"🙂", near: ":v 🙂"'],
    ["ConditionExpression", "a = :", '":", near: "= :"'],
    ["ConditionExpression", "_a = :v", '"_", near: "_a"'],
    ["ConditionExpression", "a = :v)", '")", near: ":v)"'],
    ["ConditionExpression", "((a = :v)", '"<EOF>", near: ")"'],
    ["UpdateExpression", "SET a", '"<EOF>", near: "a"'],
    ["UpdateExpression", "SET a = :v REMOVE", '"<EOF>", near: "REMOVE"'],
    ["UpdateExpression", "SET a = :v, REMOVE b", '"REMOVE", near: ", REMOVE b"'],
    ["UpdateExpression", "SET a = b + c + d", '"+", near: "c + d"'],
    ["UpdateExpression", "SET :a = :b", '":a", near: "SET :a ="'],
    ["UpdateExpression", "ADD a b", '"b", near: "a b"'],
    ["UpdateExpression", "DELETE a", '"<EOF>", near: "a"'],
    ["UpdateExpression", "SET a[-1] = :v", '"-", near: "[-1"'],
    ["UpdateExpression", "SET 123a = :v", '"123", near: "SET 123a"'],
    ["ProjectionExpression", "a, :v", '":v", near: ", :v"'],
    ["ProjectionExpression", "(a)", '"(", near: "(a"'],
    ["ProjectionExpression", "a[[1]]", '"[", near: "[[1"'],
    ["ProjectionExpression", "a.in", '"in", near: ".in"'],
  ] as const)("%s %j", (kind, text, expected) => {
    expect(errorOf(() => parsers[kind](text))).toBe(`Invalid ${kind}: Syntax error; token: ${expected}`);
  });

  it("keeps whitespace between the tokens of near as written, and skips what is outside them", () => {
    expect(errorOf(() => cond("  a   b  = :v"))).toBe(
      'Invalid ConditionExpression: Syntax error; token: "b", near: "a   b  ="',
    );
    // At the end, near runs to the end of the text.
    expect(errorOf(() => parseUpdate("SET a =  "))).toBe(
      'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "=  "',
    );
  });
});

describe("empty and oversized expressions", () => {
  it.each(Object.keys(parsers) as ExpressionKind[])("%s", (kind) => {
    expect(
      errorOf(() => parsers[kind]("")),
      "empty",
    ).toBe(`Invalid ${kind}: The expression can not be empty;`);
    expect(
      errorOf(() => parsers[kind](" \t\r\n")),
      "blank",
    ).toBe(`Invalid ${kind}: The expression can not be empty;`);
    const long = `a${"b".repeat(MAX_EXPRESSION_BYTES)}`;
    expect(errorOf(() => parsers[kind](long))).toBe(
      `Invalid ${kind}: Expression size has exceeded the maximum allowed size; expression size: 4097`,
    );
  });

  it("counts UTF-8 bytes, and accepts exactly 4096", () => {
    const atLimit = `a = :${"v".repeat(MAX_EXPRESSION_BYTES - 5)}`;
    expect(utf8Length(atLimit)).toBe(4096);
    expect(cond(atLimit).kind).toBe("compare");
    expect(utf8Length("é€🙂")).toBe(2 + 3 + 4);
    // 2049 two-byte characters are 4098 bytes: refused for size before any syntax error.
    expect(errorOf(() => cond("é".repeat(2049)))).toBe(
      "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4098",
    );
  });
});

describe("nesting", () => {
  const nested = (depth: number) => `${"(".repeat(depth)}a = :v${")".repeat(depth)}`;

  it("parses the deepest nesting allowed, in each recursive form", () => {
    expect(cond(nested(MAX_NESTING)).kind).toBe("parens");
    expect(cond(`a = ${"(".repeat(MAX_NESTING)}:v${")".repeat(MAX_NESTING)}`).kind).toBe("compare");
    expect(cond(`a = ${"f(".repeat(MAX_NESTING)}:v${")".repeat(MAX_NESTING)}`).kind).toBe("compare");
    expect(cond(`a BETWEEN ${"(".repeat(MAX_NESTING)}b${")".repeat(MAX_NESTING)}.c AND :v`).kind).toBe("between");
    const set = parseUpdate(`SET a = ${"(".repeat(MAX_NESTING)}b + :c${")".repeat(MAX_NESTING)}`);
    expect(set.clauses[0]!.kind).toBe("SET");
    expect(cond(`${"NOT ".repeat(1000)}a = :v`).kind).toBe("not");
  });

  it("refuses deeper nesting before parsing", () => {
    expect(errorOf(() => parseCondition(nested(MAX_NESTING + 1), "FilterExpression"))).toBe(
      "Invalid FilterExpression: The expression has too many nested parentheses; nesting depth: 1025, maximum: 1024",
    );
    // An unbalanced run is refused the same way, without recursing through it.
    expect(errorOf(() => cond("(".repeat(4000)))).toBe(
      "Invalid ConditionExpression: The expression has too many nested parentheses; nesting depth: 4000, maximum: 1024",
    );
  });

  it("stays fast on inputs that make a backtracking parser exponential", () => {
    const started = Date.now();
    for (const text of ["(".repeat(1000) + "a", "((((((((((((((((((((((((((((((((a = :v", "(".repeat(1000) + "a)"]) {
      errorOf(() => cond(text));
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("reserved words", () => {
  it("holds the Developer Guide's 573 words", () => {
    expect(RESERVED_WORDS.size).toBe(573);
    for (const word of ["ABORT", "STATUS", "NAME", "SIZE", "FLATTERN", "INNTER", "LOGED", "ZONE"]) {
      expect(RESERVED_WORDS.has(word), word).toBe(true);
    }
    expect(isReservedWord("sTaTuS")).toBe(true);
    expect(isReservedWord("statuses")).toBe(false);
  });

  it.each([
    ["ConditionExpression", "status = :s", "status"],
    ["FilterExpression", "a.Name = :s", "Name"],
    ["ConditionExpression", "size = :s", "size"],
    ["ConditionExpression", "begins_with(a, :p) AND size(b) > :n AND zone = :z AND year = :y", "zone"],
    ["ConditionExpression", ":a < abOrT", "abOrT"],
    ["KeyConditionExpression", "#pk = :pk AND date BETWEEN :a AND :b", "date"],
    ["ProjectionExpression", "a, b.comment, c", "comment"],
    ["UpdateExpression", "SET a = if_not_exists(total, :z) REMOVE year", "total"],
    ["UpdateExpression", "ADD #a :v, counter :w", "counter"],
  ] as const)("%s %j", (kind, text, word) => {
    expect(errorOf(() => parsers[kind](text))).toBe(
      `Invalid ${kind}: Attribute name is a reserved keyword; reserved keyword: ${word}`,
    );
  });

  it("never checks placeholders or function names", () => {
    expect(cond("size(#status) > :n AND #name = :v").kind).toBe("and");
    expect(parseUpdate("SET #year = list_append(#year, :v)").kind).toBe("update");
  });

  it("can be left to the caller, who checks the cached AST", () => {
    const ast = parseCondition("((a = :v)) AND status = :s", "ConditionExpression", { reservedWords: false });
    expect(ast.kind).toBe("and");
    expect(errorOf(() => checkReservedWords(ast, "ConditionExpression"))).toBe(
      "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status",
    );
    // The cached entry still refuses for callers that did not opt out.
    expect(errorOf(() => cond("((a = :v)) AND status = :s"))).toContain("reserved keyword: status");
  });
});

describe("cache", () => {
  it("returns the same frozen AST for the same text", () => {
    parseCache.clear();
    const first = cond("a = :v AND b[1].c IN (:x, :y)");
    expect(parseCache.size("Condition")).toBe(1);
    expect(cond("a = :v AND b[1].c IN (:x, :y)")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { kind: string }).kind = "or";
    }).toThrow(TypeError);
    const compare = first.kind === "and" ? first.right : first;
    expect(Object.isFrozen(compare.kind === "in" ? compare.list : compare)).toBe(true);
  });

  it("throws the same error on every call, with the caller's expression kind", () => {
    parseCache.clear();
    expect(errorOf(() => parseCondition("a = = b", "FilterExpression"))).toBe(
      'Invalid FilterExpression: Syntax error; token: "=", near: "= = b"',
    );
    expect(errorOf(() => parseCondition("a = = b", "ConditionExpression"))).toBe(
      'Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"',
    );
    expect(errorOf(() => parseCondition("name = :n", "FilterExpression"))).toBe(
      "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: name",
    );
    expect(errorOf(() => parseCondition("name = :n", "ConditionExpression"))).toBe(
      "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name",
    );
    expect(parseCache.size("Condition")).toBe(2);
  });

  it("keeps at most 1000 entries per start rule", () => {
    parseCache.clear();
    for (let i = 0; i < 1200; i++) parseProjection(`a${i}`);
    expect(parseCache.size("Projection")).toBe(1000);
    expect(parseCache.size("Update")).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------

const KEYWORDS = new Set(["AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"]);
const plainName = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/)
  .filter((name) => !KEYWORDS.has(name.toUpperCase()) && !isReservedWord(name));
const functionName = fc.oneof(
  fc.constantFrom("size", "begins_with", "contains", "attribute_exists", "if_not_exists", "list_append", "SIZE"),
  plainName,
);
const placeholder = fc.stringMatching(/^#[A-Za-z0-9_]{1,5}$/);
const valueName = fc.stringMatching(/^:[A-Za-z0-9_]{1,5}$/);

const pathHead: fc.Arbitrary<PathElement> = fc.oneof(plainName.map(f.name), placeholder.map(f.placeholder));
const pathElement: fc.Arbitrary<PathElement> = fc.oneof(pathHead, fc.nat({ max: 99999 }).map(f.index));
const plainPath: fc.Arbitrary<PathNode> = fc
  .tuple(pathHead, fc.array(pathElement, { maxLength: 3 }))
  .map(([head, tail]) => f.path([head, ...tail]));
const maybeRedundant = <T extends OperandNode>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(arb, fc.nat({ max: 9 })).map(([node, n]) => (n === 0 ? f.redundantParens(node) : node));

const { operand } = fc.letrec<{ operand: OperandNode; call: OperandNode }>((tie) => ({
  operand: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    maybeRedundant(plainPath),
    maybeRedundant(valueName.map(f.value)),
    tie("call"),
  ),
  call: maybeRedundant(
    fc
      .tuple(functionName, fc.array(tie("operand") as fc.Arbitrary<OperandNode>, { minLength: 1, maxLength: 3 }))
      .map(([name, args]) => f.call(name, args)),
  ),
}));

const comparator = fc.constantFrom<Comparator>("=", "<>", "<", "<=", ">", ">=");
const callCondition = fc
  .tuple(functionName, fc.array(operand, { minLength: 1, maxLength: 3 }))
  .map(([name, args]) => f.functionCondition(f.call(name, args)));

/** Conditions shaped as the parser builds them (precedence respected, parens explicit). */
const { condition } = fc.letrec<{
  condition: ConditionNode;
  and: ConditionNode;
  not: ConditionNode;
  primary: ConditionNode;
}>((tie) => ({
  condition: fc.oneof(
    { depthSize: "small" },
    tie("and"),
    fc.tuple(tie("condition"), tie("and")).map(([l, r]) => f.or(l, r)),
  ),
  and: fc.oneof(
    { depthSize: "small" },
    tie("not"),
    fc.tuple(tie("and"), tie("not")).map(([l, r]) => f.and(l, r)),
  ),
  not: fc.oneof({ depthSize: "small" }, tie("primary"), tie("not").map(f.not)),
  primary: fc.oneof(
    { depthSize: "small" },
    fc.tuple(comparator, operand, operand).map(([op, l, r]) => f.compare(op, l, r)),
    fc.tuple(operand, operand, operand).map(([o, l, h]) => f.between(o, l, h)),
    fc.tuple(operand, fc.array(operand, { minLength: 1, maxLength: 4 })).map(([o, list]) => f.in(o, list)),
    callCondition,
    tie("condition").map(f.parens),
  ),
}));

const projection: fc.Arbitrary<ProjectionNode> = fc
  .array(plainPath, { minLength: 1, maxLength: 4 })
  .map((paths) => f.projection(paths));

const setValue: fc.Arbitrary<OperandNode> = fc.oneof(
  operand,
  maybeRedundant(
    fc
      .tuple(fc.constantFrom<"+" | "-">("+", "-"), operand, operand)
      .map(([op, l, r]) => f.arithmetic(op, l, r) as OperandNode),
  ),
);
const pathValue = fc.tuple(plainPath, valueName).map(([p, v]) => f.pathValue(p, f.value(v)));
const clause: fc.Arbitrary<UpdateClause> = fc.oneof(
  fc
    .array(fc.tuple(plainPath, setValue), { minLength: 1, maxLength: 3 })
    .map((actions) => f.setClause(actions.map(([p, v]) => f.setAction(p, v)))),
  fc.array(plainPath, { minLength: 1, maxLength: 3 }).map(f.removeClause),
  fc.array(pathValue, { minLength: 1, maxLength: 3 }).map(f.addClause),
  fc.array(pathValue, { minLength: 1, maxLength: 3 }).map(f.deleteClause),
);
const update: fc.Arbitrary<UpdateNode> = fc.array(clause, { minLength: 1, maxLength: 5 }).map(f.update);

const fits = (text: string) => utf8Length(text) <= MAX_EXPRESSION_BYTES;

describe("properties", () => {
  it("print then parse gives back a condition", () => {
    fc.assert(
      fc.property(condition, (ast) => {
        const text = printCondition(ast);
        fc.pre(fits(text));
        expect(parseCondition(text, "FilterExpression")).toStrictEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  it("print then parse gives back a projection", () => {
    fc.assert(
      fc.property(projection, (ast) => {
        expect(parseProjection(printProjection(ast))).toStrictEqual(ast);
      }),
      { numRuns: 300 },
    );
  });

  it("print then parse gives back an update", () => {
    fc.assert(
      fc.property(update, (ast) => {
        const text = printUpdate(ast);
        fc.pre(fits(text));
        expect(parseUpdate(text)).toStrictEqual(ast);
      }),
      { numRuns: 500 },
    );
  });

  const TOKENS = [
    "a",
    "b",
    "Name",
    "x1",
    "#a",
    "#0",
    ":v",
    ":1",
    "size",
    "begins_with",
    "list_append",
    "AND",
    "or",
    "NOT",
    "between",
    "IN",
    "SET",
    "remove",
    "ADD",
    "DELETE",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "(",
    ")",
    "[",
    "]",
    "0",
    "12",
    ".",
    ",",
    "#",
    ":",
    "_",
    "!",
    "é",
    "🙂",
    "\t",
    "\n",
    " ",
  ];
  const tokenText = fc
    .array(fc.constantFrom(...TOKENS), { maxLength: 25 })
    .chain((tokens) => fc.constantFrom(tokens.join(" "), tokens.join("")));
  const anyText = fc.oneof(tokenText, fc.string(), fc.string({ unit: "binary", maxLength: 40 }));

  /** Parses with every wrapper: only ValidationExceptions may escape, with sane messages. */
  function check(text: string): void {
    for (const [kind, parse] of Object.entries(parsers)) {
      let ast: unknown;
      try {
        ast = parse(text);
      } catch (error) {
        if (!(error instanceof DynamoError) || error.type !== "ValidationException") throw error;
        expect(error.message.startsWith(`Invalid ${kind}: `)).toBe(true);
        const syntax = /^Invalid \w+: Syntax error; token: "(.*)", near: "(.*)"$/s.exec(error.message);
        if (syntax) {
          const [, token, near] = syntax as unknown as [string, string, string];
          expect(text.includes(near)).toBe(true);
          if (token !== "<EOF>") expect(near.includes(token)).toBe(true);
        }
        continue;
      }
      // Whatever parses prints to text that parses to the same AST.
      if (kind === "ProjectionExpression") {
        expect(parseProjection(printProjection(ast as ProjectionNode))).toStrictEqual(ast);
      } else if (kind === "UpdateExpression") {
        expect(parseUpdate(printUpdate(ast as UpdateNode))).toStrictEqual(ast);
      } else {
        expect(parseCondition(printCondition(ast as ConditionNode), "ConditionExpression")).toStrictEqual(ast);
      }
    }
  }

  it("random text never makes the parser throw anything but a ValidationException", () => {
    fc.assert(fc.property(anyText, check), { numRuns: 2000 });
  });

  it("handles known inputs of every kind", () => {
    for (const text of ["a = :v", "SET a = :v", "a, b", "((a))", "NOT NOT a = :v", "a[1]", ")", "(", "\u0000"]) {
      check(text);
    }
  });
});
