// Writing a file so that no reader sees half of it and a failure leaves nothing behind: the content goes to a
// temporary file beside it (named after the process, so two writers never share one), which is renamed over
// the target only once it is complete, and removed if writing it fails.

import { renameSync, rmSync } from "node:fs";

/** Writes `file` through `write(tmp)` and a rename; the temporary file never outlives the call. */
export function writeAtomically(file: string, write: (tmp: string) => void): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    write(tmp);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
