// The crash test's shared vocabulary: the seeded workload a driver process runs against a cache directory,
// the lines it reports on stdout, page contents that name their key, page and write (so a torn, misplaced or
// stale page is recognisable), and the model of what a reopened directory may hold after a crash.

import { PAGE_SIZE } from "../../src/fscache/backends/common.ts";

export type Key = readonly string[];

/** The two ways the driver reaches the disk backend: its methods directly, or through the FsCache facade. */
export type CrashMode = "backend" | "facade";

/**
 * Keys that the workload touches together: one lane per family runs its operations one at a time, so a crash
 * finds at most one operation of a family in flight. `pageKeys` hold pages; `retireKeys` may be retired
 * (taking every key under them along).
 */
export interface Family {
  readonly pageKeys: readonly Key[];
  readonly retireKeys: readonly Key[];
}

/** Directly, every key holds pages; through the facade, pages live in data files under index cookies. */
export const FAMILIES: Record<CrashMode, readonly Family[]> = {
  backend: [
    { pageKeys: [["i"], ["i", "a"], ["i", "b"]], retireKeys: [["i"], ["i", "a"], ["i", "b"]] },
    { pageKeys: [["j"], ["j", "c"]], retireKeys: [["j"], ["j", "c"]] },
    { pageKeys: [["k"]], retireKeys: [["k"]] },
  ],
  facade: [
    {
      pageKeys: [
        ["i", "a"],
        ["i", "b"],
      ],
      retireKeys: [["i"], ["i", "a"], ["i", "b"]],
    },
    { pageKeys: [["j", "c"]], retireKeys: [["j"], ["j", "c"]] },
  ],
};

/** Pages per key the workload writes (0 … PAGES-1). */
export const PAGES = 4;

export type CrashOp =
  | { readonly kind: "write"; readonly key: Key; readonly page: number; readonly seq: number }
  | { readonly kind: "invalidate"; readonly key: Key }
  | { readonly kind: "reaux"; readonly key: Key; readonly aux: number }
  | { readonly kind: "retire"; readonly key: Key };

/** One stdout line of the driver: an operation begins, is acknowledged, or the driver failed. */
export type DriverLine =
  { readonly begin: number; readonly op: CrashOp } | { readonly ack: number } | { readonly error: string };

/** mulberry32: a small seeded generator; `next()` is uniform in [0, 1). */
export function prng(seed: number): { next(): number; int(n: number): number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

export const keyId = (key: Key): string => key.join("/");

const under = (key: Key, ancestor: Key): boolean => ancestor.every((e, i) => key[i] === e);

/** The aux data of generation `aux` of a key (every key starts at generation 0). */
export const auxBytes = (aux: number): Uint8Array => Uint8Array.of(aux >>> 24, aux >>> 16, aux >>> 8, aux);

/** The contents of write `seq` to `page` of `key`: a header naming all three, then bytes derived from them. */
export function pageBytes(key: Key, page: number, seq: number): Uint8Array {
  const header = Buffer.from(`crash ${keyId(key)} ${page} ${seq}\n`);
  const rand = prng(seq * 8 + page);
  const out = new Uint8Array(header.length + 1 + rand.int(PAGE_SIZE - header.length));
  out.set(header);
  for (let i = header.length; i < out.length; i++) out[i] = rand.int(256);
  return out;
}

/** What a page read back is: the write it came from, or `undefined` when it is no whole page of any write. */
export function decodePage(data: Uint8Array): { key: string; page: number; seq: number } | undefined {
  const end = data.indexOf(10);
  const m = /^crash (\S+) (\d+) (\d+)$/.exec(Buffer.from(data.subarray(0, Math.max(end, 0))).toString());
  if (!m) return undefined;
  const [, key = "", page, seq] = m;
  const decoded = { key, page: Number(page), seq: Number(seq) };
  return Buffer.from(pageBytes(key.split("/"), decoded.page, decoded.seq)).equals(data) ? decoded : undefined;
}

/** What the pages of a family's keys hold: key id → page → the seq of the write stored there. */
export type FamilyPages = Map<string, Map<number, number>>;

/**
 * The acknowledged history: which write each page holds and each key's aux generation, after applying the
 * acknowledged operations in order. The driver keeps one to know its aux data; the parent one to check.
 */
export class CrashModel {
  private readonly pages = new Map<string, Map<number, number>>();
  private readonly auxes = new Map<string, number>();

  aux(key: Key): number {
    return this.auxes.get(keyId(key)) ?? 0;
  }

  apply(op: CrashOp): void {
    const id = keyId(op.key);
    switch (op.kind) {
      case "write": {
        let pages = this.pages.get(id);
        if (!pages) this.pages.set(id, (pages = new Map<number, number>()));
        pages.set(op.page, op.seq);
        return;
      }
      case "invalidate":
        this.pages.delete(id);
        return;
      case "reaux":
        this.pages.delete(id);
        this.auxes.set(id, op.aux);
        return;
      case "retire":
        for (const other of [...this.pages.keys()]) {
          if (under(other.split("/"), op.key)) this.pages.delete(other);
        }
    }
  }

  /** A copy of the pages of `family`'s page keys (every key present, possibly empty). */
  family(family: Family): FamilyPages {
    return new Map(family.pageKeys.map((k) => [keyId(k), new Map<number, number>(this.pages.get(keyId(k)))]));
  }

  clone(): CrashModel {
    const c = new CrashModel();
    for (const [k, v] of this.pages) c.pages.set(k, new Map(v));
    for (const [k, v] of this.auxes) c.auxes.set(k, v);
    return c;
  }
}

/** The family whose lane runs `op`. */
export function familyOf(mode: CrashMode, op: CrashOp): Family {
  const family = FAMILIES[mode].find((f) => f.retireKeys.some((k) => keyId(k) === keyId(op.key)));
  if (!family) throw new Error(`no family has key ${keyId(op.key)}`);
  return family;
}

/** Readable form of a family's pages, for failure messages. */
export function showPages(pages: FamilyPages): string {
  return [...pages]
    .map(([k, p]) => `${k}{${[...p].map(([page, seq]) => `${page}:${seq}`).join(",")}}`)
    .join(" ");
}
