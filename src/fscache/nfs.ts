// NFS's use of one data cookie by the several tasks of an inode (3.12 fs/nfs/fscache.[ch]), for a netfs that runs
// its tasks that way. The owner task acquires the cookie and publishes it in `nfsi->fscache`; the inode's other
// tasks load that pointer and read through it without a reference of their own (`Caller.borrowed`); the owner
// turns caching off by relinquishing the cookie, and clears the pointer once relinquish has returned. 3.12's
// readers do not take the lock the owner holds meanwhile (NFS_INO_FSCACHE_LOCK), so a task may read a cookie that
// relinquish has cleared or freed (finding F16). 3.13 keeps the cookie until the inode's eviction, after its last
// task: `eviction()`, which relinquishCookie waits for with repair COOKIE_DISABLED_TESTED. The two steps here are
// the spec's NfsLoadCookie and NfsTaskDone.

import { label, type Runtime, type StepLabel, type Task, type WaitQueue } from "../runtime/runtime.ts";
import type { Cookie } from "./cookie.ts";
import type { Eviction } from "./netfs.ts";

export class NfsInode {
  /** `nfsi->fscache`. */
  private cookie: Cookie | null = null;
  /** The tasks that hold the inode's file open and have not ended: the inode is not evicted before they end. */
  private readonly open = new Set<string>();
  private readonly wq: WaitQueue;

  constructor(
    private readonly runtime: Runtime,
    name: string,
  ) {
    this.wq = runtime.waitQueue(`nfs:${name}`);
  }

  /** The first step of task t's read through the inode: spawn the task with it, then call `load` in it. */
  static loadStep(t: string): StepLabel {
    return label("NfsLoadCookie", { t });
  }

  /** Task t will read through the inode (it has the file open). */
  opened(t: string): void {
    this.open.add(t);
  }

  /** The owner's acquire returned `cookie` (`nfsi->fscache = fscache_acquire_cookie(...)`). */
  publish(cookie: Cookie): void {
    this.cookie = cookie;
  }

  /** The owner's relinquish returned (`nfs_fscache_zap_inode_cookie`: `nfsi->fscache = NULL`). */
  zap(): void {
    this.cookie = null;
  }

  /**
   * NfsLoadCookie, run inside the step task t was spawned with (`loadStep`): the pointer, or null, in which case
   * the read gives ENOBUFS (the page comes from the server) and the task ends.
   */
  load(t: string): Cookie | null {
    const c = this.cookie;
    if (c === null) this.ended(t);
    return c;
  }

  /** NfsTaskDone: task t's read has returned, and the task ends. */
  async done(task: Task, t: string): Promise<void> {
    await task.step(label("NfsTaskDone", { t }));
    this.ended(t);
  }

  /** What the owner's relinquish waits for before it clears the cookie (F16's repair): every task has ended. */
  eviction(): Eviction {
    return { wq: this.wq, ready: () => this.open.size === 0 };
  }

  private ended(t: string): void {
    this.open.delete(t);
    this.runtime.wake(this.wq);
  }
}
