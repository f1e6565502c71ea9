// The public surface of the FS-Cache core: the cache, its netfs-facing types, the machine as data, the
// vocabulary, and the errors. Backends live in ./backends/ and implement ./backend.ts.

export { FsCache, type FsCacheOptions, type TaskApi } from "./cache.ts";
export type { CacheListener } from "./context.ts";
export type { Cookie, CookieDef } from "./cookie.ts";
export { firstLabel, type Caller, type Eviction, type ReadOutcome, type WaitingCall } from "./netfs.ts";
export type {
  CacheView,
  CookieView,
  ObjectFields,
  ObjectView,
  OpFields,
  OpView,
  ThreadView,
} from "./inspect.ts";
export { objectFields, opFields } from "./inspect.ts";
export { FsCacheError, type FsCacheErrorCode, OopsError } from "./errors.ts";
export * from "./names.ts";
export { STATES, OOB_TABLES, machineToDot, machineToJSON, type StateDef } from "./states.ts";
export { select, afterWork, mustRestart, type Selection } from "./dispatcher.ts";
export type { EndIo } from "./operation.ts";
export { NfsInode } from "./nfs.ts";
