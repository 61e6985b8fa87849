// Linli's service worker. The server writes VERSION and PRECACHE (this
// build's content-hashed /pkg files, and the pages and data that must work
// offline) in front of this script; see server/src/pwa/mod.rs.
//
// - /pkg files: cache first (their names change with their content); so
//   are the icons and /pwa.js, this worker's own page side.
// - Pages: network first; the copy is kept; offline, the kept copy, or the
//   page that can do the job in the browser (/nearby/offline computes the
//   answer from the kept facilities, /suggest/offline keeps a suggestion on
//   the phone), or /offline.
// - Sorting data: stale-while-revalidate.
// - Facilities: the map tiles (about 4 km square) around each place the
//   resident searched from, fetched after the search and checked against
//   the server at most every REFRESH_MS; only tiles whose ETag changed are
//   downloaded again. /kept/facilities.json answers the offline search
//   with all of them merged.
// - POST /api/v1/suggestions that cannot reach the server: kept in
//   IndexedDB (photos included) and sent later with the same
//   Idempotency-Key, so the server files it exactly once.

const CACHE = `linli-${VERSION}`;
// Pages kept as visited, apart from the precached ones; the oldest go
// first beyond PAGES_KEPT (every search address is a page).
const PAGES = `linli-pages-${VERSION}`;
const PAGES_KEPT = 40;
// Facility tiles, kept across releases (the data does not depend on the
// build); the least recently used go first beyond TILES_KEPT, about nine
// places' areas.
const AREAS = "linli-areas";
const TILES_KEPT = 81;
const TILES_API = "/api/v1/facilities/tiles";
const KEPT = "/kept/facilities.json";
const REFRESH_MS = 10 * 60 * 1000;
let lastRefresh = 0;
// A suggestion upload slower than this is kept and sent again later.
const SEND_TIMEOUT_MS = 30000;
const DB_NAME = "linli";
const OUTBOX = "outbox";
const SYNC_TAG = "linli-outbox";

// Whether the server could be reached, by the latest-begun request whose
// outcome is known: one begun before the connection dropped (a tile
// refresh, say) that succeeds late must not override a later failure.
// Pages show "no connection" from this as well as from
// `navigator.onLine`, which stays true on a weak or captive connection.
let reachable = true;
let begun = 0;
let decided = 0;

function noteReachable(seq, ok) {
  if (seq < decided) return;
  decided = seq;
  if (reachable !== ok) {
    reachable = ok;
    announce();
  }
}

