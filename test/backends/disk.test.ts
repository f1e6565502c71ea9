// The on-disk backend: the backend law suite on a temporary directory, plus what only a disk promises:
// real files in the documented layout, persistence across backend instances, deletion on retire, no
// temporary files left behind, and file-system failures surfacing as BackendError.

import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BackendError } from "../../src/fscache/backend.ts";
import { decodeKeyElement, encodeKeyElement } from "../../src/fscache/backends/common.ts";
import { DiskBackend, objectDir } from "../../src/fscache/backends/disk.ts";
import { FaultyBackend, fullDisk } from "../../src/fscache/backends/faults.ts";
import { backendContract, bytes, close, open, page } from "./contract.ts";

const tempRoot = () => mkdtemp(join(tmpdir(), "fscache-disk-"));

backendContract("disk", async () => {
  const dir = await tempRoot();
  return {
    backend: new DiskBackend(join(dir, "cache")),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

/** Every file and directory under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((e) => e.split("\\").join("/")).sort();
}

describe("DiskBackend", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });
  const setup = async () => {
    dir = await tempRoot();
    return join(dir, "cache");
  };

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
    const b = new DiskBackend(root);
    expect(b.tag).toBe(`disk:${root}`);
    const { obj } = await open(b, ["nfs", "srv:x", "inode 1"], bytes(7, 8));
    await b.writePage(obj, 0, page(1));
    await b.writePage(obj, 12, bytes(5));
    const objDir = "@nfs/@srv%3Ax/@inode%201";
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
    const first = new DiskBackend(root);
    const { obj } = await open(first, ["a", "b"], bytes(1));
    await first.writePage(obj, 2, page(2));
    await first.invalidateObject(obj, 5);
    await first.writePage(obj, 0, bytes(9));
    const second = new DiskBackend(root);
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
    const first = new DiskBackend(root);
    const { obj } = await open(first, ["k"], bytes(1));
    await first.writePage(obj, 0, page(1));
    const second = new DiskBackend(root);
    expect((await open(second, ["k"], bytes(2))).outcome).toBe("NEGATIVE");
    expect(await readdir(join(root, "@k", "pages"))).toEqual([]);
  });

  it("deletes the object's directory on retire, leaving no graveyard or temporary file", async () => {
    const root = await setup();
    const b = new DiskBackend(root);
    const keep = await open(b, ["keep"]);
    const gone = await open(b, ["gone"]);
    await b.writePage(gone.obj, 0, page(1));
    await b.updateObject(gone.obj, bytes(4));
    await close(b, gone.obj, true);
    await close(b, keep.obj, false);
    expect(await tree(root)).toEqual(["@keep", "@keep/meta.json", "@keep/pages"]);
  });

  it("treats an unreadable metadata file as stale", async () => {
    const root = await setup();
    const b = new DiskBackend(root);
    const { obj } = await open(b, ["k"]);
    await b.writePage(obj, 0, bytes(1));
    await writeFile(join(root, "@k", "meta.json"), "{not json");
    const again = await open(new DiskBackend(root), ["k"]);
    expect(again.outcome).toBe("NEGATIVE");
  });

  it("reports a failed page write as BackendError EIO", async () => {
    const root = await setup();
    const b = new DiskBackend(root);
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
    const b = new DiskBackend(root);
    await expect(b.lookupObject(b.allocObject({ path: ["k"] }), bytes(1))).rejects.toMatchObject({
      name: "BackendError",
      code: "EIO",
      op: "lookupObject",
    });
  });

  it("a full disk (injected) fails writes with ENOSPC and leaves no page file", async () => {
    const root = await setup();
    const b = new FaultyBackend(new DiskBackend(root), [fullDisk(1)]);
    const { obj } = await open(b, ["k"]);
    await b.writePage(obj, 0, bytes(1));
    await expect(b.writePage(obj, 1, bytes(2))).rejects.toMatchObject({ code: "ENOSPC" });
    expect(await readdir(join(root, "@k", "pages"))).toEqual(["0"]);
  });
});
