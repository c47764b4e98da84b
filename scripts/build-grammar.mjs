// Compiles every grammar/*.peggy into grammar/generated/<name>.js (ES module, with .d.ts).
// Parsers are generated at build time because workerd forbids eval/new Function.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import peggy from "peggy";

const dir = new URL("../grammar/", import.meta.url).pathname;
const out = join(dir, "generated");
mkdirSync(out, { recursive: true });
for (const file of readdirSync(dir).filter((f) => f.endsWith(".peggy"))) {
  const name = basename(file, ".peggy");
  const source = readFileSync(join(dir, file), "utf8");
  const allowedStartRules = [...source.matchAll(/^\/\/\s*@start\s+(\w+)/gm)].map((m) => m[1]);
  const code = peggy.generate(source, {
    output: "source",
    format: "es",
    grammarSource: file,
    allowedStartRules: allowedStartRules.length > 0 ? allowedStartRules : undefined,
    // Memoise rule results: grammars that try alternatives sharing a prefix (such as a
    // parenthesised condition versus a parenthesised operand) stay linear instead of
    // exponential on inputs like "((((((((a".
    cache: true,
  });
  writeIfChanged(join(out, `${name}.js`), code);
  writeIfChanged(
    join(out, `${name}.d.ts`),
    [
      "export interface ParseOptions {",
      `  startRule?: ${allowedStartRules.length > 0 ? allowedStartRules.map((r) => JSON.stringify(r)).join(" | ") : "string"};`,
      "  grammarSource?: string;",
      "  [option: string]: unknown;",
      "}",
      "export declare function parse(input: string, options?: ParseOptions): unknown;",
      "export interface Location { offset: number; line: number; column: number }",
      "export declare class SyntaxError extends Error {",
      "  expected: unknown; found: string | null;",
      "  location: { start: Location; end: Location };",
      "}",
      "export declare const StartRules: string[];",
      "",
    ].join("\n"),
  );
  console.log(`grammar: ${file} -> generated/${name}.js`);
}

/**
 * Writes only a changed file: `npm test` builds while the Workers pool may be importing
 * these files, and a rewrite in place would let it read a half-written module.
 */
function writeIfChanged(file, text) {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  writeFileSync(file, text);
}
