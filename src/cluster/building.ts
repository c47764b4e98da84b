// An index still being built in some partition of a table (a backfill runs in each
// partition's object; the catalogue's home, holding no items, finishes first): DynamoDB
// refuses a second online index change, and DeleteTable, until every build ends. The
// router asks the partitions before telling the home (./router.ts, control).
import { DynamoError } from "../errors.js";
import { ONE_ONLINE_INDEX } from "../ops/vector-updates.js";
import type { WireReply } from "../protocol/reply.js";

type Json = Record<string, unknown>;

/** The refusal for `operation` while a partition builds an index, or undefined. */
export function refusalWhileBuilding(operation: string, input: Json, partitions: WireReply[]): DynamoError | undefined {
  const building = buildingIndex(partitions);
  if (building === undefined) return undefined;
  if (operation === "DeleteTable") {
    return new DynamoError(
      "ResourceInUseException",
      "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, updated, or deleted.",
    );
  }
  if (operation !== "UpdateTable") return undefined;
  const updates = [
    ...(Array.isArray(input.GlobalSecondaryIndexUpdates) ? (input.GlobalSecondaryIndexUpdates as Json[]) : []),
    ...(Array.isArray(input.VectorIndexUpdates) ? (input.VectorIndexUpdates as Json[]) : []),
  ].filter((u) => u.Create !== undefined || u.Delete !== undefined);
  const only = updates[0];
  if (!only) return undefined;
  // Deleting the index being built is allowed (it cancels the build).
  if (updates.length === 1 && (only.Delete as Json | undefined)?.IndexName === building) return undefined;
  return new DynamoError("LimitExceededException", ONE_ONLINE_INDEX);
}

function buildingIndex(partitions: WireReply[]): string | undefined {
  for (const reply of partitions) {
    if (reply.status !== 200) continue;
    const table = (JSON.parse(reply.body) as { Table?: Json }).Table ?? {};
    for (const kind of ["GlobalSecondaryIndexes", "VectorIndexes"]) {
      for (const index of (table[kind] as Json[] | undefined) ?? []) {
        if (index.IndexStatus === "CREATING") return String(index.IndexName);
      }
    }
  }
  return undefined;
}
