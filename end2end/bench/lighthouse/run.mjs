// Lighthouse 12 on the resident pages, as a phone sees them: the default
// mobile config (Moto G Power–sized screen, simulated slow 4G and 4x CPU
// slowdown), in Debian's Chromium. A benchmark, not a test: every page is
// loaded three times (a fresh browser each time) and the median of each
// figure is printed, because single runs wander on a shared machine.
//
//   node end2end/bench/lighthouse/run.mjs [--base http://127.0.0.1:3200] [--runs 3] [page ...]
//
// Pages are paths such as "/sorting?q=电池". Writes target/lighthouse/summary.json
// (all runs and the medians) and target/lighthouse/<slug>.json (the full report
// of the run whose performance score is the median one).
// Normally started by scripts/lighthouse.sh, which also starts the server.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const outDir = join(repo, "target/lighthouse");

// Every resident page (each suggestion step after the first is a form
// post, which Lighthouse cannot make). `{code}`: a suggestion filed through
// the API before the runs.
const defaultPages = [
  "/",
  "/nearby",
  "/nearby?kind=meal&lat=30.6415&lng=104.0431",
  "/facility/1",
  "/sorting",
  "/sorting?q=电池",
  "/sorting/recyclable",
  "/sorting/hazardous",
  "/sorting/food",
  "/sorting/residual",
  "/suggest",
  "/track",
  "/track/{code}",
  "/suggestions?community=wuhou-yulin",
  "/offline",
];

