// The on-disk backend's failure paths and file names, on real files: a file where a directory should be, a
// directory where a file should be, files removed or planted behind the backend's back, paths one step too
// long, corrupt metadata, owner files of other boots and processes. What no unprivileged test can provoke on
// every file system is injected through a wrapper of node:fs/promises: out-of-space errors of writeFile, and a
// refused rename or rm (what an immutable or append-only directory gives); an unreadable boot id and a clash
// of random owner names are injected the same way, and the backoff's sleeps are recorded (every other call
// passes straight through).

import { watch } from "node:fs";
import type * as Crypto from "node:crypto";
import type * as FsPromises from "node:fs/promises";
import type * as TimersPromises from "node:timers/promises";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../../src/fscache/backend.ts";
import { PAGE_SIZE } from "../../src/fscache/backends/common.ts";
import { objectDir } from "../../src/fscache/backends/disk.ts";
import { bytes, close, failure, open, page } from "./contract.ts";
import { diskFixture, tree } from "./disk-fixture.ts";

/**
 * Injected results: the error code the next writeFile fails with (then it is cleared), what reading this boot's
 * id gives (an error, or other text) instead of the real one, and the next random bytes; undefined: the real
 * call.
 */
const inject = vi.hoisted(() => ({
  writeFile: undefined as string | undefined,
  /** The error code every rename (`rename`) or rm (`rm`) under `under` fails with, while set. */
  refuse: undefined as { fn: "rename" | "rm"; under: string; code: string } | undefined,
  bootId: undefined as Error | string | undefined,
  /** The bytes the next randomBytes call returns (then cleared). */
  randomBytes: undefined as Buffer | undefined,
  /** When set, the delays of the backend's sleeps are recorded here. */
  sleeps: undefined as number[] | undefined,
}));
const BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id";

vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const writeFile: typeof fs.writeFile = (...args) => {
    const code = inject.writeFile;
    if (code === undefined) return fs.writeFile(...args);
    inject.writeFile = undefined;
    return Promise.reject(
      Object.assign(
        new Error(`${code}: injected writeFile ${typeof args[0] === "string" ? args[0] : "(a handle)"}`),
        {
          code,
        },
      ),
    );
  };
  const readFile = ((...args: Parameters<typeof fs.readFile>) => {
    const boot = inject.bootId;
    if (args[0] !== BOOT_ID_FILE || boot === undefined) return fs.readFile(...args);
    return typeof boot === "string" ? Promise.resolve(boot) : Promise.reject(boot);
  }) as typeof fs.readFile;
  const refused = (fn: "rename" | "rm", path: unknown): Error | undefined => {
    const r = inject.refuse;
    if (r?.fn !== fn || typeof path !== "string" || !path.startsWith(r.under)) return undefined;
    return Object.assign(new Error(`${r.code}: injected ${fn} ${path}`), { code: r.code });
  };
  const rename: typeof fs.rename = (from, to) => {
    const e = refused("rename", from);
    return e ? Promise.reject(e) : fs.rename(from, to);
  };
  const rm: typeof fs.rm = (path, options) => {
    const e = refused("rm", path);
    return e ? Promise.reject(e) : fs.rm(path, options);
  };
  const wrapped = { writeFile, readFile, rename, rm };
  return { ...fs, ...wrapped, default: { ...fs, ...wrapped } };
});

vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof Crypto>();
  const randomBytes = ((...args: Parameters<typeof crypto.randomBytes>) => {
    const bytes = inject.randomBytes;
    if (bytes === undefined) return crypto.randomBytes(...args);
    inject.randomBytes = undefined;
    inject.sleeps = undefined;
    vi.restoreAllMocks();
    return bytes;
  }) as typeof crypto.randomBytes;
  return { ...crypto, randomBytes, default: { ...crypto, randomBytes } };
});

