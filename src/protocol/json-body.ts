// A request body's JSON. Text that is not JSON is DynamoDB's SerializationException, and
// the message says where the text stops being JSON (line, column and offset), which
// JSON.parse's own messages do not always say. The scan runs only on that error path.
import { serialization } from "../errors.js";
import type { JsonObject } from "../types.js";
import { isObject } from "./shape.js";

/**
 * The body's JSON object, read once by whoever routes or checks a request before the engine
 * runs it; undefined when the text is not a JSON object (the engine refuses it then, with
 * the message above).
 */
export function requestObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text === "" ? "{}" : text);
  } catch {
    const at = jsonErrorOffset(text);
    let line = 1;
    let column = 1;
    for (let i = 0; i < at; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        column = 1;
      } else column++;
    }
    throw serialization(
      `Unexpected character found when decoding JSON at line ${line}, column ${column} (offset ${at})`,
    );
  }
}

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON strings may not hold the control characters U+0000 to U+001F unescaped.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * The offset of the first character at which `text` stops being one JSON value (its
 * length when the text ends too soon). For text JSON.parse refused; iterative, so any
 * nesting depth is safe.
 */
export function jsonErrorOffset(text: string): number {
  // What the scanner expects next: a value, or what may follow inside an open container.
  type Expect = "value" | "key" | "colon" | "after-value";
  const open: string[] = [];
  let expect: Expect = "value";
  let at = 0;
  const skip = (): void => {
    WS.lastIndex = at;
    WS.exec(text);
    at = WS.lastIndex;
  };
  const match = (pattern: RegExp): boolean => {
    pattern.lastIndex = at;
    if (!pattern.exec(text)) return false;
    at = pattern.lastIndex;
    return true;
  };
  for (;;) {
    skip();
    if (at >= text.length) return text.length;
    const c = text[at];
    if (expect === "value") {
      if (c === "{" || c === "[") {
        open.push(c);
        at++;
        skip();
        if (text[at] === (c === "{" ? "}" : "]")) {
          open.pop();
          at++;
          expect = "after-value";
        } else expect = c === "{" ? "key" : "value";
        continue;
      }
      const literal = ["true", "false", "null"].find((word) => text.startsWith(word, at));
      if (literal) at += literal.length;
      else if (!(c === '"' ? match(STRING) : match(NUMBER))) return at;
      expect = "after-value";
    } else if (expect === "key") {
      if (c !== '"' || !match(STRING)) return at;
      expect = "colon";
    } else if (expect === "colon") {
      if (c !== ":") return at;
      at++;
      expect = "value";
    } else {
      const container = open.at(-1);
      if (container === undefined) return at; // text after a complete value
      if (c === ",") {
        at++;
        expect = container === "{" ? "key" : "value";
      } else if (c === (container === "{" ? "}" : "]")) {
        open.pop();
        at++;
      } else return at;
    }
  }
}
