// The process the crash test kills: runs a seeded random workload of writes, invalidations, aux changes and
// retirements on a cache directory, through the disk backend or the FsCache facade over it, and reports on
// stdout each operation as it begins and once it is acknowledged. Usage: crash-driver.ts DIR SEED MODE.

import { writeSync } from "node:fs";
import type { BackendObject } from "../../src/fscache/backend.ts";
import { DiskBackend } from "../../src/fscache/backends/disk.ts";
import { FsCache, type Cookie, type CookieDef } from "../../src/fscache/index.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import {
  auxBytes,
  CrashModel,
  type CrashMode,
  type CrashOp,
  type DriverLine,
  FAMILIES,
  type Family,
  type Key,
  keyId,
  PAGES,
  pageBytes,
  prng,
} from "./crash-workload.ts";

/** Carries out one operation; it is acknowledged once the returned promise resolves. */
type Perform = (op: CrashOp) => Promise<void>;

/**
 * Written synchronously, so a line is in the pipe before the operation it announces starts (or the next one,
 * after an acknowledgement). The pipe may be non-blocking and full while the parent is slow: spin until it
 * takes the whole line.
 */
function report(line: DriverLine): void {
  const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
  for (let done = 0; done < bytes.length;) {
    try {
      done += writeSync(1, bytes, done);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "EAGAIN") throw e;
    }
  }
}

/** Straight to the backend, as FS-Cache core would call it: objects looked up lazily, one per key. */
function backendPerformer(dir: string, model: CrashModel): Perform {
  const backend = new DiskBackend(dir);
  const objects = new Map<string, BackendObject>();
  const lookup = async (key: Key): Promise<BackendObject> => {
    let obj = objects.get(keyId(key));
    if (!obj) {
      obj = backend.allocObject({ path: key });
      await backend.lookupObject(obj, auxBytes(model.aux(key)));
      backend.lookupComplete(obj);
      objects.set(keyId(key), obj);
    }
    return obj;
  };
  const drop = async (key: Key, retire: boolean): Promise<void> => {
    const obj = objects.get(keyId(key)) ?? backend.allocObject({ path: key });
    objects.delete(keyId(key));
    await backend.dropObject(obj, retire);
    backend.putObject(obj);
  };
  return async (op) => {
    switch (op.kind) {
      case "write":
        return backend.writePage(await lookup(op.key), op.page, pageBytes(op.key, op.page, op.seq));
      case "invalidate":
        return backend.invalidateObject(await lookup(op.key), PAGES * 4096);
      case "reaux": {
        await drop(op.key, false);
        const obj = backend.allocObject({ path: op.key });
        if ((await backend.lookupObject(obj, auxBytes(op.aux))) !== "NEGATIVE") {
          throw new Error(`${keyId(op.key)}: new aux data, but the lookup was POSITIVE`);
        }
        backend.lookupComplete(obj);
        objects.set(keyId(op.key), obj);
        return;
      }
      case "retire": {
        // The objects under the key go first, as FS-Cache drops children before their parent.
        const below = [...objects.keys()].filter((id) => id.startsWith(`${keyId(op.key)}/`));
        for (const id of below) await drop(id.split("/"), false);
        return drop(op.key, true);
      }
    }
  };
}

const indexDef: CookieDef = { name: "index", type: "INDEX", getKey: (key: string) => key };
const fileDef: CookieDef<{ key: string; aux: number }> = {
  name: "file",
  type: "DATAFILE",
  getKey: (data) => data.key,
  getAux: (data) => auxBytes(data.aux),
  getAttr: () => PAGES * 4096,
};

/**
 * Through the FsCache facade on the event-loop runtime. Every operation ends when the runtime is idle, so
 * the object and op workers are done with it: a write is acknowledged once stored with the object still
 * available, a retire once the object is dropped (relinquish itself returns before that).
 */