vi.mock("node:timers/promises", async (importOriginal) => {
  const timers = await importOriginal<typeof TimersPromises>();
  const setTimeout = ((...args: Parameters<typeof timers.setTimeout>) => {
    inject.sleeps?.push(Number(args[0]));
    return timers.setTimeout(...args);
  }) as typeof timers.setTimeout;
  return { ...timers, setTimeout, default: { ...timers, setTimeout } };
});

/** This boot's id as the backend reads it. */
const bootId = async () =>
  (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim().replaceAll("-", "");

/** Polls `done` every few milliseconds, for at most two seconds. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 2000; !done() && Date.now() < deadline;) await sleep(2);
}

/**
 * The names of the entries of `dir` that were created, renamed, changed or removed while `work` ran (inotify,
 * so that short-lived temporary files are seen too). A marker file written afterwards flushes the events.
 */
async function namesDuring(dir: string, work: () => Promise<unknown>): Promise<string[]> {
  const names: string[] = [];
  const marker = "zz-marker";
  const watcher = watch(dir, (_event, name) => {
    if (name) names.push(name);
  });
  try {
    await work();
    await writeFile(join(dir, marker), "");
    await until(() => names.includes(marker));
    expect(names).toContain(marker);
  } finally {
    watcher.close();
    await rm(join(dir, marker), { force: true });
  }
  return [...new Set(names)].filter((n) => n !== marker);
}

// A short timeout: a test that hangs (an opener retrying forever) still fails, and afterEach still cleans up.
describe("DiskBackend failures and names", { timeout: 10_000 }, () => {
  const { setup, backend } = diskFixture("fscache-disk-errors-");
  // Registered after the fixture's cleanup, so it runs before it (after-hooks run last-registered first).
  afterEach(() => {
    inject.writeFile = undefined;
    inject.bootId = undefined;
    inject.randomBytes = undefined;
    inject.refuse = undefined;
  });
  const owners = async (root: string) => (await readdir(root)).filter((n) => n.startsWith(".owner-"));

  describe("file names", () => {
    it("names its owner file after this boot and process, and leaves it empty", async () => {
      const root = await setup();
      await open(backend(root), ["k"]);
      const [owner, ...more] = await owners(root);
      expect(more).toEqual([]);
      expect(owner).toMatch(new RegExp(`^\\.owner-${await bootId()}-${process.pid}-[0-9a-f]{8}$`));
      expect(await readFile(join(root, owner ?? ""), "utf8")).toBe("");
    });

    it("names temporary files and graveyards .tmp-/.graveyard-<pid>-<counter>-<8 hex digits>, never twice", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      const inObject = await namesDuring(join(root, "@k"), async () => {
        await Promise.all([b.writePage(obj, 0, bytes(1)), b.writePage(obj, 1, bytes(2))]);
        await b.invalidateObject(obj, 10);
      });
      const inRoot = await namesDuring(root, () => close(b, obj, true));
      const made = [...inObject, ...inRoot].filter((n) => !["meta.json", "pages", "@k"].includes(n));
      const pattern = /^\.(tmp|graveyard)-(\d+)-(\d+)-[0-9a-f]{8}$/;
      for (const name of made) expect(name).toMatch(pattern);
      const parsed = made.map((n) => pattern.exec(n) ?? []);
      // Two page writes and a metadata write; the invalidated pages and the retired object.
      expect(parsed.map((m) => m[1]).sort()).toEqual(["graveyard", "graveyard", "tmp", "tmp", "tmp"]);
      expect(new Set(parsed.map((m) => m[2]))).toEqual(new Set([String(process.pid)]));
      expect(new Set(parsed.map((m) => m[3])).size).toBe(5);
      expect(inRoot.filter((n) => n.startsWith(".graveyard-"))).toHaveLength(1);
      expect(await tree(root)).toEqual((await owners(root)).sort());
    });

    it("keeps pages apart that are written at the same time", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      await Promise.all([0, 1, 2, 3].map((p) => b.writePage(obj, p, page(p + 1, 100))));
      for (const p of [0, 1, 2, 3]) expect(await b.readPage(obj, p)).toEqual(page(p + 1, 100));
      expect(await readdir(join(root, "@k"))).toEqual(expect.arrayContaining(["meta.json", "pages"]));
      expect(await readdir(join(root, "@k"))).toHaveLength(2);
    });

    it("sweeps only the exact names it makes: whole names, counters of any length, the right kind", async () => {
      const root = await setup();
      const first = backend(root);
      const { obj } = await open(first, ["i"]);
      await close(first, obj);
      await first.close();
      const before = await tree(root);
      const boot = await bootId();
      const swept = [".tmp-12-34-0123abcd", "@i/.tmp-123-45-deadbeef"];
      const sweptDirs = [".graveyard-12-34-0123abcd", "@i/.graveyard-99-100-ffffffff"];
      const kept = [
        "x.tmp-1-1-deadbeef",
        ".tmp-1-1-deadbeef0",
        "@i/x.tmp-1-1-deadbeef",
        `x.owner-${boot}-1-0000000d`, // would be a live owner (pid 1), were it one
        `.owner-${boot}-1-0000000dd`,
      ];
      const keptDirs = ["x.graveyard-1-1-deadbeef", ".graveyard-1-1-deadbeef0"];
      for (const name of [...swept, ...kept]) await writeFile(join(root, name), "x");
      for (const name of [...sweptDirs, ...keptDirs])
        await mkdir(join(root, name, "@x"), { recursive: true });
      const second = backend(root);
      const again = await open(second, ["i"]);
      expect(again.outcome).toBe("POSITIVE");
      await close(second, again.obj);
      await second.close();
      expect(await tree(root)).toEqual(
        [...before, ...kept, ...keptDirs, ...keptDirs.map((d) => `${d}/@x`)].sort(),
      );
    });
  });

  describe("owners", () => {
    it("counts an owner of an unknown boot, or whose process it cannot check, as live", async () => {
      const root = await setup();
      await mkdir(root, { recursive: true });
      const boot = await bootId();
      const live = [".owner-unknown-1-0000000a", `.owner-${boot}-4294967296-0000000b`];
      const dead = `.owner-unknown-99999999-0000000c`;
      for (const name of [...live, dead]) await writeFile(join(root, name), "");
      const b = backend(root);
      inject.sleeps = [];
      vi.spyOn(Math, "random").mockReturnValue(0.5);
      const err = await failure(() => open(b, ["k"]));
      vi.restoreAllMocks();
      // Four attempts; between them it backs off 5 ms plus a random part of 20 ms per attempt made.
      expect(inject.sleeps).toEqual([15, 25, 35]);
      inject.sleeps = undefined;
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toMatchObject({ code: "ENOBUFS", op: "lookupObject" });
      const listed = /is in use \((.*)\)$/.exec((err as Error).message)?.[1];
      expect(listed?.split(", ").sort()).toEqual([...live].sort());
      expect((await owners(root)).sort()).toEqual([...live].sort());
      for (const name of live) await rm(join(root, name));
      expect((await open(b, ["k"])).outcome).toBe("NEGATIVE");
    });

    it("without a readable boot id, names its owner file 'unknown' and judges owners by their process", async () => {
      const root = await setup();
      const otherBoot = "f".repeat(32);
      const boots: [string, Error | string][] = [
        ["unreadable", Object.assign(new Error("EACCES: injected"), { code: "EACCES" })],
        ["trailing", `${"0123456789abcdef".repeat(2)}0\n`], // 33 hex digits
        ["leading", `g${"0123456789abcdef".repeat(2)}\n`],
      ];
      for (const [name, boot] of boots) {
        // A fresh module: the backend reads the boot id once per process.
        inject.bootId = boot;
        vi.resetModules();
        const fresh = await import("../../src/fscache/backends/disk.ts");
        const cache = join(root, name);
        await mkdir(cache, { recursive: true });
        const live = `.owner-${otherBoot}-1-0000000a`; // another boot, but process 1 is running here
        await writeFile(join(cache, live), "");
        await writeFile(join(cache, `.owner-${otherBoot}-99999999-0000000b`), "");
        const b = backend(cache, (r) => new fresh.DiskBackend(r));
        const err = await failure(() => open(b, ["k"]));
        expect(err).toMatchObject({ name: "BackendError", code: "ENOBUFS" });
        expect((err as Error).message).toMatch(new RegExp(`is in use \\(${live}\\)$`));
        await rm(join(cache, live));
        expect((await open(b, ["k"])).outcome).toBe("NEGATIVE");
        const [owner, ...more] = await owners(cache);
        expect(more).toEqual([]);
        expect(owner).toMatch(new RegExp(`^\\.owner-unknown-${process.pid}-[0-9a-f]{8}$`));
      }
    });

    it("never shares an owner file: an opener that draws a name already taken fails", async () => {
      const root = await setup();
      const first = backend(root);
      inject.randomBytes = Buffer.from("0000000e", "hex");
      await open(first, ["k"]);
      const taken = await owners(root);
      expect(taken).toEqual([`.owner-${await bootId()}-${process.pid}-0000000e`]);
      inject.randomBytes = Buffer.from("0000000e", "hex");
      const second = backend(root);
      const err = await failure(() => open(second, ["k"]));
      expect(err).toMatchObject({ name: "BackendError", code: "EIO", op: "lookupObject" });
      expect((err as Error).message).toContain("EEXIST");
      expect(await owners(root)).toEqual(taken);
      await first.close();
      expect((await open(second, ["k"])).outcome).toBe("POSITIVE");
    });

    it("retries while another owner holds the directory, and proceeds once it is gone", async () => {
      const root = await setup();
      await mkdir(root, { recursive: true });
      const rival = `.owner-${await bootId()}-1-0000000d`;
      await writeFile(join(root, rival), "");
      const seen: string[] = [];
      const watcher = watch(root, (_event, name) => {
        if (name?.startsWith(".owner-") && name !== rival) seen.push(name);
      });
      try {
        const pending = open(backend(root), ["k"]).catch((e: unknown) => e);
        await until(() => seen.length >= 2); // our first owner file came and went: the first attempt failed
        await rm(join(root, rival));
        expect(await pending).toMatchObject({ outcome: "NEGATIVE" });
      } finally {
        watcher.close();
      }
    });

    it("an opener copes with dead owners' files vanishing as another opener removes them", async () => {
      const root = await setup();
      await mkdir(root, { recursive: true });
      const boot = await bootId();
      // The second opener lists the dead owners while the first removes them: it must not trip over the
      // files the first removed meanwhile. Whether a faulty backend trips depends on timing: many files, two
      // tries.
      for (let trial = 0; trial < 2; trial++) {
        const dead = Array.from(
          { length: 400 },
          (_, i) => `.owner-${boot}-99999999-${(trial * 1000 + i).toString(16).padStart(8, "0")}`,
        );
        for (const name of dead) await writeFile(join(root, name), "");
        const first = backend(root);
        let removing = false;
        const watcher = watch(root, (_event, name) => {
          if (name && dead.includes(name)) removing = true;
        });
        try {
          const firstOpen = open(first, [`a${trial}`]).then(
            (r) => r.outcome,
            (e: unknown) => e,
          );
          await until(() => removing);
          const secondOpen = await open(backend(root), ["b"]).then(
            (r) => r.outcome,
            (e: unknown) => e,
          );
          expect(await firstOpen).toBe("NEGATIVE");
          expect(secondOpen).toMatchObject({ name: "BackendError", code: "ENOBUFS" });
        } finally {
          watcher.close();
        }
        expect(await owners(root)).toHaveLength(1);
        await first.close();
      }
    });

    it("closes cleanly when its owner file was removed behind its back", async () => {
      const root = await setup();
      const b = backend(root);
      await open(b, ["k"]);
      const [owner] = await owners(root);
      await rm(join(root, owner ?? "missing"));
      await b.close();
      expect(await readdir(root)).toEqual(["@k"]);
    });
  });

  describe("metadata", () => {
    it("finds nothing (NEGATIVE) under corrupt or mismatched metadata, and rewrites it", async () => {
      const root = await setup();
      const b = backend(root);
      const base = { version: 1, key: ["k"], aux: "AQ==", size: 0 }; // aux: bytes(1)
      const cases: [string[], string[], object][] = [
        [["k"], ["k"], { ...base, version: 2 }],
        [["k"], ["k"], { ...base, size: 1.5 }],
        [["k"], ["k"], { ...base, size: "0" }],
        [["k"], ["k"], { ...base, key: "k" }],
        [["k", "x"], ["k", "x"], { ...base, key: ["k"] }], // another (shorter) key's metadata
        [["a", "c"], ["a", "c"], { ...base, key: ["a", "b"] }],
      ];
      for (const [path, key, meta] of cases) {
        const { obj } = await open(b, path);
        await b.writePage(obj, 0, bytes(5));
        await close(b, obj);
        const file = join(root, objectDir({ path }), "meta.json");
        await writeFile(file, JSON.stringify(meta));
        const again = await open(b, path);
        expect({ meta, outcome: again.outcome }).toEqual({ meta, outcome: "NEGATIVE" });
        expect(await b.readPage(again.obj, 0)).toBeNull();
        await close(b, again.obj);
        expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ ...base, key });
        expect((await open(b, path)).outcome).toBe("POSITIVE");
      }
    });

    it("fails a lookup whose metadata cannot be read (a directory), without touching the object", async () => {
      const root = await setup();
      await mkdir(join(root, "@k", "meta.json"), { recursive: true });
      await writeFile(join(root, "@k", "meta.json", "x"), "");
      const b = backend(root);
      const err = await failure(() => b.lookupObject(b.allocObject({ path: ["k"] }), bytes(1)));
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toMatchObject({ code: "EIO", op: "lookupObject", afterNegative: false });
      expect((await tree(join(root, "@k"))).filter((n) => !n.startsWith("meta.json"))).toEqual([]);
    });

    it("records a size change in the metadata", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"], bytes(1));
      await b.attrChanged(obj, 5);
      const meta = JSON.parse(await readFile(join(root, "@k", "meta.json"), "utf8")) as unknown;
      expect(meta).toEqual({ version: 1, key: ["k"], aux: "AQ==", size: 5 });
    });

    it("a lookup that finds nothing and then cannot create the object fails after the negative result", async () => {
      const root = await setup();
      // A key whose directory path leaves room for meta.json but not for a graveyard name: PATH_MAX is 4096.
      const path: string[] = [];
      for (let left = 4080 - join(root, "").length; left > 0;) {
        const segment = left - 202 >= 3 || left <= 202 ? Math.min(202, left) : left - 3;
        path.push("x".repeat(segment - 2)); // "/@" + element
        left -= segment;
      }
      expect(join(root, objectDir({ path })).length).toBe(4080);
      const b = backend(root);
      const obj = b.allocObject({ path });
      const err = await failure(() => b.lookupObject(obj, bytes(1)));
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toMatchObject({ code: "EIO", op: "lookupObject", afterNegative: true });
      // The op and code are said once, then the file system's error.
      expect((err as Error).message).toMatch(/^lookupObject: EIO: ENAMETOOLONG/);
      // Looked up but never given metadata: a further call is a caller bug, not an I/O error.
      b.lookupComplete(obj);
      const next = await failure(() => b.updateObject(obj, bytes(2)));
      expect(next).not.toBeInstanceOf(BackendError);
      expect((next as Error).message).toMatch(/: looked-up object without metadata$/);
      await close(b, obj, true);
    });
  });

  describe("pages", () => {
    it("attrChanged cuts only files named as page numbers, and copes with a missing pages directory", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      const pages = join(root, "@k", "pages");
      await b.writePage(obj, 12, bytes(1));
      for (const stranger of ["1e1", "+1", "0x0"]) await writeFile(join(pages, stranger), "x");
      await b.attrChanged(obj, 0);
      expect((await readdir(pages)).sort()).toEqual(["+1", "0x0", "1e1"]);
      await rm(pages, { recursive: true });
      await b.attrChanged(obj, 5);
      expect(JSON.parse(await readFile(join(root, "@k", "meta.json"), "utf8"))).toMatchObject({ size: 5 });
      await writeFile(pages, "a file, not a directory");
      expect(await failure(() => b.attrChanged(obj, 1))).toMatchObject({ name: "BackendError", code: "EIO" });
    });

    it("invalidates an object whose pages directory is gone, leaving no graveyard", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      await b.writePage(obj, 0, bytes(1));
      await rm(join(root, "@k", "pages"), { recursive: true });
      await b.invalidateObject(obj, 3);
      expect((await readdir(join(root, "@k"))).sort()).toEqual(["meta.json", "pages"]);
      expect(await b.readPage(obj, 0)).toBeNull();
    });

    it("attrChanged rewrites only the page the size cuts through, and only when that page is longer", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      const pages = join(root, "@k", "pages");
      await writeFile(join(pages, "0"), new Uint8Array(PAGE_SIZE + 100)); // corrupt: longer than a page
      await b.writePage(obj, 1, bytes(1, 2, 3));
      expect(await namesDuring(pages, () => b.attrChanged(obj, PAGE_SIZE + 3))).toEqual([]);
      await b.attrChanged(obj, PAGE_SIZE);
      expect((await stat(join(pages, "0"))).size).toBe(PAGE_SIZE + 100);
      expect(await readdir(pages)).toEqual(["0"]);
    });

    it("invalidation recreates an object directory removed behind its back", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["a", "k"]);
      await b.writePage(obj, 0, bytes(1));
      await rm(join(root, "@a", "@k"), { recursive: true });
      await b.invalidateObject(obj, 7);
      expect(await tree(join(root, "@a"))).toEqual(["@k", "@k/meta.json", "@k/pages"]);
      expect(await b.readPage(obj, 0)).toBeNull();
    });
  });

  describe("I/O errors", () => {
    it("reports each call's failure as BackendError EIO naming the call", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      await b.writePage(obj, 0, bytes(1));
      await rm(join(root, "@k"), { recursive: true });
      await writeFile(join(root, "@k"), "a file where the object's directory was");
      const calls: [string, () => Promise<unknown>][] = [
        ["updateObject", () => b.updateObject(obj, bytes(2))],
        ["invalidateObject", () => b.invalidateObject(obj, 0)],
        ["attrChanged", () => b.attrChanged(obj, 0)],
        ["readPage", () => b.readPage(obj, 0)],
        ["writePage", () => b.writePage(obj, 0, bytes(3))],
      ];
      for (const [op, call] of calls) {
        const err = await failure(() => call());
        expect(err).toBeInstanceOf(BackendError);
        expect(err).toMatchObject({ code: "EIO", op, afterNegative: false });
        expect((err as Error).message).toMatch(new RegExp(`^${op}: EIO: ENOTDIR`));
      }
      expect(await readFile(join(root, "@k"), "utf8")).toBe("a file where the object's directory was");
    });

    it("reports a retire that cannot move the object away, unless the object is simply absent", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["a", "b"]);
      await rm(join(root, "@a"), { recursive: true });
      await writeFile(join(root, "@a"), "a file where a directory was");
      const err = await failure(() => b.dropObject(obj, true));
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toMatchObject({
        code: "EIO",
        op: "dropObject",
        message: expect.stringContaining("ENOTDIR") as string,
      });
      b.putObject(obj);
      await rm(join(root, "@a"));
      await close(b, b.allocObject({ path: ["a", "b"] }), true);
      expect(await readdir(root)).toEqual(await owners(root));
    });

    it("maps out-of-space errors to ENOSPC, a busy resource to ENOBUFS, anything else to EIO", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      const mapped: Record<string, string> = {};
      for (const code of ["ENOSPC", "EDQUOT", "EBUSY", "EROFS", ""]) {
        inject.writeFile = code;
        const err = await failure(() => b.writePage(obj, 0, bytes(1)));
        expect(err).toBeInstanceOf(BackendError);
        expect(err).toMatchObject({ op: "writePage" });
        expect((err as BackendError).message).toMatch(
          new RegExp(`^writePage: ${(err as BackendError).code}: ${code}: injected writeFile ${root}/`),
        );
        mapped[code] = (err as BackendError).code;
      }
      expect(mapped).toEqual({
        ENOSPC: "ENOSPC",
        EDQUOT: "ENOSPC",
        EBUSY: "ENOBUFS",
        EROFS: "EIO",
        "": "EIO",
      });
      expect(await b.readPage(obj, 0)).toBeNull();
    });
  });

  describe("usage errors", () => {
    it("puts an object straight from allocated or looked-up; a closed backend refuses calls", async () => {
      const root = await setup();
      const b = backend(root);
      const allocated = b.allocObject({ path: ["a"] });
      b.putObject(allocated);
      const { obj } = await open(b, ["l"]);
      b.putObject(obj);
      await b.close();
      expect(await failure(() => b.readPage(obj, 0))).toMatchObject({
        name: "BackendUsageError",
        message: 'readPage ["l"]: the backend is closed',
      });
    });
  });

  describe("refused file operations (an immutable or append-only directory)", () => {
    it("fails the open when it cannot create its owner file, and retries it on the next call", async () => {
      const root = await setup();
      await mkdir(root, { recursive: true });
      inject.writeFile = "EPERM";
      const b = backend(root);
      const err = await failure(() => open(b, ["k"]));
      expect(err).toMatchObject({ name: "BackendError", code: "EIO", op: "lookupObject" });
      expect((err as Error).message).toContain(".owner-");
      expect(await readdir(root)).toEqual([]);
      expect((await open(b, ["k"])).outcome).toBe("NEGATIVE");
      expect(await owners(root)).toHaveLength(1);
      await expect(open(backend(root), ["k"])).rejects.toMatchObject({ code: "ENOBUFS" });
    });

    it("fails the open when the sweep fails, giving the directory up until the next call", async () => {
      const root = await setup();
      await mkdir(join(root, "@x"), { recursive: true });
      await writeFile(join(root, "@x", ".tmp-1-1-0123abcd"), "left by a crash");
      inject.refuse = { fn: "rm", under: join(root, "@x"), code: "EPERM" };
      const b = backend(root);
      const err = await failure(() => open(b, ["y"]));
      expect(err).toMatchObject({ name: "BackendError", code: "EIO", op: "lookupObject" });
      expect(await owners(root)).toEqual([]);
      inject.refuse = undefined;
      expect((await open(b, ["y"])).outcome).toBe("NEGATIVE");
      expect(await readdir(join(root, "@x"))).toEqual([]);
    });

    it("fails an invalidation that cannot move the pages away, leaving no temporary file", async () => {
      const root = await setup();
      const b = backend(root);
      const { obj } = await open(b, ["k"]);
      await b.writePage(obj, 0, bytes(1));
      inject.refuse = { fn: "rename", under: join(root, "@k", "pages"), code: "EPERM" }; // the pages stay
      const err = await failure(() => b.invalidateObject(obj, 0));
      expect(err).toMatchObject({ name: "BackendError", code: "EIO", op: "invalidateObject" });
      expect((await readdir(join(root, "@k"))).sort()).toEqual(["meta.json", "pages"]);
      inject.refuse = undefined;
      expect(await b.readPage(obj, 0)).toEqual(bytes(1));
    });
  });
});
