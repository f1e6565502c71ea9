// Splits TLC's `-tool` output into its framed messages (`@!@!@STARTMSG code:class @!@!@` … `@!@!@ENDMSG code
// @!@!@`) and the unframed lines between them (SANY's progress and errors, Print output, Java stack traces).

/** Message classes of `tlc2.output.MP`. */
export type MessageClass = "none" | "error" | "tlc-bug" | "warning" | "state";

const CLASSES: readonly MessageClass[] = ["none", "error", "tlc-bug", "warning", "state"];

/** One framed message. */
export interface TlcMessage {
  readonly kind: "message";
  /** TLC's message code, e.g. 2110 (invariant violated) or 2217 (a trace state). */
  readonly code: number;
  readonly class: MessageClass;
  /** The lines between the frames, joined by `\n` (may end with an empty line, as 2217 bodies do). */
  readonly body: string;
  /** 1-based line of the STARTMSG frame in the output. */
  readonly line: number;
  /** True when the output ended (or another message began) before this message's ENDMSG. */
  readonly truncated: boolean;
}

/** One unframed output line. */
export interface PlainLine {
  readonly kind: "plain";
  readonly text: string;
  readonly line: number;
}

/** The output in order: framed messages and plain lines. */
export type OutputItem = TlcMessage | PlainLine;

const START = /@!@!@STARTMSG (\d+):(\d+) @!@!@/;
const END = /@!@!@ENDMSG (\d+) @!@!@/;

/**
 * Splits `-tool` output. Never fails: text outside frames becomes plain lines (including text before a
 * frame on the same line, as when a Java exception message embeds a message), and a message cut off by
 * the end of the output is returned with `truncated: true`.
 */
export function splitMessages(output: string): OutputItem[] {
  const items: OutputItem[] = [];
  let open: { code: number; cls: MessageClass; line: number; body: string[] } | undefined;
  const close = (truncated: boolean): void => {
    if (open === undefined) return;
    const { code, cls, line, body } = open;
    items.push({ kind: "message", code, class: cls, body: body.join("\n"), line, truncated });
    open = undefined;
  };
  const lines = output.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((text, i) => {
    const line = i + 1;
    const start = START.exec(text);
    if (start) {
      close(true);
      const before = text.slice(0, start.index);
      if (before.trim() !== "") items.push({ kind: "plain", text: before, line });
      open = { code: Number(start[1]), cls: CLASSES[Number(start[2])] ?? "none", line, body: [] };
      const after = text.slice(start.index + start[0].length);
      if (after.trim() !== "") open.body.push(after);
      return;
    }
    const end = END.exec(text);
    if (end && open !== undefined) {
      const before = text.slice(0, end.index);
      if (before !== "") open.body.push(before);
      close(false);
      return;
    }
    if (open !== undefined) open.body.push(text);
    else items.push({ kind: "plain", text, line });
  });
  close(true);
  return items;
}

/** The messages with the given code, in output order. */
export function messagesWithCode(items: readonly OutputItem[], code: number): TlcMessage[] {
  return items.filter((m): m is TlcMessage => m.kind === "message" && m.code === code);
}
