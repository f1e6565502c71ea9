// The on-disk cache backend: one directory per object under the cache root, nested by key path
// (`@<percent-encoded element>` per level), holding `meta.json` (aux data and size) and `pages/<index>`.
// Every file is written to a temporary name and renamed into place, so a crash never leaves a half-written
// page or metadata file visible; deletions rename first (to a graveyard) and remove afterwards.

import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BackendError,
  type BackendObject,
  type CacheBackend,
  type LookupOutcome,
  type ObjectKey,
} from "../backend.ts";
import {
  encodeKeyElement,
  ownObject,
  pagesFor,
  PAGE_SIZE,
  PhasedObject,
  validateKey,
  validatePage,
  validateSize,
} from "./common.ts";

const META = "meta.json";
const PAGES = "pages";
const GRAVEYARD_PREFIX = ".graveyard-";
const TEMP_PREFIX = ".tmp-";

/** The metadata file of one object. */
interface Meta {
  readonly version: 1;
  /** The key path, for people reading the cache directory. */
  readonly key: readonly string[];
  /** Aux data, base64. */
  readonly aux: string;
  /** The netfs object size in bytes, as set by invalidate/attrChanged; writes do not change it. */
  readonly size: number;
}

class DiskObject extends PhasedObject {
  constructor(
    owner: object,
    key: ObjectKey,
    readonly dir: string,
  ) {
    super(owner, key);
  }
  meta: Meta | undefined;
}

/** The directory of an object, relative to the cache root. */
export function objectDir(key: ObjectKey): string {
  return join(...key.path.map((element) => `@${encodeKeyElement(element)}`));
}

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Maps a file-system error to the backend's error kinds: out of space is ENOSPC, anything else EIO. */
function toBackendError(op: keyof CacheBackend, e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  const code = errnoOf(e);
  const detail = e instanceof Error ? e.message : String(e);
  return new BackendError(code === "ENOSPC" || code === "EDQUOT" ? "ENOSPC" : "EIO", op, detail);
}

function parseMeta(text: string): Meta | undefined {
  try {
    const m = JSON.parse(text) as Partial<Meta> | null;
    if (m?.version !== 1 || typeof m.aux !== "string" || !Number.isSafeInteger(m.size)) return undefined;
    return m as Meta;
  } catch {
    return undefined;
  }
}

export class DiskBackend implements CacheBackend {
  readonly tag: string;
  private temps = 0;

  /** A backend over the cache directory `root` (created on first lookup). */
  constructor(readonly root: string) {
    this.tag = `disk:${root}`;
  }

  allocObject(key: ObjectKey): BackendObject {
    validateKey(key);
    const copy = { path: [...key.path] };
    return new DiskObject(this, copy, join(this.root, objectDir(copy)));
  }

  async lookupObject(obj: BackendObject, aux: Uint8Array): Promise<LookupOutcome> {
    const o = this.own("lookupObject", obj, "allocated");
    const wanted = Buffer.from(aux).toString("base64");
    return this.io("lookupObject", async () => {
      await mkdir(o.dir, { recursive: true });
      const stored = await this.readMeta(o.dir);
      o.phase = "looked-up";
      if (stored?.aux === wanted) {
        await mkdir(join(o.dir, PAGES), { recursive: true });
        o.meta = stored;
        return "POSITIVE";
      }
      // Absent, unreadable or stale: discard the data before the new metadata can vouch for it.
      await this.discardPages(o.dir);
      await this.writeMeta(o, { version: 1, key: o.key.path, aux: wanted, size: 0 });
      return "NEGATIVE";
    });
  }

  lookupComplete(obj: BackendObject): void {
    this.own("lookupComplete", obj, "allocated", "looked-up");
  }

  async updateObject(obj: BackendObject, aux: Uint8Array): Promise<void> {
    const o = this.own("updateObject", obj, "looked-up");
    const meta = this.metaOf(o);
    await this.io("updateObject", () =>
      this.writeMeta(o, { ...meta, aux: Buffer.from(aux).toString("base64") }),
    );
  }

  async invalidateObject(obj: BackendObject, size: number): Promise<void> {
    const o = this.own("invalidateObject", obj, "looked-up");
    validateSize(size);
    const meta = this.metaOf(o);
    await this.io("invalidateObject", async () => {
      await this.discardPages(o.dir);
      await this.writeMeta(o, { ...meta, size });
    });
  }

