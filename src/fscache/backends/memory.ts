// The in-memory cache backend: a tree of nodes by key path, each node optionally holding a stored object
// (aux data, size, pages). Retiring an object removes its subtree, as cachefiles buries a directory.

import type { BackendObject, CacheBackend, LookupOutcome, ObjectKey } from "../backend.ts";
import {
  ownObject,
  pagesFor,
  PAGE_SIZE,
  PhasedObject,
  sameBytes,
  validateKey,
  validatePage,
  validateSize,
} from "./common.ts";

interface Stored {
  aux: Uint8Array;
  /** The netfs object size in bytes, as set by invalidate/attrChanged; writes do not change it. */
  size: number;
  readonly pages: Map<number, Uint8Array>;
}

interface Node {
  readonly children: Map<string, Node>;
  stored: Stored | undefined;
}

class MemoryObject extends PhasedObject {
  node: Node | undefined;
}

const newNode = (): Node => ({ children: new Map(), stored: undefined });

export class MemoryBackend implements CacheBackend {
  readonly tag = "memory";
  private readonly root: Node = newNode();

  allocObject(key: ObjectKey): BackendObject {
    validateKey(key);
    return new MemoryObject(this, { path: [...key.path] });
  }

  lookupObject(obj: BackendObject, aux: Uint8Array): Promise<LookupOutcome> {
    return Promise.resolve().then(() => {
      const o = this.own("lookupObject", obj, "allocated");
      let node = this.root;
      for (const element of o.key.path) {
        let child = node.children.get(element);
        if (!child) node.children.set(element, (child = newNode()));
        node = child;
      }
      o.node = node;
      o.phase = "looked-up";
      if (node.stored && sameBytes(node.stored.aux, aux)) return "POSITIVE";
      node.stored = { aux: aux.slice(), size: 0, pages: new Map() };
      return "NEGATIVE";
    });
  }

  lookupComplete(obj: BackendObject): void {
    this.own("lookupComplete", obj, "allocated", "looked-up");
  }

  updateObject(obj: BackendObject, aux: Uint8Array): Promise<void> {
    return this.withStored("updateObject", obj, (s) => {
      s.aux = aux.slice();
    });
  }

  invalidateObject(obj: BackendObject, size: number): Promise<void> {
    return this.withStored("invalidateObject", obj, (s) => {
      validateSize(size);
      s.pages.clear();
      s.size = size;
    });
  }

  attrChanged(obj: BackendObject, size: number): Promise<void> {
    return this.withStored("attrChanged", obj, (s) => {
      validateSize(size);
      s.size = size;
      const limit = pagesFor(size);
      for (const [page, data] of s.pages) {
        if (page >= limit) s.pages.delete(page);
        else if ((page + 1) * PAGE_SIZE > size) s.pages.set(page, data.slice(0, size - page * PAGE_SIZE));
      }
    });
  }

  readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    return this.withStored("readPage", obj, (s) => {
      validatePage(page);
      return s.pages.get(page)?.slice() ?? null;
    });
  }

  writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void> {
    return this.withStored("writePage", obj, (s) => {
      validatePage(page, data);
      s.pages.set(page, data.slice());
    });
  }

  dropObject(obj: BackendObject, retire: boolean): Promise<void> {
    return Promise.resolve().then(() => {
      const o = this.own("dropObject", obj, "allocated", "looked-up");
      o.phase = "dropped";
      if (!retire) return;
      const path = o.key.path;
      let parent: Node | undefined = this.root;
      for (const element of path.slice(0, -1)) parent = parent?.children.get(element);
      const last = path[path.length - 1];
      if (parent && last !== undefined && parent.children.get(last) === o.node) parent.children.delete(last);
    });
  }

  putObject(obj: BackendObject): void {
    const o = this.own("putObject", obj, "allocated", "looked-up", "dropped");
    o.phase = "put";
    o.node = undefined;
  }

  private own(op: string, obj: BackendObject, ...phases: MemoryObject["phase"][]): MemoryObject {
    const o = ownObject(this, MemoryObject, op, obj);
    o.expect(op, ...phases);
    return o;
  }

  /** Runs `fn` on the stored state of a looked-up object, asynchronously (errors reject). */
  private withStored<T>(op: string, obj: BackendObject, fn: (s: Stored) => T): Promise<T> {
    return Promise.resolve().then(() => {
      const stored = this.own(op, obj, "looked-up").node?.stored;
      if (!stored) throw new Error(`${op}: looked-up object without stored state`);
      return fn(stored);
    });
  }
}
