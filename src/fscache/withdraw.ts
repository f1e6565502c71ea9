// The cache's withdrawal (`fscache_withdraw_cache`, fs/fscache/cache.c): one task that takes the cache out of
// service. It sets WITHDRAWN, waits for acquisitions that hold `fscache_addremove_sem` and takes the cache off
// the cache list (new acquisitions fail from then on), kills every listed object, head first, and waits until
// every object of the cache is destroyed. Cookies stay with their netfs, without objects: later calls on them
// get ENOBUFS. The steps and their names are the spec's (WithdrawCache … WithdrawWait).

import { label, type Task } from "../runtime/runtime.ts";
import type { CacheCore } from "./context.ts";
import { bugOn } from "./errors.ts";
import { checkWithdraw } from "./misuse.ts";
import { raiseEvent } from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import { touch } from "./revision.ts";

/** The withdrawal's first step, for the task that runs `runWithdrawal`. */
export const WITHDRAW_FIRST_STEP = label("WithdrawCache");

/** Marks the withdrawal started (the spec's `cache.wd = "WithdrawCache"`); a second one is the kernel's BUG. */
export function startWithdrawal(core: CacheCore): void {
  checkWithdraw(core.withdrawal);
  touch(core);
  core.withdrawal = "WithdrawCache";
}

/** The body of the withdrawal task, started at WITHDRAW_FIRST_STEP after `startWithdrawal`. */
export async function runWithdrawal(core: CacheCore, task: Task): Promise<void> {
  // WithdrawCache: test_and_set_bit(WITHDRAWN); nothing else in 3.12 reads the bit.
  touch(core);
  core.withdrawal = "WithdrawUnlist";
  // down_write(&fscache_addremove_sem), then list_del_init(&cache->link): no acquisition is between its cache
  // selection and its last step.
  await task.waitUntil(label("WithdrawUnlist"), core.addremoveWq, () => core.acquiring === 0);
  touch(core);
  core.withdrawal = "WithdrawAllObjects";
  // fscache_withdraw_all_objects: under object_list_lock, the head object moves to the dying list and gets
  // KILL (under the lock, so that fscache_drop_object cannot unlist and free it meanwhile).
  for (;;) {
    await task.step(label("WithdrawAllObjects"));
    const obj = core.objectList[0];
    touch(core);
    if (!obj) {
      core.withdrawal = "WithdrawWait";
      break;
    }
    core.objectList.shift();
    core.dying.add(obj);
    raiseEvent(core, obj, "KILL");
  }
  // wait_event(fscache_cache_cleared_wq, object_count == 0), then ASSERT(list_empty(&dying_objects)).
  await task.waitUntil(label("WithdrawWait"), core.clearedWq, () => core.objects.size === 0);
  bugOn(core.dying.size > 0, SPEC_OOPS.WithdrawWait);
  touch(core);
  core.withdrawal = "Withdrawn";
}
