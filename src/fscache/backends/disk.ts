// The on-disk cache backend: one directory per object under the cache root, nested by key path
// (`@<percent-encoded element>` per level), holding `meta.json` (key, aux data, size) and `pages/<index>`.
// Files are written to temporary names and renamed into place; deletions rename to a graveyard first. One
// backend owns a directory at a time (an owner file names its process); opening it sweeps a crash's leftovers.
// docs/disk-backend.md says what survives a crash at each step.

import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  BackendError,
  type BackendObject,
  type CacheBackend,
  type LookupOutcome,
  type ObjectKey,
} from "../backend.ts";
import {
  BackendUsageError,
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
const OWNER_PREFIX = ".owner-";
/** Exactly the names `unique()` makes: the sweep removes nothing else. */
const TEMP_NAME = /^\.tmp-\d+-\d+-[0-9a-f]{8}$/;
const GRAVEYARD_NAME = /^\.graveyard-\d+-\d+-[0-9a-f]{8}$/;
/** `.owner-<boot id>-<pid>-<random>`: the boot id tells a process of an earlier boot from a live one. */
const OWNER_NAME = /^\.owner-([0-9a-f]{32}|unknown)-(\d+)-[0-9a-f]{8}$/;
/** How often an opener that finds another owner file retries before reporting the directory busy. */
const OWNER_ATTEMPTS = 4;

/** The metadata file of one object. */
interface Meta {
  readonly version: 1;
  /** The key path: a lookup under any other key treats the directory as stale, whatever put it there. */
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

/**
 * Maps a file-system error to the backend's error kinds: out of space is ENOSPC; a busy resource (such as a
 * cache directory another backend owns) is ENOBUFS, the cache being unavailable; anything else EIO.
 */
function toBackendError(op: keyof CacheBackend, e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  const code = errnoOf(e);
  const detail = e instanceof Error ? e.message : String(e);
  const kind = code === "ENOSPC" || code === "EDQUOT" ? "ENOSPC" : code === "EBUSY" ? "ENOBUFS" : "EIO";
  return new BackendError(kind, op, detail);
}

function parseMeta(text: string): Meta | undefined {
  try {
    const m = JSON.parse(text) as Partial<Meta> | null;
    if (m?.version !== 1 || typeof m.aux !== "string" || !Number.isSafeInteger(m.size)) return undefined;
    if (!Array.isArray(m.key) || !m.key.every((e) => typeof e === "string")) return undefined;
    return m as Meta;
  } catch {
    return undefined;
  }
}

const sameKey = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((e, i) => e === b[i]);

let bootIdRead: Promise<string> | undefined;

/** This boot's identity (Linux), so that an owner file left before a reboot is not mistaken for a live one. */
function bootId(): Promise<string> {
  bootIdRead ??= readFile("/proc/sys/kernel/random/boot_id", "utf8").then(
    (text) => {
      const id = text.trim().replaceAll("-", "");
      return /^[0-9a-f]{32}$/.test(id) ? id : "unknown";
    },
    () => "unknown",
  );
  return bootIdRead;
}

/** Names of the owner files this process holds: one naming our pid but not here is a dead process's. */
const ownedHere = new Set<string>();

/** Whether the process that created an owner file may still be running (when unsure: yes). */
function ownerAlive([name, ownerBoot, pidText]: RegExpExecArray, boot: string): boolean {
  if (ownerBoot !== "unknown" && boot !== "unknown" && ownerBoot !== boot) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return ownedHere.has(name);
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) !== "ESRCH";
  }
}

export class DiskBackend implements CacheBackend {
  readonly tag: string;
  private temps = 0;
  /** The name of our owner file, once the first call doing I/O has opened the directory. */
  private opening: Promise<string> | undefined;
  private closed = false;

  /**
   * A backend over the cache directory `root`. Nothing touches the disk until the first call that does I/O
   * (a lookup, or the retire of an object never looked up) opens the directory: creates it, becomes its only
   * owner (else ENOBUFS: the netfs runs uncached), and removes the temporary files and graveyards a crashed
   * owner left.
   */
  constructor(readonly root: string) {
    this.tag = `disk:${root}`;
  }

