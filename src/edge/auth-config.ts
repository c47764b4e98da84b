// The endpoint's auth settings, from Worker secrets/vars (or `npm start`'s environment):
//   DDB_CREDENTIALS  "AKID1:secret1,AKID2:secret2"   who may sign requests
//   DDB_PERMISSIONS  JSON {"AKID1": [{"actions": ["GetItem"], "tables": ["Music"]}]}   optional
//   DDB_AUTH         "off" turns verification off (local use only)
// Parsed once per distinct value (an isolate keeps them across requests).
import { parseGrants, type Grant } from "./auth-permissions.js";

export interface AuthEnv {
  DDB_CREDENTIALS?: string;
  DDB_PERMISSIONS?: string;
  DDB_AUTH?: string;
}

export interface AuthConfig {
  /** false only with DDB_AUTH=off. */
  enabled: boolean;
  /** access key id -> secret access key */
  secrets: ReadonlyMap<string, string>;
  /** undefined: every known key may do everything; a key absent from the map may do nothing. */
  grants: ReadonlyMap<string, readonly Grant[]> | undefined;
}

interface Memo {
  credentials: string | undefined;
  permissions: string | undefined;
  auth: string | undefined;
  config: AuthConfig;
}
let memo: Memo | undefined;

export function authConfig(env: AuthEnv): AuthConfig {
  const last = memo;
  if (
    last !== undefined &&
    last.credentials === env.DDB_CREDENTIALS &&
    last.permissions === env.DDB_PERMISSIONS &&
    last.auth === env.DDB_AUTH
  ) {
    return last.config;
  }
  const config: AuthConfig = {
    enabled: env.DDB_AUTH?.trim().toLowerCase() !== "off",
    secrets: parseCredentials(env.DDB_CREDENTIALS ?? ""),
    grants:
      env.DDB_PERMISSIONS === undefined || env.DDB_PERMISSIONS.trim() === ""
        ? undefined
        : parseGrants(env.DDB_PERMISSIONS),
  };
  memo = { credentials: env.DDB_CREDENTIALS, permissions: env.DDB_PERMISSIONS, auth: env.DDB_AUTH, config };
  return config;
}

/** "id:secret,id:secret"; the secret is everything after the first colon. Bad entries are skipped. */
export function parseCredentials(text: string): ReadonlyMap<string, string> {
  const secrets = new Map<string, string>();
  for (const entry of text.split(",")) {
    const item = entry.trim();
    if (item === "") continue;
    const colon = item.indexOf(":");
    const id = colon > 0 ? item.slice(0, colon).trim() : "";
    const secret = colon > 0 ? item.slice(colon + 1).trim() : "";
    if (id === "" || secret === "") {
      // Never log the entry itself: it may hold a secret.
      console.error("DDB_CREDENTIALS: an entry is not accessKeyId:secretAccessKey; it is ignored");
      continue;
    }
    secrets.set(id, secret);
  }
  return secrets;
}
