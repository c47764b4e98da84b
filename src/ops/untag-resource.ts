// UntagResource: removes tags by key. Keys the table does not have are ignored, as
// DynamoDB ignores them, but each key must still be one TagResource would accept.
import { validation } from "../errors.js";
import { defineOp } from "./operation.js";
import { checkTagKey, MAX_TAGS, parseTableArn, resourceArnShape, tableForArn, TOO_MANY_TAGS } from "./tags.js";

interface UntagResourceInput {
  ResourceArn: string;
  TagKeys: (string | undefined)[];
}

export const untagResource = defineOp<UntagResourceInput>({
  shape: {
    ResourceArn: resourceArnShape,
    // No wire constraints on the keys: DynamoDB words its own refusals (see tags.ts).
    TagKeys: { kind: "list", notNull: true, member: { kind: "string" } },
  },
  execute(ctx, input) {
    const name = parseTableArn(ctx, input.ResourceArn);
    if (input.TagKeys.length === 0) throw validation("Atleast one Tag Key needs to be provided as Input.");
    // An aws:-prefixed key is refused here too, although removing it would change nothing.
    for (const key of input.TagKeys) checkTagKey(key);
    // DynamoDB counts the keys of a removal against the tag limit as well.
    if (input.TagKeys.length > MAX_TAGS) throw validation(TOO_MANY_TAGS);
    const def = tableForArn(ctx, input.ResourceArn, name, "UntagResource");
    const removed = new Set(input.TagKeys);
    const kept = Object.entries(def.tags).filter(([key]) => !removed.has(key));
    if (kept.length !== Object.keys(def.tags).length) {
      ctx.sql.transaction(() => ctx.catalogue.update({ ...def, tags: Object.fromEntries(kept) }));
    }
    return {};
  },
});