  /** Gives the directory up (objects must have been put); later calls are usage errors. */
  async close(): Promise<void> {
    this.closed = true;
    const owner = await this.opening?.catch(() => undefined);
    this.opening = undefined;
    if (owner !== undefined) await this.release(owner);
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
      await this.open();
      await mkdir(o.dir, { recursive: true });
      const stored = await this.readMeta(o.dir);
      o.phase = "looked-up";
      if (stored?.aux === wanted && sameKey(stored.key, o.key.path)) {
        await mkdir(join(o.dir, PAGES), { recursive: true });
        o.meta = stored;
        return "POSITIVE";
      }
      // Absent, unreadable, stale or another key's: discard the data before new metadata can vouch for it.
      try {
        await this.discardPages(o.dir);
        await this.writeMeta(o, { version: 1, key: o.key.path, aux: wanted, size: 0 });
      } catch (e) {
        // Found negative, creating failed: FS-Cache has the object looked up but never available.
        const b = toBackendError("lookupObject", e);
        throw new BackendError(b.code, "lookupObject", b.detail, { afterNegative: true });
      }
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
      await this.open();
      // Rename first, so no half-deleted object (or subtree) is ever visible under its key.
      const grave = join(this.root, `${GRAVEYARD_PREFIX}${this.unique()}`);
      try {
        await rename(o.dir, grave);
      } catch (e) {
        if (errnoOf(e) === "ENOENT") return;
        throw e;
      }
      // The rename just made `grave`, and only this owner removes graveyards (its sweep runs at open).
      await rm(grave, { recursive: true });
    });
  }

  putObject(obj: BackendObject): void {
    const o = this.own("putObject", obj, "allocated", "looked-up", "dropped");
    o.phase = "put";
    o.meta = undefined;
  }

  private own(op: string, obj: BackendObject, ...phases: DiskObject["phase"][]): DiskObject {
    const o = ownObject(this, DiskObject, op, obj);
    if (this.closed) throw new BackendUsageError(op, o.key, "the backend is closed");
    o.expect(op, ...phases);
    return o;
  }

  /** Opens the directory once; a failed open is retried by the next call. */
  private open(): Promise<string> {
    this.opening ??= (async () => {
      await mkdir(this.root, { recursive: true });
      const owner = await this.acquire();
      try {
        await this.sweep();
      } catch (e) {
        await this.release(owner);
        throw e;
      }
      return owner;
    })().catch((e: unknown) => {
      this.opening = undefined;
      throw e;
    });
    return this.opening;
  }

  /**
   * Becomes the directory's only owner. Each opener first creates its own owner file, then looks for others:
   * of two openers, the later one to create its file sees the earlier's, so at most one proceeds (both may
   * back off, hence the retries). Files of owners that are provably dead are removed; any other makes the
   * directory busy.
   */
  private async acquire(): Promise<string> {
    const boot = await bootId();
    for (let attempt = 1; ; attempt++) {
      const mine = `${OWNER_PREFIX}${boot}-${process.pid}-${randomBytes(4).toString("hex")}`;
      ownedHere.add(mine);
      try {
        await writeFile(join(this.root, mine), "", { flag: "wx" });
      } catch (e) {
        ownedHere.delete(mine);
        throw e;
      }
      const rivals: string[] = [];
      for (const name of await readdir(this.root)) {
        const owner = OWNER_NAME.exec(name);
        if (!owner || name === mine) continue;
        if (ownerAlive(owner, boot)) rivals.push(name);
        else await rm(join(this.root, name), { force: true });
      }
      if (rivals.length === 0) return mine;
      await this.release(mine);
      if (attempt === OWNER_ATTEMPTS) {
        throw Object.assign(new Error(`${this.root} is in use (${rivals.join(", ")})`), { code: "EBUSY" });
      }
      await sleep(5 + Math.random() * 20 * attempt);
    }
  }

  /** Removes our owner file `owner` (a name in the root). */
  private async release(owner: string): Promise<void> {
    await rm(join(this.root, owner), { force: true });
    ownedHere.delete(owner);
  }

  /**
   * Removes what an owner that crashed left behind: temporary files and graveyards, at the root and in object
   * directories, the only places this backend makes them. Only names `unique()` makes, of the right kind.
   */
  private async sweep(): Promise<void> {
    const dirs = [this.root];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory() && entry.name.startsWith("@")) dirs.push(path);
        else if (entry.isFile() && TEMP_NAME.test(entry.name)) await rm(path, { force: true });
        else if (entry.isDirectory() && GRAVEYARD_NAME.test(entry.name)) {
          await rm(path, { recursive: true, force: true });
        }
      }
    }
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
