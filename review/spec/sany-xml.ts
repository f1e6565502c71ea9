// Runs SANY's XML exporter from the pinned jar on a module and reads its output into a plain element tree: the
// spec's own parse (the one TLC checks) with every name resolved to a definition, as data the review reads.

import { execFile } from "node:child_process";
import { basename, dirname } from "node:path";
import { SaxesParser } from "saxes";
import { requireTools } from "../../src/tla/jar.ts";
import { runSany } from "../../src/tla/runner.ts";

/** One XML element: SANY's export has no attributes, only nested elements and text. */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** SANY could not export the module; `message` holds SANY's own errors with their locations. */
export class SpecParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpecParseError";
  }
}

/** Parses XML text into its root element. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: "#document", children: [], text: "" };
  const open: XmlElement[] = [root];
  parser.on("opentag", (tag) => {
    const el: XmlElement = { name: tag.name, children: [], text: "" };
    open.at(-1)?.children.push(el);
    open.push(el);
  });
  parser.on("closetag", () => void open.pop());
  parser.on("text", (t) => {
    const top = open.at(-1);
    if (top !== undefined) top.text += t;
  });
  parser.on("error", (e) => {
    throw e;
  });
  parser.write(xml).close();
  const doc = root.children[0];
  if (doc === undefined) throw new SpecParseError("SANY's XML export is empty");
  return doc;
}

function exportXml(java: string, jar: string, file: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      java,
      ["-cp", jar, "tla2sany.xml.XMLExporter", "-o", basename(file)],
      { cwd: dirname(file), maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
      (error, stdout) => (error === null ? done(stdout) : fail(new Error(error.message))),
    );
  });
}

/**
 * The semantic tree of `file` (a root module; standard modules come from the jar). `-o` skips the exporter's
 * schema validation, which would fetch the schema over the network. On failure SANY's ordinary run supplies
 * the errors, each with its file and line.
 */
export async function sanyXml(file: string): Promise<XmlElement> {
  const { java, jar } = requireTools();
  try {
    return parseXml(await exportXml(java, jar, file));
  } catch (e) {
    const sany = await runSany(basename(file), { cwd: dirname(file) });
    const why = sany.errors.map((x) =>
      x.location === undefined
        ? x.message
        : `${x.location.file ?? file}:${x.location.line}: ${x.message}`,
    );
    throw new SpecParseError(
      why.length > 0 ? why.join("\n") : `SANY's XML export of ${file} failed: ${String(e)}`,
    );
  }
}
