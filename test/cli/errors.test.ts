// The one formatter for errors that end a command: known errors print their own message, Node's system errors
// theirs (which name the path), and anything else says it was unexpected and how to see where it came from.

import { describe, expect, it } from "vitest";
import { CliError, describeError } from "../../src/cli/errors.ts";
import { ManifestError } from "../../src/cli/models.ts";

describe("describeError", () => {
  it("prints a known error's message as it is", () => {
    expect(describeError(new CliError("usage", "--x: expected y"))).toBe("--x: expected y");
    expect(describeError(new ManifestError("spec/models.json: entry /0: bad"))).toBe(
      "spec/models.json: entry /0: bad",
    );
  });

  it("prints a system error's message, which names the path", () => {
    const e = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: "EACCES" });
    expect(describeError(e)).toBe("EACCES: permission denied, open '/x'");
  });

  it("marks anything else as unexpected and says how to see its stack", () => {
    expect(describeError(new TypeError("x is undefined"))).toBe(
      "unexpected error: x is undefined (FSCACHE_DEBUG=1 shows where)",
    );
    expect(describeError("thrown string")).toBe(
      "unexpected error: thrown string (FSCACHE_DEBUG=1 shows where)",
    );
  });
});