/** fetch(), noting whether the server could be reached. */
async function tryFetch(request, init) {
  const seq = ++begun;
  try {
    const response = await fetch(request, init);
    noteReachable(seq, true);
    return response;
  } catch (offline) {
    noteReachable(seq, false);
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
        if (name.startsWith("linli-") && ![CACHE, PAGES, AREAS].includes(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
  // Not waited for: pages wait for activation, and an upload on a weak
  // signal must not hold them.
  flush();
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
    event.respondWith(page(event, request, url));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/") || url.pathname === "/pwa.js") {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname === "/api/v1/sorting/dictionary") {
    event.respondWith(staleWhileRevalidate(event, request));
  } else if (url.pathname === KEPT) {
    event.respondWith(keptFacilities());
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
  const fresh = tryFetch(request).then((response) => {
    if (response.ok) event.waitUntil(cache.put(request, response.clone()));
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

/** Keeps a visited page (in the background: the page streams on). */
async function keepPage(request, response) {
  const pages = await caches.open(PAGES);
  await pages.put(request, response);
  const keys = await pages.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - PAGES_KEPT))) await pages.delete(old);
}

/** The page that does the job offline for an address never kept. */
function standIn(path) {
  if (path === "/suggest" || path.startsWith("/suggest/")) return "/suggest/offline";
  if (path === "/nearby") return "/nearby/offline";
  if (path === "/sorting" || path === "/") return path;
  return "/offline";
}

async function page(event, request, url) {
  try {
    const response = await tryFetch(request);
    if (request.method === "GET" && response.ok && !private_(url, response)) {
      event.waitUntil(keepPage(request, response.clone()));
      event.waitUntil(keepFacilities(url).catch(() => undefined));
    }
    return response;
  } catch (offline) {
    if (request.method === "GET" && !private_(url)) {
      const kept = (await caches.match(request, { ignoreVary: true })) || undefined;
      if (kept) return kept;
    }
    // Offline, a form step (POST) cannot be answered: the one-page form,
    // which keeps the suggestion on the phone, takes over.
    const kept = await caches.match(standIn(url.pathname), { ignoreVary: true, cacheName: CACHE });
    if (kept) return kept;
    throw offline;
  }
}

// ---- Facilities around the places searched from. ----

/** After a page: keeps the area of a search, or now and then brings the
 * kept tiles up to date. */
async function keepFacilities(url) {
  const p = url.searchParams;
  let area = null;
  if (url.pathname === "/nearby" && p.get("lat") && p.get("lng")) {
    area = new URLSearchParams({ lat: p.get("lat"), lng: p.get("lng") });
  } else if (url.pathname === "/nearby" && p.get("community")) {
    area = new URLSearchParams({ community: p.get("community") });
  }
  if (area) return syncTiles(`${TILES_API}?${area}`, true);
  if (Date.now() - lastRefresh < REFRESH_MS || !(await caches.has(AREAS))) return;
  lastRefresh = Date.now();
  const cache = await caches.open(AREAS);
  const kept = (await cache.keys()).map((r) => new URL(r.url).pathname.slice(TILES_API.length + 1));
  // The server takes at most 81 a question.
  for (let i = 0; i < kept.length; i += 81) {
    await syncTiles(`${TILES_API}?keep=${kept.slice(i, i + 81).join(",")}`, false);
  }
}

/** Asks which tiles `list` names and their ETags; downloads those not
 * kept or changed, and keeps the most recently used: `used` marks the
 * unchanged ones as used now (a search there), which a refresh does not
 * (it would only rewrite every kept tile, while an offline search may be
 * reading them). */
async function syncTiles(list, used) {
  const answer = await tryFetch(list, { cache: "no-store" });
  if (!answer.ok) return;
  const { tiles } = await answer.json();
  const cache = await caches.open(AREAS);
  for (const tile of tiles) {
    const kept = await cache.match(tile.url);
    if (kept && kept.headers.get("etag") === tile.etag) {
      // Put again: the order of a cache's keys is the order of putting.
      if (used) await cache.put(tile.url, kept);
      continue;
    }
    // `no-cache`: past the browser's copy (it may be the old one).
    const fresh = await tryFetch(tile.url, { cache: "no-cache" });
    if (fresh.ok) await cache.put(tile.url, fresh);
  }
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - TILES_KEPT))) await cache.delete(old);
}

/** Every kept tile as one catalogue: which tiles (so the search can tell
 * when its radius reaches past them), communities and facilities. Tiles
 * fetched at different times may both hold a facility that moved: the
 * later one counts. */
async function keptFacilities() {
  const cache = await caches.open(AREAS);
  const tiles = [];
  const communities = new Map();
  const facilities = new Map();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const tile = response && (await response.json().catch(() => null));
    if (!tile) continue;
    tiles.push({ x: tile.x, y: tile.y });
    for (const c of tile.communities) communities.set(c.code, c);
    for (const f of tile.facilities) facilities.set(f.id, f);
  }
  const body = { tiles, communities: [...communities.values()], facilities: [...facilities.values()] };
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
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

/** Sends now if the server answers in time; otherwise (or when it was
 * busy) keeps the request, to send again under the same key. */
async function sendOrKeep(request) {
  const key = request.headers.get("idempotency-key");
  const form = await request.clone().formData();
  try {
    const response = await tryFetch(request, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    if (!transient(response)) return response;
  } catch (offline) {
    // No connection, or too slow: kept.
  }
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

/** Worth sending again later: the server was busy, slow or not the API
 * (a portal or proxy page); the API's own refusals are final. */
function transient(response) {
  if (response.status >= 500 || response.status === 408 || response.status === 429) return true;
  const json = (response.headers.get("content-type") || "").includes("application/json");
  return !response.ok && !json;
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
      const signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
      response = await tryFetch("/api/v1/suggestions", { method: "POST", body, headers, signal });
    } catch (e) {
      offline = true;
      waiting += 1;
      continue;
    }
    const answer = response.ok ? await response.json().catch(() => ({})) : null;
    if (answer && answer.receipt_code) {
      Object.assign(entry, { state: "sent", code: answer.receipt_code, fields: [] });
    } else if (response.ok || transient(response)) {
      // Not the API's answer (a portal page), or busy: again later.
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
