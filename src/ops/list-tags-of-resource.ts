// ListTagsOfResource: a table's tags, in key order, paged by NextToken. A table holds at
// most 50 tags and DynamoDB returns all 50 in one page without a NextToken, so a page
// here is 50 tags too and NextToken only matters to clients that pass one back.
import { defineOp } from "./operation.js";
import { MAX_TAGS, parseTableArn, resourceArnShape, tableForArn } from "./tags.js";

interface ListTagsOfResourceInput {
  ResourceArn: string;
  NextToken?: string;
}

const PAGE_SIZE = MAX_TAGS;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export const listTagsOfResource = defineOp<ListTagsOfResourceInput>({
  shape: {
    ResourceArn: resourceArnShape,
    NextToken: { kind: "string" },
  },
  execute(ctx, input) {
    const def = tableForArn(ctx, input.ResourceArn, parseTableArn(ctx, input.ResourceArn), "ListTagsOfResource");
    const after = input.NextToken === undefined ? undefined : keyOfToken(input.NextToken);
    const keys = Object.keys(def.tags)
      .sort()
      .filter((k) => after === undefined || k > after);
    const page = keys.slice(0, PAGE_SIZE);
    const output: Record<string, unknown> = { Tags: page.map((k) => ({ Key: k, Value: def.tags[k] })) };
    const last = page[page.length - 1];
    if (keys.length > PAGE_SIZE && last !== undefined) output.NextToken = tokenOfKey(last);
    return output;
  },
});

/** The token is the last key returned, base64-encoded so clients treat it as opaque. */
function tokenOfKey(key: string): string {
  return btoa(String.fromCharCode(...encoder.encode(key)));
}

/** DynamoDB ignores a NextToken it cannot read and starts from the first tag. */
function keyOfToken(token: string): string | undefined {
  try {
    return decoder.decode(Uint8Array.from(atob(token), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
