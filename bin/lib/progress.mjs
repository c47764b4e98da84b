// @ts-check
// A progress bar on stderr: done/total as a bar and percentage, items and items/s, ETA.
// On a terminal it redraws one line (at most 10 times a second); otherwise (CI logs, files)
// it prints a plain line every 5 seconds so logs stay readable.

const WIDTH = 24;

/** @param {number} n */
export function grouped(n) {
  return Math.round(n).toLocaleString("en-US");
}

/** @param {number} seconds */
export function clock(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export class Progress {
  /**
   * @param {{ label: string; total: number; enabled: boolean; stream?: NodeJS.WriteStream }} options
   *   total: the amount `update` counts towards (bytes of the input file, or the table's ItemCount); 0 when unknown.
   */
  constructor(options) {
    this.label = options.label;
    this.total = options.total;
    this.enabled = options.enabled;
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.started = Date.now();
    // A terminal gets the bar at once; a log gets its first line after 5 seconds.
    this.lastDraw = this.tty ? 0 : this.started;
    this.done = 0;
    this.items = 0;
  }

  /**
   * @param {number} done progress towards total
   * @param {number} items items written so far
   */
  update(done, items) {
    this.done = done;
    this.items = items;
    const now = Date.now();
    if (!this.enabled || now - this.lastDraw < (this.tty ? 100 : 5000)) return;
    this.lastDraw = now;
    this.draw(false);
  }

  /** Draws the final state and ends the line. */
  finish() {
    if (!this.enabled) return;
    this.draw(true);
  }

  /** Seconds since the start. */
  elapsed() {
    return (Date.now() - this.started) / 1000;
  }

  /** @param {boolean} final */
  draw(final) {
    const elapsed = Math.max(this.elapsed(), 0.001);
    const fraction = this.total > 0 ? Math.min(this.done / this.total, 1) : 0;
    const filled = Math.round(fraction * WIDTH);
    const bar =
      this.total > 0
        ? `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`
        : "[?]";
    const rate = this.items / elapsed;
    const eta = final
      ? `in ${clock(elapsed)}`
      : fraction > 0
        ? `ETA ${clock((elapsed * (1 - fraction)) / fraction)}`
        : "ETA --:--";
    const line = `${this.label} ${bar}  ${grouped(this.items)} items  ${grouped(rate)} items/s  ${eta}`;
    if (this.tty) this.stream.write(`\r\x1b[K${line}${final ? "\n" : ""}`);
    else this.stream.write(`${line}\n`);
  }

  /**
   * Prints a message above the bar (reports of bad lines) without garbling it.
   * @param {string} message
   */
  note(message) {
    if (this.tty && this.enabled) this.stream.write(`\r\x1b[K${message}\n`);
    else this.stream.write(`${message}\n`);
    if (this.tty && this.enabled) this.draw(false);
  }
}
