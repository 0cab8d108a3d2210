// Python's memory after start-up, kept on the device so a repeat visit
// restores it (~0.2 s) instead of booting Pyodide and importing our package
// again (~2 s). Used by worker.js only.
//
// One entry in Cache Storage ("pos-python-snapshot"), keyed by the exact
// Pyodide version, stdlib and package file names (both carry content hashes),
// so a new deploy never restores an old snapshot: its key is simply absent,
// and saving the new one deletes every other entry. The bytes carry their
// SHA-256: a damaged entry is dropped, never restored. Every failure here
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

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The stored snapshot for `key` (Uint8Array), or null. Never throws. */
export async function loadSnapshot(key) {
  try {
    if (!self.caches || !crypto.subtle) return null;
    const cache = await caches.open(CACHE);
    const response = await cache.match(key);
    if (!response) return null;
    const expected = response.headers.get(DIGEST_HEADER);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (expected && (await sha256(bytes)) === expected) return bytes;
    await cache.delete(key);
    return null;
  } catch {
    return null;
  }
}

/** Store `bytes` under `key` and drop every other snapshot. Never throws. */
export async function saveSnapshot(key, bytes) {
  try {
    if (!self.caches || !crypto.subtle) return false;
    const cache = await caches.open(CACHE);
    for (const old of await cache.keys()) if (old.url !== key) await cache.delete(old);
    const headers = {
      "content-type": "application/octet-stream",
      [DIGEST_HEADER]: await sha256(bytes),
    };
    await cache.put(key, new Response(bytes, { headers }));
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
