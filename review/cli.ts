// `npm run review`: builds the review pack under out/review/ (`--summary FILE` reads another conformance
// summary). `npm run review -- --refresh-counterexamples [F1 …]` recomputes the cached counterexamples with
// TLC instead (minutes: several are liveness checks).

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { refreshCounterexamples } from "./counterexamples.ts";
import { buildPack } from "./pack/build.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");

const { values, positionals } = parseArgs({
  options: { "refresh-counterexamples": { type: "boolean" }, summary: { type: "string" } },
  allowPositionals: true,
});
const started = Date.now();
if (values["refresh-counterexamples"] === true) {
  await refreshCounterexamples(ROOT, positionals, (line) => process.stdout.write(`${line}\n`));
} else {
  const { out, pages } = await buildPack(
    ROOT,
    values.summary === undefined ? {} : { summary: values.summary },
  );
  process.stdout.write(
    `review pack: ${pages.length} files in ${out}/ (open ${out}/index.html) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
