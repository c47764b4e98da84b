// @ts-check
// The console's entry: sign-in (access key id, secret, region; kept in sessionStorage for
// this tab only), then hash routes: #/tables, #/table/NAME/TAB, #/create, #/partiql.
import { call, useCredentials } from "./api.mjs";
import { h, replace, valueOf } from "./dom.mjs";
import { showCreateTable } from "./create-table.mjs";
import { showPartiql } from "./partiql.mjs";
import { showTable } from "./table.mjs";
import { showTables } from "./tables.mjs";
import { attempt, notify } from "./ui.mjs";
import { stopFollowing } from "./stream.mjs";

const STORAGE_KEY = "durable-dynamodb-console";

/** @typedef {import("./api.mjs").Credentials} Credentials */

/** @returns {Credentials | undefined} */
function saved() {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    return value && typeof value.accessKeyId === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server's hints: the local default key pair when `npm start` runs with it, else nothing.
 * @returns {Promise<{ accessKeyId?: string; secretAccessKey?: string; region?: string }>}
 */
async function hints() {
  try {
    const response = await fetch("/console/config.json");
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

async function showSignIn() {
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  setSignedIn(undefined);
  const hint = await hints();
  const form = h(
    "form",
    { id: "sign-in", class: "card", onsubmit: (e) => (e.preventDefault(), void signIn()) },
    h("h2", {}, "Sign in"),
    h("p", {}, "Requests are signed with these credentials (SigV4), exactly as an SDK would sign them."),
    h(
      "label",
      {},
      "Access key id",
      h("input", { id: "access-key-id", autocomplete: "username", required: true, value: hint.accessKeyId ?? "" }),
    ),
    h(
      "label",
      {},
      "Secret access key",
      h("input", {
        id: "secret-access-key",
        type: "password",
        autocomplete: "current-password",
        required: true,
        value: hint.secretAccessKey ?? "",
      }),
    ),
    h("label", {}, "Region", h("input", { id: "region", required: true, value: hint.region ?? "us-east-1" })),
    h("button", { id: "sign-in-button", type: "submit" }, "Sign in"),
    hint.accessKeyId ? h("p", { class: "hint" }, "Prefilled with the local default pair that npm start uses.") : null,
  );
  replace(main, form);
}

async function signIn() {
  /** @type {Credentials} */
  const credentials = {
    accessKeyId: valueOf("access-key-id").trim(),
    secretAccessKey: valueOf("secret-access-key"),
    region: valueOf("region").trim(),
  };
  useCredentials(credentials);
  const ok = await attempt(async () => {
    await call("ListTables", { Limit: 1 }); // proves the credentials before going on
  });
  if (!ok) {
    useCredentials(undefined);
    return;
  }
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  notify(`Signed in as ${credentials.accessKeyId}.`);
  if (location.hash === "#/tables") void route();
  else location.hash = "#/tables";
}

/** @param {Credentials | undefined} credentials */
function setSignedIn(credentials) {
  const nav = /** @type {HTMLElement} */ (document.getElementById("nav"));
  nav.hidden = !credentials;
  const who = /** @type {HTMLElement} */ (document.getElementById("who"));
  replace(
    who,
    credentials
      ? [
          h("span", {}, `${credentials.accessKeyId} · ${credentials.region} `),
          h("button", { id: "sign-out", class: "link", onclick: signOut }, "Sign out"),
        ]
      : null,
  );
}

function signOut() {
  sessionStorage.removeItem(STORAGE_KEY);
  useCredentials(undefined);
  stopFollowing();
  location.hash = "";
  void showSignIn();
}

async function route() {
  stopFollowing();
  const credentials = saved();
  if (!credentials) return showSignIn();
  useCredentials(credentials);
  setSignedIn(credentials);
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  const [, page, name, tab] = location.hash.split("/");
  if (page === "table" && name) return showTable(main, decodeURIComponent(name), tab ?? "overview");
  if (page === "create") return showCreateTable(main);
  if (page === "partiql") return showPartiql(main);
  return showTables(main);
}

window.addEventListener("hashchange", () => void route());
void route();