/** Files a suggestion through the API, for `/track/{code}`. */
async function fileOne(base) {
  const res = await fetch(`${base}/api/v1/suggestions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ category: "seating", title: "长椅坏了", description: "公园东门的长椅断了一条腿", lat: 30.629, lng: 104.059 }),
  });
  if (res.status !== 201) throw new Error(`filing a suggestion: ${res.status} ${await res.text()}`);
  return (await res.json()).receipt_code;
}
const categories = ["performance", "accessibility", "best-practices", "seo"];
const chromePath = process.env.CHROME_PATH || "/usr/bin/chromium";
const chromeFlags = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

function parseArgs(argv) {
  const opts = { base: "http://127.0.0.1:3200", runs: 3, pages: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--base") opts.base = value().replace(/\/+$/, "");
    else if (flag === "--runs") opts.runs = Number.parseInt(value(), 10);
    else if (flag === "--help" || flag === "-h") opts.help = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else opts.pages.push(arg.startsWith("/") ? arg : `/${arg}`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error("--runs must be a positive integer");
  if (opts.pages.length === 0) opts.pages = defaultPages;
  return opts;
}

// "/" → "home", "/sorting?q=电池" → "sorting-q-电池"
function slug(page) {
  const s = page.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").toLowerCase();
  return s || "home";
}

function median(values) {
  const xs = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

// The figures we keep from one Lighthouse result.
function figures(lhr) {
  const audit = (id) => lhr.audits[id]?.numericValue ?? null;
  const score = (id) => (lhr.categories[id]?.score == null ? null : Math.round(lhr.categories[id].score * 100));
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    bestPractices: score("best-practices"),
    seo: score("seo"),
    fcpMs: audit("first-contentful-paint"),
    lcpMs: audit("largest-contentful-paint"),
    tbtMs: audit("total-blocking-time"),
    cls: audit("cumulative-layout-shift"),
    totalBytes: audit("total-byte-weight"),
    requests: lhr.audits["network-requests"]?.details?.items?.length ?? null,
    benchmarkIndex: lhr.environment?.benchmarkIndex ?? null,
  };
}

async function runOnce(url) {
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags, logLevel: "silent" });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: categories,
    });
    if (!result?.lhr) throw new Error("Lighthouse returned no result");
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    return { lhr, report: result.report };
  } finally {
    await chrome.kill();
  }
}

// Display width, counting CJK characters as two columns.
function width(text) {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (text, n) => text + " ".repeat(Math.max(0, n - width(text)));
const padStart = (text, n) => " ".repeat(Math.max(0, n - width(text))) + text;

function table(rows) {
  const fmt = (v, digits = 0) => (v == null ? "–" : v.toFixed(digits));
  const head = ["page", "perf", "a11y", "best", "seo", "FCP ms", "LCP ms", "TBT ms", "CLS", "KB", "reqs"];
  const body = rows.map(({ page, median: m }) => [
    page,
    fmt(m.performance),
    fmt(m.accessibility),
    fmt(m.bestPractices),
    fmt(m.seo),
    fmt(m.fcpMs),
    fmt(m.lcpMs),
    fmt(m.tbtMs),
    fmt(m.cls, 3),
    fmt(m.totalBytes == null ? null : m.totalBytes / 1024, 1),
    fmt(m.requests),
  ]);
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]))));
  const line = (cells) => cells.map((c, i) => (i === 0 ? padEnd(c, widths[i]) : padStart(c, widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log("usage: node run.mjs [--base URL] [--runs N] [page ...]");
    return;
  }
  await mkdir(outDir, { recursive: true });
  const started = new Date();
  const rows = [];
  let lighthouseVersion = null;
  const code = opts.pages.some((p) => p.includes("{code}")) ? await fileOne(opts.base) : null;
  for (const page of opts.pages) {
    const url = new URL(page.replace("{code}", code), `${opts.base}/`).href;
    const runs = [];
    for (let i = 1; i <= opts.runs; i++) {
      process.stderr.write(`lighthouse ${page}  run ${i}/${opts.runs} … `);
      const t0 = Date.now();
      const { lhr, report } = await runOnce(url);
      lighthouseVersion = lhr.lighthouseVersion;
      runs.push({ figures: figures(lhr), report, warnings: lhr.runWarnings ?? [] });
      process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      for (const w of lhr.runWarnings ?? []) process.stderr.write(`  warning: ${w}\n`);
    }
    const keys = Object.keys(runs[0].figures);
    const med = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r.figures[k]))]));
    // Keep the full report of the run closest to the median performance score.
    const chosen = runs.reduce((best, r) =>
      Math.abs(r.figures.performance - med.performance) < Math.abs(best.figures.performance - med.performance) ? r : best,
    );
    const file = join(outDir, `${slug(page)}.json`);
    await writeFile(file, typeof chosen.report === "string" ? chosen.report : JSON.stringify(chosen.report));
    rows.push({
      page,
      url,
      report: relative(repo, file),
      median: med,
      runs: runs.map((r) => r.figures),
      warnings: [...new Set(runs.flatMap((r) => r.warnings))],
    });
  }

  const summary = {
    startedAt: started.toISOString(),
    lighthouseVersion,
    base: opts.base,
    formFactor: "mobile",
    throttling: "simulated (Lighthouse default)",
    runsPerPage: opts.runs,
    figures: "median over the runs of each figure separately; scores 0–100, times in ms, totalBytes in bytes",
    chromePath,
    chromeFlags,
    pages: rows,
  };
  const summaryFile = join(outDir, "summary.json");
  await writeFile(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);

  console.log(
    `\nLighthouse ${lighthouseVersion}, mobile (simulated throttling), ${opts.base}: ` +
      `median of ${opts.runs} run${opts.runs === 1 ? "" : "s"} per page, each figure separately`,
  );
  console.log(table(rows));
  const bench = median(rows.map((r) => r.median.benchmarkIndex));
  if (bench != null) console.log(`\nChromium benchmark index (CPU speed Lighthouse saw): ~${Math.round(bench)}`);
  console.log(`KB: total-byte-weight (transferred); reqs: network requests during the load.`);
  console.log(`Summary: ${relative(repo, summaryFile)}; full reports: target/lighthouse/<page>.json`);
}

main().catch((err) => {
  console.error(`\nlighthouse benchmark failed: ${err?.stack ?? err}`);
  process.exit(1);
});
