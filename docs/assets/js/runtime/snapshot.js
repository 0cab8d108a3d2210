// Python's memory after start-up, kept on the device so a repeat visit
// restores it (~0.2 s) instead of booting Pyodide and importing our package
// again (~2 s). Used by worker.js only.
//
// One entry in Cache Storage ("pos-python-snapshot"), keyed by the exact
// Pyodide version, stdlib and package file names (both carry content hashes),
// so a new deploy never restores an old snapshot: its key is simply absent,
// and saving the new one deletes every other entry. Stored without its
// all-zero pages (over half of Python's memory: 31.5 MB becomes about
// 14 MB), so a repeat visit reads less than half. The stored bytes carry
// a checksum: a damaged entry is dropped, never restored. Every failure here
// (no Cache Storage, quota, a damaged or foreign entry) returns null/false,
// and the worker boots the normal way; the reader sees no difference.

const CACHE = "pos-python-snapshot";
export const CHECKSUM_HEADER = "x-pos-checksum";

/** The key for this runtime: one URL naming all three versioned files. */
export function snapshotKey(runtimeURL, stdlibURL, packageURL) {
  const name = (url) => url.replace(/\/$/, "").split("/").pop();
  const parts = [runtimeURL, stdlibURL, packageURL].map(name).join("+");
  return new URL(`../py/snapshot/${parts}`, runtimeURL).href;
}

// ---- the stored form: the length, a bitmap of non-zero pages, those pages ----
const MAGIC = 0x50534e31; // "PSN1"
const PAGE = 4096;
const HEADER = 8; // magic, then the unpacked length (both uint32, little-endian)

/** `bytes` without its all-zero 4 KB pages (see unpack). */
export function pack(bytes) {
  const pages = Math.ceil(bytes.length / PAGE);
  const bitmap = new Uint8Array(Math.ceil(pages / 8));
  const kept = [];
  for (let page = 0; page < pages; page++) {
    const start = page * PAGE;
    const end = Math.min(start + PAGE, bytes.length);
    for (let i = start; i < end; i++) {
      if (bytes[i] !== 0) {
        bitmap[page >> 3] |= 1 << (page & 7);
        kept.push(page);
        break;
      }
    }
  }
  const size = (page) => Math.min(PAGE, bytes.length - page * PAGE);
  const body = kept.reduce((sum, page) => sum + size(page), 0);
  const out = new Uint8Array(HEADER + bitmap.length + body);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, bytes.length, true);
  out.set(bitmap, HEADER);
  let at = HEADER + bitmap.length;
  for (const page of kept) {
    out.set(bytes.subarray(page * PAGE, page * PAGE + size(page)), at);
    at += size(page);
  }
  return out;
}

/** The bytes `pack` was given; throws on anything pack did not make. */
export function unpack(packed) {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  if (packed.length < HEADER || view.getUint32(0, true) !== MAGIC) {
    throw new Error("not a packed snapshot");
  }
  const length = view.getUint32(4, true);
  const pages = Math.ceil(length / PAGE);
  const bitmap = packed.subarray(HEADER, HEADER + Math.ceil(pages / 8));
  const kept = (page) => bitmap[page >> 3] & (1 << (page & 7));
  const out = new Uint8Array(length);
  let at = HEADER + bitmap.length;
  // Runs of kept pages are copied in one go: most of the memory is long runs.
  for (let page = 0; page < pages;) {
    if (!kept(page)) {
      page++;
      continue;
    }
    let end = page + 1;
    while (end < pages && kept(end)) end++;
    const start = page * PAGE;
    const size = Math.min(end * PAGE, length) - start;
    if (at + size > packed.length) throw new Error("truncated snapshot");
    out.set(packed.subarray(at, at + size), start);
    at += size;
    page = end;
  }
  if (at !== packed.length) throw new Error("snapshot has trailing bytes");
  return out;
}

/**
 * A 128-bit checksum of `bytes`, as hex: four independent 32-bit lanes, each
 * a multiply-xorshift chain over every fourth 32-bit word, so a change
 * anywhere, or words moved, changes it. It catches a damaged entry, not an
 * attacker (whoever can write this origin's storage can write its scripts).
 * Why not SHA-256: on a repeat visit this runs on the restore's path, and
 * crypto.subtle.digest copied and hashed the 14 MB on this thread in ~70 ms;
 * four lanes let the CPU run the chains side by side (~7 ms).
 */
export function checksum(bytes) {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
  const lanes = new Uint32Array([0x811c9dc5 ^ aligned.length, 0x9747b28c, 0x2c1b3c6d, 0x297a2d39]);
  let [a, b, c, d] = lanes;
  const step = (lane, word, prime) => {
    const mixed = Math.imul(lane ^ word, prime);
    return mixed ^ (mixed >>> 15);
  };
  const whole = words.length & ~3;
  for (let i = 0; i < whole; i += 4) {
    a = step(a, words[i], 0x01000193);
    b = step(b, words[i + 1], 0x5bd1e995);
    c = step(c, words[i + 2], 0x01000193);
    d = step(d, words[i + 3], 0x5bd1e995);
  }
  // The last words and bytes, in lane a.
  for (let i = whole; i < words.length; i++) a = step(a, words[i], 0x01000193);
  for (let i = words.length * 4; i < aligned.length; i++) a = step(a, aligned[i], 0x01000193);
  lanes.set([a, b, c, d]);
  return Array.from(lanes, (lane) => lane.toString(16).padStart(8, "0")).join("");
}

/**
 * The stored snapshot for `key` (Uint8Array), or null: none is stored, or it
 * is damaged (then it is deleted). Checked before anything restores it: the
 * checksum costs a few milliseconds. Never throws.
 */
export async function loadSnapshot(key) {
  let cache = null;
  try {
    if (!self.caches) return null;
    cache = await caches.open(CACHE);
    const response = await cache.match(key);
    if (!response) return null;
    const expected = response.headers.get(CHECKSUM_HEADER);
    const packed = new Uint8Array(await response.arrayBuffer());
    if (!expected || checksum(packed) !== expected) throw new Error("damaged snapshot");
    return unpack(packed);
  } catch {
    if (cache) await cache.delete(key).catch(() => {});
    return null;
  }
}

/** Store `bytes` under `key` and drop every other snapshot. Never throws. */
export async function saveSnapshot(key, bytes) {
  try {
    if (!self.caches) return false;
    const cache = await caches.open(CACHE);
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    const packed = pack(bytes);
    const headers = {
      "content-type": "application/octet-stream",
      [CHECKSUM_HEADER]: checksum(packed),
    };
    await cache.put(key, new Response(packed, { headers }));
    return true;
  } catch {
    // Quota exceeded or storage disabled: next visit boots normally.
    return false;
  }
}

/** Forget the snapshot under `key` (it failed to restore). Never throws. */
export async function dropSnapshot(key) {
  try {
    if (self.caches) await (await caches.open(CACHE)).delete(key);
  } catch {
    // Nothing to do: a failing store just means a normal boot next time.
  }
}
