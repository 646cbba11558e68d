/** Where a command writes: a stream, and whether it is a terminal. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Reports the progress of a long task. */
export interface Progress {
  /** `done` of `total` units are finished. */
  update(done: number, detail?: string): void;
  /** Ends the report with a final line. */
  finish(detail: string): void;
}

const BAR_WIDTH = 30;

/**
 * A progress report: a bar redrawn in place on a terminal, plain lines (one per update at most
 * every `linesEvery` units) when the output is a file or a pipe, so logs stay readable.
 *
 * @example
 * ```ts
 * const progress = progressReport(process.stdout, 'sending', 7_500);
 * progress.update(500, '1,200 events/s');
 * progress.finish('7,500 events sent');
 * ```
 */
export const progressReport = (
  out: Output,
  label: string,
  total: number,
  linesEvery = total / 4,
): Progress => {
  let lastLine = 0;
  return {
    update(done, detail = '') {
      const share = total === 0 ? 1 : Math.min(1, done / total);
      if (out.isTTY) {
        const filled = Math.round(share * BAR_WIDTH);
        out.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${done}/${total} ${detail}\u001b[K`,
        );
      } else if (done - lastLine >= linesEvery || done === total) {
        lastLine = done;
        out.write(`${label}: ${done}/${total} ${detail}\n`);
      }
    },
    finish(detail) {
      out.write(`${out.isTTY ? '\r\u001b[K' : ''}${label}: ${detail}\n`);
    },
  };
};