function facadePerformer(dir: string, model: CrashModel): Perform {
  const runtime = new EventLoopRuntime();
  const cache = new FsCache({ runtime, backend: new DiskBackend(dir), onFault: (e) => fail(e) });
  const cookies = new Map<string, Cookie>();
  const acquire = async (key: Key, aux = model.aux(key)): Promise<Cookie> => {
    let cookie = cookies.get(keyId(key));
    if (!cookie) {
      const parent = key.length > 1 ? await acquire(key.slice(0, -1)) : null;
      const last = key[key.length - 1] ?? "";
      const got =
        key.length > 1
          ? await cache.acquireCookie(parent, fileDef, { key: last, aux })
          : await cache.acquireCookie(parent, indexDef, last);
      await runtime.whenIdle();
      if (!got) throw new Error(`${keyId(key)}: acquire returned no cookie`);
      cookies.set(keyId(key), (cookie = got));
    }
    return cookie;
  };
  const relinquish = async (key: Key, retire: boolean): Promise<void> => {
    const prefix = `${keyId(key)}/`;
    for (const id of [...cookies.keys()].filter((id) => id.startsWith(prefix))) {
      await relinquish(id.split("/"), false);
    }
    const cookie = cookies.get(keyId(key)) ?? (await acquire(key));
    cookies.delete(keyId(key));
    await cache.relinquishCookie(cookie, retire);
  };
  const perform: Perform = async (op) => {
    switch (op.kind) {
      case "write": {
        const cookie = await acquire(op.key);
        const data = pageBytes(op.key, op.page, op.seq);
        // The netfs contract: a page is written to the cache only after a read through the cache marked it.
        if (!cookie.cachedPages.has(op.page)) {
          const read = await cache.readPage(cookie, op.page);
          if (!cookie.cachedPages.has(op.page))
            throw new Error(`${keyId(op.key)}: read of page ${op.page}: ${read.result}`);
        }
        const result = await cache.writePage(cookie, op.page, data);
        if (result !== "OK") throw new Error(`${keyId(op.key)}: write of page ${op.page}: ${result}`);
        await cache.waitOnPageWrite(cookie);
        await runtime.whenIdle();
        // A failed store kills the object (reads after a NEGATIVE lookup are ENODATA, so none can confirm it).
        const obj = cookie.backing_objects[0];
        if (obj?.state !== "WAIT_FOR_CMD" || !obj.flags.has("IS_AVAILABLE")) {
          throw new Error(`${keyId(op.key)}: object not available after writing page ${op.page}`);
        }
        return;
      }
      case "invalidate": {
        const cookie = await acquire(op.key);
        await cache.invalidate(cookie);
        return cache.waitOnInvalidate(cookie);
      }
      case "reaux":
        await relinquish(op.key, false);
        await runtime.whenIdle();
        await acquire(op.key, op.aux);
        return;
      case "retire":
        return relinquish(op.key, true);
    }
  };
  return async (op) => {
    await perform(op);
    await runtime.whenIdle();
  };
}

function fail(e: unknown): never {
  report({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
}

/** The next operation of a family's lane. */
function nextOp(family: Family, rand: ReturnType<typeof prng>, seq: number): CrashOp {
  const pick = <T>(xs: readonly T[]): T => xs[rand.int(xs.length)] as T;
  const roll = rand.next();
  if (roll < 0.7) return { kind: "write", key: pick(family.pageKeys), page: rand.int(PAGES), seq };
  if (roll < 0.8) return { kind: "invalidate", key: pick(family.pageKeys) };
  if (roll < 0.9) return { kind: "reaux", key: pick(family.pageKeys), aux: seq };
  return { kind: "retire", key: pick(family.retireKeys) };
}

async function main(): Promise<void> {
  const [dir, seedText, modeText] = process.argv.slice(2);
  if (!dir || !seedText || (modeText !== "backend" && modeText !== "facade")) {
    throw new Error("usage: crash-driver.ts DIR SEED backend|facade");
  }
  const mode: CrashMode = modeText;
  const seed = Number(seedText);
  // A driver whose parent is gone stops: its stdin closes.
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
  const model = new CrashModel();
  const perform = mode === "backend" ? backendPerformer(dir, model) : facadePerformer(dir, model);
  let seq = 0;
  const lane = async (families: readonly Family[], rand: ReturnType<typeof prng>): Promise<void> => {
    for (;;) {
      const id = ++seq;
      const op = nextOp(families[rand.int(families.length)] as Family, rand, id);
      report({ begin: id, op });
      await perform(op);
      model.apply(op);
      report({ ack: id });
    }
  };
  // A lane per family runs concurrently with the others; the facade waits for its whole runtime to be idle
  // after each operation, so there all families share one lane.
  const lanes = mode === "backend" ? FAMILIES.backend.map((f) => [f]) : [FAMILIES.facade];
  await Promise.all(lanes.map((families, i) => lane(families, prng(seed * 16 + i))));
}

main().catch(fail);
