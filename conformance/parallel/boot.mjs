// Worker-thread entry: registers tsx's loader in the worker (Node 20 applies a parent's --import hooks to the
// worker's entry only unreliably), then loads the TypeScript worker named in workerData.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
