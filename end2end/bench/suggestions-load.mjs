// Sustained load of suggestion submissions against a running server:
// `concurrency` clients each POST /api/v1/suggestions (JSON, a fresh
// Idempotency-Key each) back to back for `seconds`, optionally with one
// photo (multipart). Prints throughput and latency percentiles of one run.
//
//   node end2end/bench/suggestions-load.mjs [base] [seconds] [concurrency] [photo]
//
// The server must allow the rate (LINLI_WRITE_BURST); scripts/bench-suggestions.sh
// starts one that does, on a fresh SQLite file with the durability we ship.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const base = process.argv[2] ?? "http://127.0.0.1:3200";
const seconds = Number(process.argv[3] ?? 20);
const concurrency = Number(process.argv[4] ?? 16);
const photoPath = process.argv[5];
const photo = photoPath ? readFileSync(photoPath) : null;

const fields = (i) => ({
  category: ["seating", "lighting", "greenery", "accessibility"][i % 4],
  title: `压测建议 ${i}`,
  description: "基准测试产生的建议。".repeat(10),
  lat: String(30.6 + (i % 1000) * 0.00005),
  lng: String(104.05 + (i % 777) * 0.00005),
  location_text: "测试地点",
  contact_phone: "13800138000",
});

function request(i) {
  const headers = { "idempotency-key": randomUUID() };
  if (!photo) {
    const f = fields(i);
    return fetch(`${base}/api/v1/suggestions`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ ...f, lat: Number(f.lat), lng: Number(f.lng) }),
    });
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(fields(i))) form.append(k, v);
  form.append("photos", new Blob([photo], { type: "image/jpeg" }), "photo.jpg");
  return fetch(`${base}/api/v1/suggestions`, { method: "POST", headers, body: form });
}

const latencies = [];
const statuses = new Map();
let next = 0;
const deadline = performance.now() + seconds * 1000;
async function client() {
  while (performance.now() < deadline) {
    const i = next++;
    const t0 = performance.now();
    const res = await request(i);
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, client));
const elapsed = (performance.now() - started) / 1000;

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(
  JSON.stringify(
    {
      mode: photo ? `multipart with one ${photo.length}-byte photo` : "json",
      concurrency,
      seconds: Number(elapsed.toFixed(1)),
      requests: latencies.length,
      statuses: Object.fromEntries(statuses),
      per_second: Number((latencies.length / elapsed).toFixed(1)),
      p50_ms: Number(pct(50).toFixed(1)),
      p99_ms: Number(pct(99).toFixed(1)),
      max_ms: Number(latencies[latencies.length - 1].toFixed(1)),
    },
    null,
    2,
  ),
);
