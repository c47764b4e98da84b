// Types of bench/data.mjs for bench/worker.ts.
import type { Item } from "../src/types";

export const ITEM_BYTES: number;
export const CATEGORIES: number;
export const MATCH_CATEGORY: string;
export function gridTable(name: string): {
  TableName: string;
  BillingMode: "PAY_PER_REQUEST";
  AttributeDefinitions: { AttributeName: string; AttributeType: "S" }[];
  KeySchema: { AttributeName: string; KeyType: "HASH" | "RANGE" }[];
};
export function partitionKey(p: number): string;
export function sortKey(s: number): string;
export function rng(seed: number): (bound: number) => number;
export function makeItem(i: number, pk: string, sk: string | undefined): Item;
