// What a Query or Scan reads: the table itself, or one of its secondary indexes. A source
// knows its key attributes, where its rows live, how to turn a row into a
// LastEvaluatedKey (index key + table key for indexes) and an ExclusiveStartKey back into
// a position.
import { DynamoError, validation } from "../errors.js";
import { decodeKey } from "../keys/encode.js";
import { decodeKeyBytes, keyBytes } from "../keys/index-key.js";
import { keyOfKeyMap } from "../keys/item-key.js";
import { encodedPartitionKeyOf, storedPartitionKey } from "../keys/partition.js";
import type { IndexStore } from "../storage/index-store.js";
import type { ItemStore } from "../storage/items.js";
import type { PartitionRange, ScopeRange } from "../storage/ranges.js";
import type { AttributeValue, Item, KeyAttribute } from "../types.js";
import { validateItem } from "../values/validate.js";
import {
  hashKeyOf,
  indexKeysOf,
  indexOf,
  rangeKeyOf,
  tableKeysOf,
  type IndexDef,
  type KeyLists,
  type TableDef,
} from "../schema/table-def.js";
import type { RangeRow } from "../storage/row-layout.js";

export interface ReadSource {
  def: TableDef;
  index: IndexDef | undefined;
  /** The source's key attributes (several of each for a GSI with multi-attribute keys). */
  keys: KeyLists;
  partitionRows(range: Omit<PartitionRange, "scope">): Iterable<RangeRow>;
  scopeRows(range: Omit<ScopeRange, "scope">): Iterable<RangeRow>;
  /** LastEvaluatedKey of a row. */
  keyOf(row: RangeRow): Item;
  /** ExclusiveStartKey as (stored partition key, row position after which to continue). */
  start(exclusiveStartKey: Record<string, unknown>, operation: "Query" | "Scan"): StartPosition;
}

export interface StartPosition {
  pk: Uint8Array;
  /** (sk, ...table key for indexes): position inside the partition. */
  inPartition: Uint8Array[];
  /** (pk, sk, ...): position in the whole table or index. */
  inScope: Uint8Array[];
}

const EMPTY = new Uint8Array(0);

export function readSource(
  stores: { items: ItemStore; indexes: IndexStore },
  def: TableDef,
  indexName: string | undefined,
  consistentRead: boolean | undefined,
): ReadSource {
  if (indexName === undefined) return tableSource(stores.items, def);
  const index = indexOf(def, indexName);
  if (!index) throw validation(`The table does not have the specified index: ${indexName}`);
  if (index.kind === "GSI" && consistentRead === true) {
    throw validation("Consistent reads are not supported on global secondary indexes");
  }
  if (index.status !== "ACTIVE") {
    throw validation(`Cannot read from backfilling global secondary index: ${index.name}`);
  }
  return indexSource(stores.indexes, def, index);
}

function tableSource(items: ItemStore, def: TableDef): ReadSource {
  const hash = hashKeyOf(def);
  const range = rangeKeyOf(def);
  return {
    def,
    index: undefined,
    keys: tableKeysOf(def),
    partitionRows: (r) => items.partitionRange({ ...r, scope: def.tid }),
    scopeRows: (r) => items.tableRange({ ...r, scope: def.tid }),
    keyOf: (row) => {
      const key: Item = {};
      put(key, hash, decodeKey(hash.type, encodedPartitionKeyOf(new Uint8Array(row.pk))));
      if (range) put(key, range, decodeKey(range.type, new Uint8Array(row.sk)));
      return key;
    },
    start: (esk, operation) => {
      const key = tableKeyOrInvalid(def, esk, operation);
      return { pk: key.pk, inPartition: [key.sk], inScope: [key.pk, key.sk] };
    },
  };
}

function indexSource(indexes: IndexStore, def: TableDef, index: IndexDef): ReadSource {
  const keys = indexKeysOf(def, index);
  const { hashes, ranges } = keys;
  const tableHash = hashKeyOf(def);
  const tableRange = rangeKeyOf(def);
  return {
    def,
    index,
    keys,
    partitionRows: (r) => indexes.partitionRange({ ...r, scope: index.iid }),
    scopeRows: (r) => indexes.scopeRange({ ...r, scope: index.iid }),
    keyOf: (row) => {
      const key: Item = {};
      put(key, tableHash, decodeKey(tableHash.type, encodedPartitionKeyOf(new Uint8Array(row.tpk ?? EMPTY))));
      if (tableRange) put(key, tableRange, decodeKey(tableRange.type, new Uint8Array(row.tsk ?? EMPTY)));
      const hashValues = decodeKeyBytes(hashes, encodedPartitionKeyOf(new Uint8Array(row.pk)));
      hashes.forEach((attr, i) => put(key, attr, hashValues[i] as string));
      const rangeValues = decodeKeyBytes(ranges, new Uint8Array(row.sk));
      ranges.forEach((attr, i) => put(key, attr, rangeValues[i] as string));
      return key;
    },
    start: (esk, operation) => {
      const values = validateItem(esk);
      const expected = new Set([tableHash.name, tableRange?.name, ...[...hashes, ...ranges].map((a) => a.name)]);
      if (Object.keys(values).some((name) => !expected.has(name))) throw invalidStart(operation);
      const tableKey: Item = {};
      for (const attr of [tableHash, tableRange])
        if (attr && values[attr.name]) tableKey[attr.name] = values[attr.name] as AttributeValue;
      const key = tableKeyOrInvalid(def, tableKey, operation);
      const ipk = storedPartitionKey(
        keyBytes(
          hashes,
          hashes.map((a) => scalarOrInvalid(values, a, operation)),
        ),
      );
      const isk = keyBytes(
        ranges,
        ranges.map((a) => scalarOrInvalid(values, a, operation)),
      );
      return { pk: ipk, inPartition: [isk, key.pk, key.sk], inScope: [ipk, isk, key.pk, key.sk] };
    },
  };
}

function put(key: Item, attr: KeyAttribute, scalar: string): void {
  key[attr.name] = { [attr.type]: scalar } as AttributeValue;
}

function scalarOrInvalid(values: Item, attr: KeyAttribute, operation: "Query" | "Scan"): string {
  const value = Object.hasOwn(values, attr.name) ? values[attr.name] : undefined;
  if (!value || !(attr.type in value)) throw invalidStart(operation);
  return (value as Record<string, string>)[attr.type] as string;
}

/**
 * The table key of an ExclusiveStartKey. DynamoDB words a mismatch differently per
 * operation: Query says only "The provided starting key is invalid", Scan adds the reason.
 */
function tableKeyOrInvalid(def: TableDef, esk: Record<string, unknown>, operation: "Query" | "Scan") {
  try {
    return keyOfKeyMap(def, validateItem(esk));
  } catch (err) {
    if (err instanceof DynamoError && err.type === "ValidationException") {
      throw validation(
        operation === "Query"
          ? "The provided starting key is invalid"
          : `The provided starting key is invalid: ${err.message}`,
      );
    }
    throw err;
  }
}

function invalidStart(operation: "Query" | "Scan"): DynamoError {
  return validation(
    operation === "Query"
      ? "The provided starting key is invalid"
      : "The provided starting key is invalid: The provided key element does not match the schema",
  );
}
