// A progress bar for long runs (trace generation, replay of thousands of traces), on stderr and only when
// it is a terminal, so --json output and CI logs stay clean. The default does nothing.

import cliProgress from "cli-progress";

export interface Progress {
  start(total: number, what: string): void;
  tick(n?: number): void;
  stop(): void;
}

export const noProgress: Progress = { start: () => undefined, tick: () => undefined, stop: () => undefined };

/** A cli-progress bar when stderr is a TTY and `enabled`; otherwise `noProgress`. */
export function progressBar(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return noProgress;
  const bar = new cliProgress.SingleBar(
    {
      format: "{what} [{bar}] {value}/{total} {eta_formatted}",
      stream: process.stderr,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, what) => bar.start(total, 0, { what }),
    tick: (n = 1) => bar.increment(n),
    stop: () => bar.stop(),
  };
}
