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
// their SHA-256: a damaged entry is dropped, never restored. Every failure here
// (no Cache Storage, quota, a damaged or foreign entry) returns null/false,
// and the worker boots the normal way; the reader sees no difference.

const CACHE = "pos-python-snapshot";
const DIGEST_HEADER = "x-pos-sha256";

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
  const out = new Uint8Array(length);
  let at = HEADER + bitmap.length;
  for (let page = 0; page < pages; page++) {
    if (!(bitmap[page >> 3] & (1 << (page & 7)))) continue;
    const size = Math.min(PAGE, length - page * PAGE);
    if (at + size > packed.length) throw new Error("truncated snapshot");
    out.set(packed.subarray(at, at + size), page * PAGE);
    at += size;
  }
  if (at !== packed.length) throw new Error("snapshot has trailing bytes");
  return out;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The stored snapshot for `key` as soon as it is known to exist, or null:
 * {bytes, verified}, two promises. `bytes` may be handed to Pyodide at once;
 * `verified` (its SHA-256 checked, in parallel with the restore) must be
 * true before the restored runtime is used; a damaged entry is deleted.
 * Never throws; `bytes` may reject (then `verified` is false).
 */
export async function openSnapshot(key) {
  try {
    if (!self.caches || !crypto.subtle) return null;
    const cache = await caches.open(CACHE);
    const response = await cache.match(key);
    if (!response) return null;
    const expected = response.headers.get(DIGEST_HEADER);
    const packed = response.arrayBuffer().then((buffer) => new Uint8Array(buffer));
    const bytes = packed.then(unpack);
    const verified = packed
      .then(async (data) => Boolean(expected) && (await sha256(data)) === expected)
      .catch(() => false)
      .then(async (ok) => {
        if (!ok) await cache.delete(key).catch(() => {});
        return ok;
      });
    return { bytes, verified };
  } catch {
    return null;
  }
}

/** The stored, verified snapshot for `key` (Uint8Array), or null. Never throws. */
export async function loadSnapshot(key) {
  const entry = await openSnapshot(key);
  if (!entry || !(await entry.verified)) return null;
  return entry.bytes;
}

/** Store `bytes` under `key` and drop every other snapshot. Never throws. */
export async function saveSnapshot(key, bytes) {
  try {
    if (!self.caches || !crypto.subtle) return false;
    const cache = await caches.open(CACHE);
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    const packed = pack(bytes);
    const headers = {
      "content-type": "application/octet-stream",
      [DIGEST_HEADER]: await sha256(packed),
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
