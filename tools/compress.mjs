// Brotli siblings for the site's big runtime files: X.br at quality 11.
// tools/runtime_files.py calls this once per build for the files its cache
// (.cache/compressed) lacks, and writes the X.gz siblings itself meanwhile.
// Usage: node tools/compress.mjs JOBS.json
// JOBS.json: [{"source": PATH, "br": PATH}, ...], biggest first: jobs run in
// Node's thread pool (zlib's async API), so they overlap.
// Brotli keeps its default 4 MB window (lgwin 22): on pyodide.asm.wasm it
// gives 2.74 MB against 2.77 MB with lgwin 24. Output is reproducible.
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import zlib from "node:zlib";

const brotli = promisify(zlib.brotliCompress);
const { constants } = zlib;

async function compress({ source, br }) {
  const data = await readFile(source);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  };
  await writeFile(br, await brotli(data, { params }));
}

const jobs = JSON.parse(await readFile(process.argv[2], "utf8"));
await Promise.all(jobs.map(compress));
