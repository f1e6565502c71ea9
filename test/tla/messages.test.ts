import { describe, expect, it } from "vitest";
import { messagesWithCode, splitMessages } from "../../src/tla/messages.ts";
import { recorded } from "./fixtures.ts";

describe("splitMessages", () => {
  it("splits framed messages and keeps SANY's lines as plain lines", () => {
    const items = splitMessages(recorded("Counter").output);
    expect(items[0]).toMatchObject({ kind: "message", code: 2262, class: "none", truncated: false });
    expect(items.filter((i) => i.kind === "plain").map((i) => i.kind === "plain" && i.text)).toContain(
      "Semantic processing of module Counter",
    );
    expect(messagesWithCode(items, 2199)[0]?.body).toBe(
      "11 states generated, 7 distinct states found, 0 states left on queue.",
    );
  });

  it("keeps Print output between messages, in order", () => {
    const items = splitMessages(recorded("Assert").output);
    const assert = items.findIndex((i) => i.kind === "message" && i.code === 2132);
    expect(items[assert - 1]).toMatchObject({ kind: "plain", text: '<<"x", 1>>' });
    expect(messagesWithCode(items, 2132)[0]).toMatchObject({ class: "error" });
  });

  it("finds a message that starts in the middle of a line (a Java exception)", () => {
    const items = splitMessages(recorded("Crash2162").output);
    expect(items[0]).toMatchObject({
      kind: "plain",
      text: 'Exception in thread "main" util.Assert$TLCRuntimeException: ',
    });
    expect(items[1]).toMatchObject({ kind: "message", code: 2162, truncated: false });
    expect(items.at(-1)).toMatchObject({ kind: "plain", text: "\tat tlc2.TLC.main(TLC.java:246)" });
  });

  it("returns a message cut off by the end of output as truncated", () => {
    const items = splitMessages("@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\nx = 0");
    expect(items).toEqual([
      {
        kind: "message",
        code: 2217,
        class: "state",
        body: "1: <Initial predicate>\nx = 0",
        line: 1,
        truncated: true,
      },
    ]);
  });
});