  async attrChanged(obj: BackendObject, size: number): Promise<void> {
    const o = this.own("attrChanged", obj, "looked-up");
    validateSize(size);
    const meta = this.metaOf(o);
    await this.io("attrChanged", async () => {
      await this.writeMeta(o, { ...meta, size });
      const limit = pagesFor(size);
      for (const name of await this.pageNames(o.dir)) {
        const page = Number(name);
        const file = join(o.dir, PAGES, name);
        if (page >= limit) await unlink(file);
        else if ((page + 1) * PAGE_SIZE > size) {
          const keep = size - page * PAGE_SIZE;
          if ((await stat(file)).size > keep) await truncate(file, keep);
        }
      }
    });
  }

  async readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    const o = this.own("readPage", obj, "looked-up");
    validatePage(page);
    return this.io("readPage", async () => {
      try {
        return new Uint8Array(await readFile(join(o.dir, PAGES, String(page))));
      } catch (e) {
        if (errnoOf(e) === "ENOENT") return null;
        throw e;
      }
    });
  }

  async writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void> {
    const o = this.own("writePage", obj, "looked-up");
    validatePage(page, data);
    await this.io("writePage", () => this.writeAtomically(o.dir, join(PAGES, String(page)), data));
  }

  async dropObject(obj: BackendObject, retire: boolean): Promise<void> {
    const o = this.own("dropObject", obj, "allocated", "looked-up");
    o.phase = "dropped";
    if (!retire) return;
    await this.io("dropObject", async () => {
      // Rename first, so no half-deleted object (or subtree) is ever visible under its key.
      const grave = join(this.root, `${GRAVEYARD_PREFIX}${this.unique()}`);
      try {
        await rename(o.dir, grave);
      } catch (e) {
        if (errnoOf(e) === "ENOENT") return;
        throw e;
      }
      await rm(grave, { recursive: true, force: true });
    });
  }

  putObject(obj: BackendObject): void {
    const o = this.own("putObject", obj, "allocated", "looked-up", "dropped");
    o.phase = "put";
    o.meta = undefined;
  }

  private own(op: string, obj: BackendObject, ...phases: DiskObject["phase"][]): DiskObject {
    const o = ownObject(this, DiskObject, op, obj);
    o.expect(op, ...phases);
    return o;
  }

  private metaOf(o: DiskObject): Meta {
    if (!o.meta) throw new Error(`${JSON.stringify(o.key.path)}: looked-up object without metadata`);
    return o.meta;
  }

  /** Runs file-system work, turning its failures into BackendError. */
  private async io<T>(op: keyof CacheBackend, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      throw toBackendError(op, e);
    }
  }

  private async readMeta(dir: string): Promise<Meta | undefined> {
    try {
      return parseMeta(await readFile(join(dir, META), "utf8"));
    } catch (e) {
      if (errnoOf(e) === "ENOENT") return undefined;
      throw e;
    }
  }

  private async writeMeta(o: DiskObject, meta: Meta): Promise<void> {
    await this.writeAtomically(o.dir, META, JSON.stringify(meta));
    o.meta = meta;
  }

  private async pageNames(dir: string): Promise<string[]> {
    try {
      return (await readdir(join(dir, PAGES))).filter((n) => /^\d+$/.test(n));
    } catch (e) {
      if (errnoOf(e) === "ENOENT") return [];
      throw e;
    }
  }

  /** Removes every page of the object in `dir`: one rename makes them all invisible at once. */
  private async discardPages(dir: string): Promise<void> {
    const grave = join(dir, `${GRAVEYARD_PREFIX}${this.unique()}`);
    try {
      await rename(join(dir, PAGES), grave);
    } catch (e) {
      if (errnoOf(e) !== "ENOENT") throw e;
    }
    await rm(grave, { recursive: true, force: true });
    await mkdir(join(dir, PAGES), { recursive: true });
  }

  /** Writes `data` to `dir/name` through a temporary file in `dir` and a rename. */
  private async writeAtomically(dir: string, name: string, data: Uint8Array | string): Promise<void> {
    const temp = join(dir, `${TEMP_PREFIX}${this.unique()}`);
    try {
      await writeFile(temp, data);
      await rename(temp, join(dir, name));
    } catch (e) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw e;
    }
  }

  private unique(): string {
    return `${process.pid}-${++this.temps}-${randomBytes(4).toString("hex")}`;
  }
}
