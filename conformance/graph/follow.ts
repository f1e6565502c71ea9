// Reads a file line by line while another process is still writing it (TLC's state-graph dump), so the graph
// is built as TLC explores rather than after. Lines come with their byte offset, which lets a reader go back
// to one line later (a failure report re-reads the spec state of one node) without keeping the text.

import { open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** One complete line (without its newline) and the byte offset where it starts. */
export interface OffsetLine {
  readonly text: string;
  readonly offset: number;
}

export interface FollowOptions {
  /** Settles when the writer has finished: after it, the rest of the file is read and the reader ends. */
  readonly done: Promise<unknown>;
  /** How long to wait for more bytes when the reader has caught up with the writer (ms). */
  readonly pollMs?: number;
  /** The longest line accepted, in bytes; a longer one is an error naming its offset. */
  readonly maxLineBytes?: number;
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Yields the lines of `file` as they are written. The file must exist when called. A final line without a
 * newline is yielded once the writer is done. Reading is linear in the file size.
 */
export async function* followLines(file: string, options: FollowOptions): AsyncGenerator<OffsetLine> {
  const pollMs = options.pollMs ?? 20;
  const maxLine = options.maxLineBytes ?? 64 << 20;
  let writerDone = false;
  void options.done.then(
    () => (writerDone = true),
    () => (writerDone = true),
  );
  const fh = await open(file, "r");
  try {
    let position = 0;
    // Bytes of the current, unfinished line (kept as chunks, joined once the line ends).
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineStart = 0;
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const finished = writerDone;
      const { bytesRead } = await fh.read(buf, 0, CHUNK, position);
      if (bytesRead === 0) {
        if (finished) break;
        await sleep(pollMs);
        continue;
      }
      let from = 0;
      for (let nl = buf.indexOf(NEWLINE, 0); nl >= 0 && nl < bytesRead; nl = buf.indexOf(NEWLINE, from)) {
        const piece = buf.subarray(from, nl);
        const text =
          pending.length === 0
            ? piece.toString("utf8")
            : Buffer.concat([...pending, piece], pendingBytes + piece.length).toString("utf8");
        yield { text, offset: lineStart };
        pending = [];
        pendingBytes = 0;
        lineStart = position + nl + 1;
        from = nl + 1;
      }
      if (from < bytesRead) {
        pending.push(Buffer.from(buf.subarray(from, bytesRead)));
        pendingBytes += bytesRead - from;
        if (pendingBytes > maxLine) {
          throw new Error(`line at byte ${lineStart} of ${file} is longer than ${maxLine} bytes`);
        }
      }
      position += bytesRead;
    }
    if (pendingBytes > 0) yield { text: Buffer.concat(pending).toString("utf8"), offset: lineStart };
  } finally {
    await fh.close();
  }
}

/** Reads the one line starting at `offset` (for failure reports). */
export async function lineAt(file: string, offset: number, maxLineBytes = 64 << 20): Promise<string> {
  const fh = await open(file, "r");
  try {
    const parts: Buffer[] = [];
    let position = offset;
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(1 << 16);
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      const nl = buf.indexOf(NEWLINE);
      if (nl >= 0 && nl < bytesRead) {
        parts.push(buf.subarray(0, nl));
        break;
      }
      parts.push(buf.subarray(0, bytesRead));
      position += bytesRead;
      total += bytesRead;
      if (total > maxLineBytes) throw new Error(`line at byte ${offset} of ${file} is too long`);
    }
    return Buffer.concat(parts).toString("utf8");
  } finally {
    await fh.close();
  }
}
