// Reads and unpacks dist/pxstream.zip the way Lambda does, for tests, the demo and benchmarks.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import yauzl from "yauzl";

/**
 * Every entry of a zip: name → bytes.
 * @param {string} path
 * @returns {Promise<Map<string, Buffer>>}
 */
export function readZip(path) {
  return new Promise((done, fail) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return fail(err ?? new Error("cannot open zip"));
      /** @type {Map<string, Buffer>} */
      const out = new Map();
      zip.on("entry", (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error("cannot read entry"));
          /** @type {Buffer[]} */
          const chunks = [];
          stream.on("data", (c) => chunks.push(c));
          stream.on("end", () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on("end", () => done(out));
      zip.on("error", fail);
      zip.readEntry();
    });
  });
}

/**
 * Unpacks a zip into a new temporary folder and returns the folder.
 * @param {string} path
 * @returns {Promise<string>}
 */
export async function unpackZip(path) {
  const dir = await mkdtemp(join(tmpdir(), "pxstream-zip-"));
  for (const [name, bytes] of await readZip(path)) {
    const target = join(dir, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  return dir;
}
