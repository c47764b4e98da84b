// Types of bench/data.mjs for bench/worker.ts.
import type { Item } from "../src/types";

export const ITEM_BYTES: number;
export const CATEGORIES: number;
export const MATCH_CATEGORY: string;
export function partitionKey(p: number): string;
export function sortKey(s: number): string;
export function rng(seed: number): (bound: number) => number;
export function makeItem(i: number, pk: string, sk: string | undefined): Item;
