// The on-disk backend: the backend law suite on a temporary directory, plus what only a disk promises:
// real files in the documented layout, persistence across backend instances, deletion on retire, one owner
// per directory, a crash's leftovers swept on open, keys checked against the metadata, and file-system
// failures surfacing as BackendError. Crashes of a real process: crash.test.ts.

import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BackendError } from "../../src/fscache/backend.ts";
import { BackendUsageError, decodeKeyElement, encodeKeyElement } from "../../src/fscache/backends/common.ts";
import { DiskBackend, objectDir } from "../../src/fscache/backends/disk.ts";
import { FaultyBackend, fullDisk } from "../../src/fscache/backends/faults.ts";
import { backendContract, bytes, close, open, page } from "./contract.ts";
import { diskFixture, tree } from "./disk-fixture.ts";

const tempRoot = () => mkdtemp(join(tmpdir(), "fscache-disk-"));

backendContract("disk", async () => {
  const dir = await tempRoot();
  const backend = new DiskBackend(join(dir, "cache"));
  return {
    backend,
    cleanup: async () => {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("DiskBackend", () => {
  const { setup, backend } = diskFixture("fscache-disk-");

  it("encodes key elements as safe file names, reversibly", () => {
    expect(encodeKeyElement("server:/export")).toBe("server%3A%2Fexport");
    expect(encodeKeyElement("a-b_c.d")).toBe("a-b_c.d");
    expect(encodeKeyElement("é %")).toBe("%C3%A9%20%25");
    for (const s of ["server:/export", "é %", "..", "x\ny"])
      expect(decodeKeyElement(encodeKeyElement(s))).toBe(s);
    expect(objectDir({ path: ["nfs", ".."] })).toBe(join("@nfs", "@.."));
  });

  it("keeps one directory per object with its metadata and one file per page", async () => {
    const root = await setup();
    const b = backend(root);
    expect(b.tag).toBe(`disk:${root}`);
    const { obj } = await open(b, ["nfs", "srv:x", "inode 1"], bytes(7, 8));
    await b.writePage(obj, 0, page(1));
    await b.writePage(obj, 12, bytes(5));
    const objDir = "@nfs/@srv%3Ax/@inode%201";
    expect((await tree(root)).filter((n) => n.startsWith(".owner-"))).toHaveLength(1);
    await close(b, obj);
    await b.close();
    expect(await tree(root)).toEqual([
      "@nfs",
      "@nfs/@srv%3Ax",
      objDir,
      `${objDir}/meta.json`,
      `${objDir}/pages`,
      `${objDir}/pages/0`,
      `${objDir}/pages/12`,
    ]);
    const meta = JSON.parse(await readFile(join(root, objDir, "meta.json"), "utf8")) as unknown;
    expect(meta).toEqual({ version: 1, key: ["nfs", "srv:x", "inode 1"], aux: "Bwg=", size: 0 });
    expect(new Uint8Array(await readFile(join(root, objDir, "pages", "12")))).toEqual(bytes(5));
  });

  it("finds objects and pages again from a new backend instance (a restart)", async () => {
    const root = await setup();
    const first = backend(root);
    const { obj } = await open(first, ["a", "b"], bytes(1));
    await first.writePage(obj, 2, page(2));
    await first.invalidateObject(obj, 5);
    await first.writePage(obj, 0, bytes(9));
    await close(first, obj);
    await first.close();
    const second = backend(root);
    const again = await open(second, ["a", "b"], bytes(1));
    expect(again.outcome).toBe("POSITIVE");
    expect(await second.readPage(again.obj, 0)).toEqual(bytes(9));
    expect(await second.readPage(again.obj, 2)).toBeNull();
    await second.attrChanged(again.obj, 3); // cuts through page 0 beyond its 1 byte: nothing to cut
    expect(await second.readPage(again.obj, 0)).toEqual(bytes(9));
    await second.attrChanged(again.obj, 0);
    expect(await second.readPage(again.obj, 0)).toBeNull();
  });

  it("discards the pages on disk when the aux data is stale after a restart", async () => {
    const root = await setup();
    const first = backend(root);
    const { obj } = await open(first, ["k"], bytes(1));
    await first.writePage(obj, 0, page(1));
    await close(first, obj);
    await first.close();
    const second = backend(root);
    expect((await open(second, ["k"], bytes(2))).outcome).toBe("NEGATIVE");
    expect(await readdir(join(root, "@k", "pages"))).toEqual([]);
  });

  it("deletes the object's directory on retire, leaving no graveyard or temporary file", async () => {
    const root = await setup();
    const b = backend(root);
    const keep = await open(b, ["keep"]);
    const gone = await open(b, ["gone"]);
    await b.writePage(gone.obj, 0, page(1));
    await b.updateObject(gone.obj, bytes(4));
    await close(b, gone.obj, true);
    await close(b, keep.obj, false);
    await b.close();
    expect(await tree(root)).toEqual(["@keep", "@keep/meta.json", "@keep/pages"]);
  });

  it("treats an unreadable metadata file as stale", async () => {
    const root = await setup();
    const b = backend(root);
    const { obj } = await open(b, ["k"]);
    await b.writePage(obj, 0, bytes(1));
    await close(b, obj);
    await b.close();
    await writeFile(join(root, "@k", "meta.json"), "{not json");
    const again = await open(backend(root), ["k"]);
    expect(again.outcome).toBe("NEGATIVE");
  });

  it("reports a failed page write as BackendError EIO", async () => {
    const root = await setup();
    const b = backend(root);
    const { obj } = await open(b, ["k"]);
    // A file where the pages directory should be: works even as root, unlike a read-only directory.
    await rm(join(root, "@k", "pages"), { recursive: true });
    await writeFile(join(root, "@k", "pages"), "in the way");
    const err: unknown = await b.writePage(obj, 0, bytes(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: "EIO", op: "writePage" });
    expect((await readdir(join(root, "@k"))).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("reports a failed lookup as BackendError EIO", async () => {
    const root = await setup();
    await writeFile(root, "a file, not a directory");
    const b = backend(root);
    await expect(b.lookupObject(b.allocObject({ path: ["k"] }), bytes(1))).rejects.toMatchObject({
      name: "BackendError",
      code: "EIO",
      op: "lookupObject",
    });
  });

  it("a full disk (injected) fails writes with ENOSPC and leaves no page file", async () => {
    const root = await setup();
    const b = new FaultyBackend(backend(root), [fullDisk(1)]);
    const { obj } = await open(b, ["k"]);
    await b.writePage(obj, 0, bytes(1));
    await expect(b.writePage(obj, 1, bytes(2))).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await readdir(join(root, "@k", "pages"))).toEqual(["0"]);
  });
  it("lets one backend own a directory at a time; a second gets ENOBUFS until the first is closed", async () => {
    const root = await setup();
    const first = backend(root);
    const { obj } = await open(first, ["k"]);
    const second = backend(root);
    await expect(open(second, ["k"])).rejects.toMatchObject({ code: "ENOBUFS", op: "lookupObject" });
    await close(first, obj);
    await first.close();
    expect((await open(second, ["k"])).outcome).toBe("POSITIVE");
    expect((await tree(root)).filter((n) => n.startsWith(".owner-"))).toHaveLength(1);
  });

  it("takes a directory over from owners that are gone, never from one that may be running", async () => {
    const root = await setup();
    await mkdir(root, { recursive: true });
    const boot = (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim().replaceAll("-", "");
    const gone = [
      `.owner-${boot}-99999999-0000000a`, // no such process
      `.owner-${"0".repeat(32)}-1-0000000b`, // a process of an earlier boot
      `.owner-${boot}-${process.pid}-0000000c`, // this pid, but not this process's file: an earlier life
    ];
    const running = `.owner-${boot}-1-0000000d`;
    for (const name of [...gone, running, ".owner-notes"]) await writeFile(join(root, name), "");
    const b = backend(root);
    const err: unknown = await open(b, ["k"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({ code: "ENOBUFS", message: expect.stringContaining(running) as string });
    await rm(join(root, running));
    expect((await open(b, ["k"])).outcome).toBe("NEGATIVE");
    const left = (await readdir(root)).filter((n) => n.startsWith(".owner-"));
    expect(left).toHaveLength(2);
    expect(left).toContain(".owner-notes");
  });

  it("opens the directory for a retire too: no object is deleted from a directory another owns", async () => {
    const root = await setup();
    const first = backend(root);
    const { obj } = await open(first, ["k"]);
    await close(first, obj);
    const second = backend(root);
    const err: unknown = await second
      .dropObject(second.allocObject({ path: ["k"] }), true)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "BackendError", code: "ENOBUFS", op: "dropObject" });
    await first.close();
    await close(second, second.allocObject({ path: ["k"] }), true);
    expect((await tree(root)).filter((n) => !n.startsWith(".owner-"))).toEqual([]);
  });

  it("sweeps a crashed owner's temporary files and graveyards on open, and nothing else", async () => {
    const root = await setup();
    const first = backend(root);
    const child = await open(first, ["i", "f"]);
    const other = await open(first, ["j"]);
    await first.writePage(child.obj, 0, bytes(1));
    await first.writePage(other.obj, 3, bytes(2));
    await close(first, child.obj);
    await close(first, other.obj);
    await first.close();
    const before = await tree(root);
    const leftovers = [".tmp-12-3-0123abcd", "@i/.tmp-1-1-deadbeef", "@i/@f/.tmp-7-2-00000000"];
    const graves = [".graveyard-12-4-0123abcd", "@i/@f/.graveyard-7-9-ffffffff"];
    const strangers = [
      ".tmp-notes", // not a name the backend makes
      "@i/.tmp-1-1-DEADBEEF",
      ".graveyard-8-8-88888888", // a file, not a directory
      "@j/pages/.tmp-2-2-22222222", // not a place the backend puts temporary files
      "other/.tmp-3-3-33333333",
    ];
    for (const name of [...leftovers, ...strangers]) {
      await mkdir(join(root, name, ".."), { recursive: true });
      await writeFile(join(root, name), "x");
    }
    for (const name of graves) await mkdir(join(root, name, "@x", "pages"), { recursive: true });
    await mkdir(join(root, ".tmp-7-7-77777777")); // a directory, not a file
    const second = backend(root);
    const again = await open(second, ["i", "f"]);
    expect(again.outcome).toBe("POSITIVE");
    expect(await second.readPage(again.obj, 0)).toEqual(bytes(1));
    await close(second, again.obj);
    await second.close();
    expect(await tree(root)).toEqual([...before, ...strangers, "other", ".tmp-7-7-77777777"].sort());
  });

  it("serves nothing from a directory whose metadata names another key", async () => {
    const root = await setup();
    const b = backend(root);
    const a = await open(b, ["a"], bytes(1));
    await b.writePage(a.obj, 0, bytes(7));
    await close(b, a.obj);
    await b.close();
    await cp(join(root, "@a"), join(root, "@b"), { recursive: true });
    await rename(join(root, "@a"), join(root, "@c"));
    const c = backend(root);
    for (const path of [["b"], ["c"]]) {
      const found = await open(c, path, bytes(1));
      expect(found.outcome).toBe("NEGATIVE");
      expect(await c.readPage(found.obj, 0)).toBeNull();
    }
  });

  it("rejects calls once closed", async () => {
    const root = await setup();
    const b = backend(root);
    const { obj } = await open(b, ["k"]);
    await b.close();
    await expect(b.readPage(obj, 0)).rejects.toBeInstanceOf(BackendUsageError);
    await expect(b.lookupObject(b.allocObject({ path: ["k"] }), bytes(1))).rejects.toBeInstanceOf(
      BackendUsageError,
    );
    expect(await readdir(root)).toEqual(["@k"]);
  });
});
