// StreamSpecification on CreateTable and UpdateTable: shape, DynamoDB's checks and
// messages, and the resulting StreamState of the table definition.
import { validation } from "../errors.js";
import type { Shape } from "../protocol/shape.js";
import { STREAM_VIEW_TYPES, streamLabel, type StreamState, type StreamViewType } from "../schema/stream.js";
import type { TableDef } from "../schema/table-def.js";

export interface StreamSpecificationInput {
  StreamEnabled: boolean;
  StreamViewType?: StreamViewType;
}

export const streamSpecificationShape: Shape = {
  kind: "structure",
  name: "StreamSpecification",
  members: {
    StreamEnabled: { kind: "boolean", notNull: true },
    StreamViewType: { kind: "string", enum: STREAM_VIEW_TYPES },
  },
};

const INVALID = "One or more parameter values were invalid: ";

/** CreateTable's rule (the model calls the view type "UpdateViewType" in these messages). */
export function checkCreateStream(spec: StreamSpecificationInput | undefined): void {
  if (!spec) return;
  if (spec.StreamEnabled && spec.StreamViewType === undefined) {
    throw validation(`${INVALID}Table is being created with a stream enabled, UpdateViewType is required`);
  }
  if (!spec.StreamEnabled && spec.StreamViewType !== undefined) {
    throw validation(`${INVALID}Table is being created with a stream disabled, UpdateViewType should not be specified`);
  }
}

/** UpdateTable's request-only rules. */
export function checkUpdateStream(spec: StreamSpecificationInput): void {
  if (spec.StreamEnabled && spec.StreamViewType === undefined) {
    throw validation(`${INVALID}If stream is being enabled then UpdateViewType is required`);
  }
  if (!spec.StreamEnabled && spec.StreamViewType !== undefined) {
    throw validation(`${INVALID}If stream is being disabled, then UpdateViewType must not be specified`);
  }
}

/** A new enabled stream, labelled with the time it is enabled. */
export function newStream(spec: StreamSpecificationInput, nowMs: number, region: string): StreamState {
  return { enabled: true, viewType: spec.StreamViewType as StreamViewType, label: streamLabel(nowMs), region };
}

/** UpdateTable against the table: the table's stream afterwards (throws DynamoDB's refusals). */
export function updatedStream(
  def: TableDef,
  spec: StreamSpecificationInput,
  nowMs: number,
  region: string,
): StreamState {
  if (spec.StreamEnabled) {
    if (def.stream?.enabled) throw validation(`Table already has an enabled stream: TableName: ${def.name}`);
    return newStream(spec, nowMs, region);
  }
  if (!def.stream?.enabled) throw validation(`Table has no stream to disable: TableName: ${def.name}`);
  return { ...def.stream, enabled: false };
}
