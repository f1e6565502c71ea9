// The in-memory backend against the backend law suite.

import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { backendContract } from "./contract.ts";

backendContract("memory", () => Promise.resolve({ backend: new MemoryBackend() }));
