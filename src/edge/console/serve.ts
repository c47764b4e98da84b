// The web console's routes (GET /console, /console/app.js, /console/app.css,
// /console/config.json). Off unless env DDB_CONSOLE is "on" (`npm start` turns it on; a
// deployment must opt in). The page holds no data: everything it shows comes from signed
// requests to the same wire endpoint, so it is behind the endpoint's authentication and can
// do nothing the credentials cannot.
import { CONSOLE_JS } from "./generated/bundle.mjs";
import { CONSOLE_CSS, CONSOLE_HTML } from "./page.js";

export interface ConsoleEnv {
  /** "on" (or "true"/"1") serves the console. */
  DDB_CONSOLE?: string;
  /**
   * "accessKeyId:secretAccessKey" to prefill the sign-in form with: `npm start` sets it
   * only when it runs with its local default pair. Never set it to a real secret.
   */
  DDB_CONSOLE_PREFILL?: string;
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

export function consoleEnabled(env: ConsoleEnv): boolean {
  return ["on", "true", "1"].includes((env.DDB_CONSOLE ?? "").trim().toLowerCase());
}

/** The console's answer to a request, or undefined when it is not a console request (or the console is off). */
export function consoleResponse(request: Request, env: ConsoleEnv): Response | undefined {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  const url = new URL(request.url);
  if (url.pathname !== "/console" && !url.pathname.startsWith("/console/")) return undefined;
  if (!consoleEnabled(env)) return undefined;
  switch (url.pathname) {
    case "/console":
    case "/console/":
      return text(CONSOLE_HTML, "text/html; charset=utf-8");
    case "/console/app.js":
      return text(CONSOLE_JS, "text/javascript; charset=utf-8");
    case "/console/app.css":
      return text(CONSOLE_CSS, "text/css; charset=utf-8");
    case "/console/config.json":
      return text(JSON.stringify(prefill(env)), "application/json");
    default:
      return new Response("Not found", { status: 404, headers: { "content-type": "text/plain", ...SECURITY_HEADERS } });
  }
}

function prefill(env: ConsoleEnv): { accessKeyId?: string; secretAccessKey?: string } {
  const pair = env.DDB_CONSOLE_PREFILL ?? "";
  const colon = pair.indexOf(":");
  if (colon <= 0) return {};
  return { accessKeyId: pair.slice(0, colon), secretAccessKey: pair.slice(colon + 1) };
}

function text(body: string, type: string): Response {
  return new Response(body, { headers: { "content-type": type, ...SECURITY_HEADERS } });
}
