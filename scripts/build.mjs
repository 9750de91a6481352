// Bundles handler/index.ts into dist/pxstream.zip, byte-for-byte reproducible:
// the same source built in any folder gives the same sha256.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import yazl from "yazl";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
// Zip timestamps are DOS times (local-time fields, 1980 epoch); a fixed one keeps builds identical.
const FIXED_MTIME = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));
const FILE_MODE = 0o100644;

const result = await build({
  absWorkingDir: root,
  entryPoints: ["handler/index.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: true,
  treeShaking: true,
  // The SDK ships ESM builds under "module"; preferring them lets esbuild drop what is unused.
  mainFields: ["module", "main"],
  legalComments: "none",
  charset: "utf8",
  write: false,
  outfile: "index.mjs",
  metafile: true,
  // A few SDK dependencies still call require() on Node built-ins; ESM has no require.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: "warning",
});

const files = result.outputFiles.map((f) => ({ name: "index.mjs", bytes: f.contents }));
files.sort((a, b) => a.name.localeCompare(b.name));

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const zip = new yazl.ZipFile();
for (const f of files) {
  zip.addBuffer(Buffer.from(f.bytes), f.name, { mtime: FIXED_MTIME, mode: FILE_MODE, compress: true, forceDosTimestamp: true });
}
zip.end({ forceZip64Format: false });
const chunks = [];
for await (const chunk of zip.outputStream) chunks.push(chunk);
const zipBytes = Buffer.concat(chunks);

const zipPath = join(dist, "pxstream.zip");
await writeFile(zipPath, zipBytes);
const sha = createHash("sha256").update(zipBytes).digest();
// Terraform's source_code_hash wants base64; people comparing builds want hex.
await writeFile(`${zipPath}.sha256`, `${sha.toString("base64")}\n`);
await writeFile(join(dist, "meta.json"), JSON.stringify(result.metafile));
const check = await readFile(zipPath);
console.log(`dist/pxstream.zip ${check.length} bytes sha256=${sha.toString("hex")} (base64 ${sha.toString("base64")})`);
