// TagResource: adds tags to a table, overwriting the value of a key it already has. All
// or nothing: one bad tag refuses the whole request and DynamoDB applies none of it. The
// new set is visible at once (DynamoDB's tag reads lag its writes by ~2 s; nothing can
// rely on that lag).
import { validation } from "../errors.js";
import { defineOp } from "./operation.js";
import {
  checkTags,
  MAX_TAGS,
  parseTableArn,
  resourceArnShape,
  tableForArn,
  tagListShape,
  TOO_MANY_TAGS,
  type TagInput,
} from "./tags.js";

interface TagResourceInput {
  ResourceArn: string;
  Tags: TagInput[];
}

export const tagResource = defineOp<TagResourceInput>({
  shape: {
    ResourceArn: resourceArnShape,
    Tags: tagListShape(true),
  },
  execute(ctx, input) {
    // The ARN's form first (an empty list with a bad ARN names the ARN), then the tags,
    // then whether the table exists (an empty list on an unknown table names the list).
    const name = parseTableArn(ctx, input.ResourceArn);
    if (input.Tags.length === 0) throw validation("Atleast one Tag needs to be provided as Input.");
    const added = checkTags(input.Tags);
    const def = tableForArn(ctx, input.ResourceArn, name, "TagResource");
    const tags = { ...def.tags, ...Object.fromEntries(added) };
    // The limit applies to the set after the merge: overwriting keys at 50 tags is fine.
    if (Object.keys(tags).length > MAX_TAGS) throw validation(TOO_MANY_TAGS);
    ctx.sql.transaction(() => ctx.catalogue.update({ ...def, tags }));
    return {};
  },
});
