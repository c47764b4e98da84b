// The web console (src/edge/console) in a real browser: Debian's Chromium driven by
// playwright-core (no browser download). One flow on one page, in order: sign in with
// SigV4 credentials, create a table with a stream, add an item, query it, edit it, see the
// change in the stream view, PartiQL, delete the table. Every step is checked in the page
// and, where it changed data, through the SDK too. Screenshots go to test-artifacts/console/.
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_SHARDS } from "./settings";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, REGION, endpoint, uniqueName } from "./support";

const CHROMIUM = "/usr/bin/chromium";
const SKIP_REASON = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found: install the Debian package chromium`;
if (SKIP_REASON) console.warn(`console.test.ts: skipping the browser tests: ${SKIP_REASON}`);
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts/console");

/** `it`, skipped (with the reason in its name) only when Chromium is absent. */
function browserTest(name: string, body: () => Promise<void>): void {
  it.skipIf(SKIP_REASON !== undefined)(SKIP_REASON ? `${name} (skipped: ${SKIP_REASON})` : name, body);
}

const sdk = new DynamoDBClient({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
});
const table = uniqueName("console");
let browser: Browser | undefined;
let page: Page;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The status line's text once it is not the one it had before `action`. */
async function statusAfter(action: () => Promise<void>): Promise<string> {
  const status = page.locator("#status");
  await status.evaluate((el) => (el.textContent = ""));
  await action();
  await expect.poll(() => status.textContent(), { timeout: 30_000 }).not.toBe("");
  return (await status.textContent()) ?? "";
}

beforeAll(async () => {
  if (SKIP_REASON) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  sdk.destroy();
});

describe("web console", () => {
  browserTest(
    "Console: serves the page, whose sign-in is empty when the server runs with its own credentials",
    async () => {
      const response = await page.goto(`${endpoint}/console`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
      await page.locator("#sign-in").waitFor();
      expect(await page.inputValue("#access-key-id")).toBe("");
      expect(await page.inputValue("#region")).toBe("us-east-1");
    },
  );

  browserTest("Console: a wrong secret is refused by the endpoint's SigV4 check", async () => {
    await page.fill("#access-key-id", DUMMY_ACCESS_KEY_ID);
    await page.fill("#secret-access-key", "not-the-secret");
    const status = await statusAfter(() => page.click("#sign-in-button"));
    expect(status).toMatch(
      /^InvalidSignatureException: The request signature we calculated does not match the signature you provided\./,
    );
    await expect.poll(() => page.locator("#sign-in").isVisible()).toBe(true);
  });

  browserTest("Console: signs in and lists tables", async () => {
    await page.fill("#secret-access-key", DUMMY_SECRET_ACCESS_KEY);
    await page.click("#sign-in-button");
    await page.locator("#table-list").waitFor();
    expect(await page.textContent("#who")).toContain(DUMMY_ACCESS_KEY_ID);
    await shot("01-tables");
  });

  browserTest("Console: creates a table with a stream", async () => {
    await page.click("#create-table-link");
    await page.fill("#new-table-name", table);
    await page.fill("#pk-name", "pk");
    await page.fill("#sk-name", "sk");
    await page.selectOption("#sk-type", "N");
    await page.selectOption("#new-stream-view", "NEW_AND_OLD_IMAGES");
    await page.click("#create-table-button");
    await page.locator("#no-items").waitFor();
    expect(await page.textContent("#table-title")).toBe(table);
    const { Table } = await sdk.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
  });

  browserTest("Console: the overview shows the key schema and the stream", async () => {
    await page.click("#tab-overview");
    await page.locator("dl.facts").waitFor();
    const facts = await page.textContent("dl.facts");
    expect(facts).toContain("Key schemapk: S (partition key), sk: N (sort key)");
    expect(facts).toContain("StreamNEW_AND_OLD_IMAGES");
    // The endpoint spreads tables over SERVER_SHARDS partitions: one row each, the whole hash space.
    const ranges = await page.locator("#partition-list tbody tr td:first-child").allTextContents();
    expect(ranges).toHaveLength(SERVER_SHARDS);
    expect(ranges[0]?.startsWith("00000000–")).toBe(true);
    expect(ranges.at(-1)?.endsWith("–ffffffff")).toBe(true);
    expect(await page.textContent("h3:has-text('Partitions')")).toBe("Partitions (map version 1)");
    await shot("02-overview");
    await page.click("#tab-items");
    await page.locator("#no-items").waitFor();
  });

  browserTest("Console: adds an item as DynamoDB JSON", async () => {
    await page.click("#new-item");
    const item = {
      pk: { S: "song#1" },
      sk: { N: "1" },
      title: { S: "Hello" },
      plays: { N: "12345678901234567890123456789012345678" },
      tags: { SS: ["a", "b"] },
    };
    await page.fill("#item-json", JSON.stringify(item));
    expect(await statusAfter(() => page.click("#save-item"))).toBe("Item saved.");
    const { Item } = await sdk.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "song#1" }, sk: { N: "1" } } }),
    );
    expect(Item).toEqual({ ...item, tags: { SS: ["a", "b"] } });
    await page.locator("table.items tbody tr").first().waitFor();
  });

  browserTest("Console: queries the item by its key", async () => {
    await page.selectOption("#mode", "query");
    await page.fill("#key-condition", "pk = :pk AND sk >= :one");
    await page.fill("#values", JSON.stringify({ ":pk": { S: "song#1" }, ":one": { N: "1" } }));
    await page.selectOption("#order", "desc");
    const status = await statusAfter(() => page.click("#run-query"));
    expect(status).toBe("Query: 1 items on page 1 (1 scanned).");
    const header = await page.locator("table.items thead th").allTextContents();
    expect(header).toEqual(["pk", "sk", "plays", "tags", "title"]);
    const cells = await page.locator("table.items tbody tr").first().locator("td").allTextContents();
    expect(cells).toEqual(["song#1", "1", "12345678901234567890123456789012345678", '["a","b"]', "Hello"]);
    await shot("03-query");
  });

  browserTest("Console: shows the item as plain JSON and edits it as DynamoDB JSON", async () => {
    await page.click("#close-editor");
    await page.locator("table.items tbody tr").first().click();
    await page.locator("#editor-title").waitFor();
    await page.click("#format-plain");
    expect(JSON.parse(await page.inputValue("#item-json"))).toEqual({
      pk: "song#1",
      sk: 1,
      title: "Hello",
      plays: 1.2345678901234568e37,
      tags: ["a", "b"],
    });
    // The 38-digit number and the string set do not survive plain JSON: the editor says so,
    // and going back to DynamoDB JSON without editing keeps the item as it was.
    expect(await page.locator("#lossy").isVisible()).toBe(true);
    await page.click("#format-ddb");
    const edited = JSON.parse(await page.inputValue("#item-json"));
    edited.title = { S: "Hello, world" };
    await page.fill("#item-json", JSON.stringify(edited, null, 2));
    expect(await statusAfter(() => page.click("#save-item"))).toBe("Item saved.");
    const { Item } = await sdk.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: "song#1" }, sk: { N: "1" } } }),
    );
    expect(Item?.title).toEqual({ S: "Hello, world" });
    expect(Item?.plays).toEqual({ N: "12345678901234567890123456789012345678" });
    await shot("04-edit");
  });

  browserTest("Console: the stream view shows the insert and then the edit", async () => {
    await page.click("#tab-stream");
    await page.locator("#follow-stream").click();
    const rows = page.locator("#stream-records tr");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    // Newest first.
    expect(await rows.nth(0).getAttribute("data-event")).toBe("MODIFY");
    expect(await rows.nth(1).getAttribute("data-event")).toBe("INSERT");
    const modify = await rows.nth(0).locator("td").allTextContents();
    expect(modify.slice(1)).toEqual([
      "MODIFY",
      "pk=song#1, sk=1",
      'pk=song#1, sk=1, title=Hello, plays=12345678901234567890123456789012345678, tags=["a","b"]',
      'pk=song#1, sk=1, title=Hello, world, plays=12345678901234567890123456789012345678, tags=["a","b"]',
    ]);
    await shot("05-stream");
    await page.click("#stop-stream");
  });

  browserTest("Console: creates and edits an item in plain JSON", async () => {
    await page.click("#tab-items");
    await page.locator("#new-item").click();
    await page.click("#format-plain");
    expect(JSON.parse(await page.inputValue("#item-json"))).toEqual({ pk: "", sk: 0 });
    await page.fill(
      "#item-json",
      JSON.stringify({ pk: "song#2", sk: 2, title: "Second", meta: { year: 2024, live: false, parts: ["a", null] } }),
    );
    expect(await statusAfter(() => page.click("#save-item"))).toBe("Item saved.");
    const key = { pk: { S: "song#2" }, sk: { N: "2" } };
    const { Item } = await sdk.send(new GetItemCommand({ TableName: table, Key: key }));
    expect(Item).toEqual({
      ...key,
      title: { S: "Second" },
      meta: { M: { year: { N: "2024" }, live: { BOOL: false }, parts: { L: [{ S: "a" }, { NULL: true }] } } },
    });
    await page.click("#close-editor");
    await page.locator(`table.items tbody tr[data-row='${JSON.stringify(key)}']`).click();
    await page.locator("#editor-title").waitFor();
    await page.click("#format-plain");
    expect(await page.locator("#lossy").isVisible()).toBe(false);
    const plain = JSON.parse(await page.inputValue("#item-json"));
    plain.meta.year = 2025;
    await page.fill("#item-json", JSON.stringify(plain));
    expect(await statusAfter(() => page.click("#save-item"))).toBe("Item saved.");
    const after = await sdk.send(new GetItemCommand({ TableName: table, Key: key }));
    expect(after.Item?.meta?.M?.year).toEqual({ N: "2025" });
  });

  browserTest("Console: browses the table page by page", async () => {
    await page.selectOption("#mode", "scan");
    await page.fill("#key-condition", "");
    await page.fill("#values", "");
    await page.fill("#page-size", "1");
    expect(await statusAfter(() => page.click("#run-query"))).toBe("Scan: 1 items on page 1 (1 scanned).");
    const first = await page.locator("table.items tbody tr").getAttribute("data-row");
    expect(await statusAfter(() => page.click("#next-page"))).toBe("Scan: 1 items on page 2 (1 scanned).");
    const second = await page.locator("table.items tbody tr").getAttribute("data-row");
    expect([first, second].sort()).toEqual([
      JSON.stringify({ pk: { S: "song#1" }, sk: { N: "1" } }),
      JSON.stringify({ pk: { S: "song#2" }, sk: { N: "2" } }),
    ]);
    expect(await statusAfter(() => page.click("#prev-page"))).toBe("Scan: 1 items on page 1 (1 scanned).");
    expect(await page.locator("table.items tbody tr").getAttribute("data-row")).toBe(first);
    expect(await page.locator("#prev-page").isDisabled()).toBe(true);
  });

  browserTest("Console: runs a PartiQL statement", async () => {
    await page.click("#nav >> text=PartiQL");
    await page.fill("#partiql", `SELECT title FROM "${table}" WHERE pk = ?`);
    await page.fill("#partiql-params", JSON.stringify([{ S: "song#1" }]));
    expect(await statusAfter(() => page.click("#run-partiql"))).toBe("ExecuteStatement: 1 items.");
    expect(await page.locator("#partiql-results td").allTextContents()).toEqual(["Hello, world"]);
    await shot("06-partiql");
  });

  browserTest("Console: shows a table's vector indexes and searches one", async () => {
    const vectors = uniqueName("console-vec");
    await sdk.send(
      new CreateTableCommand({
        TableName: vectors,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        VectorIndexes: [
          {
            IndexName: "near",
            VectorAttribute: { AttributeName: "emb" },
            Dimensions: 2,
            DistanceFunction: "EUCLIDEAN",
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    for (const [id, x] of [
      ["a", 0],
      ["b", 3],
      ["c", 1],
    ] as const) {
      await sdk.send(
        new PutItemCommand({ TableName: vectors, Item: { id: { S: id }, emb: { L: [{ N: String(x) }, { N: "0" }] } } }),
      );
    }
    await page.goto(`${endpoint}/console#/table/${encodeURIComponent(vectors)}/vectors`);
    await page.locator("#vector-index-list").waitFor();
    expect(await page.locator("#vector-index-list td").allTextContents()).toEqual([
      "near",
      "ACTIVE",
      "emb",
      "2",
      "EUCLIDEAN",
      "",
      "ALL",
      "3",
    ]);
    await page.fill("#vector-query", "[0.9, 0]");
    await page.fill("#vector-topk", "2");
    expect(await statusAfter(() => page.click("#run-vector-search"))).toBe("SearchVectors: 2 items.");
    const cells = await page.locator("#vector-result-list td").allTextContents();
    expect([cells[0], cells[1], cells[2], cells[3]]).toEqual([
      String(Math.fround(1 - Math.fround(0.9))),
      "c",
      String(Math.fround(0.9)),
      "a",
    ]);
    await shot("06b-vectors");
  });

  browserTest("Console: the overview shows a GSI's own partitions and its propagation lag", async () => {
    const indexed = uniqueName("console-gsi");
    await sdk.send(
      new CreateTableCommand({
        TableName: indexed,
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "g", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName: "byG",
            KeySchema: [{ AttributeName: "g", KeyType: "HASH" }],
            Projection: { ProjectionType: "ALL" },
          },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await sdk.send(new PutItemCommand({ TableName: indexed, Item: { id: { S: "a" }, g: { S: "x" } } }));
    await page.goto(`${endpoint}/console#/table/${encodeURIComponent(indexed)}/overview`);
    await page.locator("#index-list").waitFor();
    expect(await page.locator("#index-list td").allTextContents()).toEqual([
      "byG",
      "global",
      "g: S (partition key)",
      "ALL",
      "1",
      `${SERVER_SHARDS} partitions of its own · 0 changes pending · lag 0 ms`,
    ]);
    await shot("06c-gsi");
  });

  browserTest("Console: deletes the table after a confirmation", async () => {
    await page.goto(`${endpoint}/console#/table/${encodeURIComponent(table)}/overview`);
    await page.click("#delete-table");
    await page.click("#confirm-delete-table");
    await page.locator("#table-list").waitFor();
    await expect.poll(() => page.locator(`#table-list tr[data-table="${table}"]`).count()).toBe(0);
    await shot("07-deleted");
  });
});
