// Linli's service worker. The server writes VERSION and PRECACHE (this
// build's content-hashed /pkg files, and the pages and data that must work
// offline) in front of this script; see server/src/pwa/mod.rs.
//
// - /pkg files: cache first (their names change with their content); so
//   are the icons and /pwa.js, this worker's own page side.
// - Pages: network first; the copy is kept; offline, the kept copy, or the
//   page that can do the job in the browser (/nearby computes the answer
//   from the kept facilities, /suggest/offline keeps a suggestion on the
//   phone), or /offline.
// - Facilities and sorting data: stale-while-revalidate.
// - POST /api/v1/suggestions that cannot reach the server: kept in
//   IndexedDB (photos included) and sent later with the same
//   Idempotency-Key, so the server files it exactly once.

const CACHE = `linli-${VERSION}`;
const DB_NAME = "linli";
const OUTBOX = "outbox";
const SYNC_TAG = "linli-outbox";

// Whether the last request to the server got through. Pages show "no
// connection" from this as well as from `navigator.onLine`, which stays
// true on a weak or captive connection.
let reachable = true;

function noteReachable(ok) {
  if (reachable !== ok) {
    reachable = ok;
    announce();
  }
}

/** fetch(), noting whether the server could be reached. */
async function tryFetch(request, init) {
  try {
    const response = await fetch(request, init);
    noteReachable(true);
    return response;
  } catch (offline) {
    noteReachable(false);
    throw offline;
  }
}

self.addEventListener("install", (event) => {
  // `reload`: straight from the server, not from the HTTP cache, so the
  // pages kept are this build's.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("linli-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
      await flush();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "skip-waiting") {
    self.skipWaiting();
  } else if (msg.type === "outbox") {
    event.waitUntil(summary().then((items) => event.source && event.source.postMessage({ type: "outbox", items, offline: !reachable })));
  } else if (msg.type === "flush") {
    event.waitUntil(flush());
  } else if (msg.type === "dismiss" && typeof msg.key === "string") {
    event.waitUntil(withStore("readwrite", (store) => store.delete(msg.key)).then(announce));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) {
    // Rejecting asks the browser to try again later.
    event.waitUntil(
      flush().then((waiting) => {
        if (waiting > 0) throw new Error("still offline");
      }),
    );
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/api/v1/suggestions" && request.headers.has("idempotency-key")) {
    event.respondWith(sendOrKeep(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/") || url.pathname === "/pwa.js") {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith("/api/v1/facilities/") || url.pathname.startsWith("/api/v1/sorting/")) {
    event.respondWith(staleWhileRevalidate(event, request));
  }
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  const fresh = tryFetch(request).then(async (response) => {
    if (response.ok) await cache.put(request, response.clone());
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => undefined));
    return kept;
  }
  return fresh;
}

/** Committee pages hold contact details: never kept on the device. */
function private_(url, response) {
  return (
    url.pathname === "/login" ||
    url.pathname.startsWith("/review") ||
    (response && (response.headers.get("cache-control") || "").includes("no-store"))
  );
}

async function page(request, url) {
  try {
    const response = await tryFetch(request);
    if (request.method === "GET" && response.ok && !private_(url, response)) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const cache = await caches.open(CACHE);
    if (request.method === "GET" && !private_(url)) {
      const kept = await cache.match(request, { ignoreVary: true });
      if (kept) return kept;
    }
    const stand_in = url.pathname.startsWith("/suggest")
      ? "/suggest/offline"
      : url.pathname === "/nearby"
        ? "/nearby"
        : url.pathname === "/sorting"
          ? "/sorting"
          : "/offline";
    const kept = await cache.match(stand_in, { ignoreVary: true });
    if (kept) return kept;
    throw offline;
  }
}

// ---- The outbox: suggestions waiting for a connection. ----

function openDb() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(OUTBOX, { keyPath: "key" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

/** Runs `work(store)` in one transaction; resolves with its request's result once committed. */
async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(OUTBOX, mode);
      const request = work(tx.objectStore(OUTBOX));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const allEntries = () => withStore("readonly", (store) => store.getAll());
const putEntry = (entry) => withStore("readwrite", (store) => store.put(entry));

/** What the pages show: no photos, no contact details. */
async function summary() {
  const entries = await allEntries();
  entries.sort((a, b) => a.created - b.created);
  return entries.map(({ key, title, state, code, error }) => ({ key, title, state, code: code || null, error: error || null }));
}

async function announce() {
  const items = await summary();
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
    client.postMessage({ type: "outbox", items, offline: !reachable });
  }
}

/** Sends now if the server can be reached; otherwise keeps the request. */
async function sendOrKeep(request) {
  const key = request.headers.get("idempotency-key");
  const form = await request.clone().formData();
  try {
    return await tryFetch(request);
  } catch (offline) {
    const fields = [];
    for (const [name, value] of form.entries()) fields.push([name, value]);
    await putEntry({
      key,
      created: Date.now(),
      title: String(form.get("title") || ""),
      accept: request.headers.get("accept-language") || "",
      fields,
      state: "waiting",
    });
    if (self.registration.sync) {
      await self.registration.sync.register(SYNC_TAG).catch(() => undefined);
    }
    await announce();
    return new Response(JSON.stringify({ queued: true, key }), {
      status: 202,
      headers: { "content-type": "application/json" },
    });
  }
}

let flushing = null;

/** Sends every waiting suggestion, one at a time; resolves with how many still wait. */
function flush() {
  if (!flushing) {
    flushing = sendWaiting().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

async function sendWaiting() {
  let changed = false;
  let waiting = 0;
  let offline = false;
  for (const entry of await allEntries()) {
    if (entry.state !== "waiting") continue;
    if (offline) {
      waiting += 1;
      continue;
    }
    const body = new FormData();
    for (const [name, value] of entry.fields) body.append(name, value);
    const headers = { "idempotency-key": entry.key, accept: "application/json" };
    if (entry.accept) headers["accept-language"] = entry.accept;
    let response;
    try {
      response = await tryFetch("/api/v1/suggestions", { method: "POST", body, headers });
    } catch (e) {
      offline = true;
      waiting += 1;
      continue;
    }
    if (response.ok) {
      const answer = await response.json().catch(() => ({}));
      Object.assign(entry, { state: "sent", code: answer.receipt_code || null, fields: [] });
    } else if (response.status >= 500 || response.status === 408 || response.status === 429) {
      waiting += 1;
      continue;
    } else {
      // The server will never take it as it is: say so, keep the text.
      const answer = await response.json().catch(() => ({}));
      Object.assign(entry, { state: "failed", error: (answer.error && answer.error.message) || String(response.status) });
    }
    await putEntry(entry);
    changed = true;
  }
  if (changed) await announce();
  return waiting;
}
