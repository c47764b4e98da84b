// @ts-check
// The status line (errors from the API shown as DynamoDB reports them) and a wrapper that
// runs an action and reports its failure there.
import { ApiError } from "./api.mjs";

/** @param {string} message @param {"info" | "error"} [kind] */
export function notify(message, kind = "info") {
  const el = document.getElementById("status");
  if (!el) return;
  el.textContent = message;
  el.className = kind;
}

/** @param {unknown} err */
export function errorText(err) {
  if (err instanceof ApiError) return `${err.type}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Runs an action; a failure goes to the status line (and is returned as false).
 * @param {() => Promise<void> | void} action
 */
export async function attempt(action) {
  try {
    await action();
    return true;
  } catch (err) {
    notify(errorText(err), "error");
    return false;
  }
}
