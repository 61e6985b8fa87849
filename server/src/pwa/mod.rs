//! The service worker, `/sw.js`: the script in `sw.js` with this build's
//! version and precache list written in front of it.
//!
//! The list is made once at start-up from the files cargo-leptos wrote to
//! `site/pkg` (content-hashed names), so a new build is a new script: the
//! browser installs it next to the old one, the page offers "update
//! available — reload", and the new worker's cache holds only the new
//! build's files and pages (no old JavaScript next to new WASM).

use std::path::Path;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use app::domain::facility::WasteCategory;
use app::server::catalog::content_hash;

/// The worker's logic; the server prepends `VERSION` and `PRECACHE`.
const SCRIPT: &str = include_str!("sw.js");

/// The worker's page side, `/pwa.js`; part of the version, so a page
/// always talks to a worker of its own release.
const PAGE_SCRIPT: &str = include_str!("page.js");

/// Files of `public/` the worker keeps; their bytes are part of the
/// version, so a new icon or manifest reaches installed apps.
const STATIC_FILES: [&str; 3] = ["/manifest.webmanifest", "/favicon.svg", "/icons/icon-192.png"];

/// Pages and data that must work offline after one online visit. Not the
/// facilities: the worker keeps the tiles around the places searched from
/// (`sw.js`, `keepArea`), not the whole city.
fn offline_urls() -> Vec<String> {
    let mut urls: Vec<String> = [
        "/",
        "/nearby",
        "/nearby/offline",
        "/sorting",
        "/suggest/offline",
        "/offline",
        "/pwa.js",
        "/api/v1/sorting/dictionary",
    ]
    .map(String::from)
    .to_vec();
    urls.extend(STATIC_FILES.map(String::from));
    urls.extend(WasteCategory::ALL.iter().map(|c| format!("/sorting/{}", c.as_str())));
    urls
}

/// The generated script, shared by every request.
#[derive(Clone)]
pub struct ServiceWorker {
    body: std::sync::Arc<str>,
}

impl ServiceWorker {
    /// Lists `{site_root}/pkg` (the files browsers load). A
    /// missing directory (tests without a frontend build) gives a worker
    /// that precaches only pages and data.
    pub fn new(site_root: &str) -> Self {
        let mut pkg: Vec<String> = std::fs::read_dir(Path::new(site_root).join("pkg"))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            // Not the precompressed copies (the server picks them) nor the
            // TypeScript declarations.
            .filter(|name| ![".br", ".gz", ".ts"].iter().any(|ext| name.ends_with(ext)))
            .map(|name| format!("/pkg/{name}"))
            .collect();
        pkg.sort();
        let mut precache = offline_urls();
        precache.extend(pkg);
        let list = serde_json::to_string(&precache).expect("a list of strings serialises");
        // A hash of the list, the scripts and the static files: any change
        // is a new version (and so a new cache).
        let files: Vec<u8> = STATIC_FILES
            .iter()
            .filter_map(|f| std::fs::read(Path::new(site_root).join(f.trim_start_matches('/'))).ok())
            .flatten()
            .collect();
        let version = content_hash(
            list.bytes()
                .chain(SCRIPT.bytes())
                .chain(PAGE_SCRIPT.bytes())
                .chain(files),
        );
        let body = format!("const VERSION = \"{version:016x}\";\nconst PRECACHE = {list};\n{SCRIPT}");
        Self { body: body.into() }
    }

    pub fn script(&self) -> &str {
        &self.body
    }
}

/// `GET /sw.js`: never cached by HTTP (the browser checks it for updates
/// on every navigation anyway), allowed to control the whole site.
pub async fn service_worker(State(worker): State<ServiceWorker>) -> Response {
    let mut res = worker.script().to_string().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("service-worker-allowed", HeaderValue::from_static("/"));
    res
}

/// `GET /pwa.js`: small, revalidated on every load (the worker serves its
/// own copy, of its own version).
pub async fn page_script(headers: axum::http::HeaderMap) -> Response {
    // Compressed once at the smallest size (3.8 KB against 4.6 at the
    // pages' per-request quality); `no-cache` with an ETag, so that each
    // page after the first revalidates it (a 304) instead of downloading it
    // again, and a new release is picked up at once.
    static FILE: std::sync::LazyLock<app::server::catalog::Download> = std::sync::LazyLock::new(|| {
        app::server::catalog::Download::new(PAGE_SCRIPT.to_string(), "text/javascript; charset=utf-8", 11)
    });
    crate::api::download(&FILE, &headers, "no-cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        std::fs::write(pkg.join("linli.abc.wasm"), b"x").unwrap();
        std::fs::write(pkg.join("linli.abc.wasm.br"), b"x").unwrap();
        let root = dir.path().to_str().unwrap();
        let first = ServiceWorker::new(root);
        assert!(first.script().contains("\"/pkg/linli.abc.wasm\""));
        assert!(!first.script().contains(".wasm.br"));
        assert!(first.script().contains("\"/sorting/recyclable\""));
        assert_eq!(first.script(), ServiceWorker::new(root).script());
        std::fs::write(pkg.join("linli.def.wasm"), b"y").unwrap();
        let second = ServiceWorker::new(root);
        let version = |s: &str| s.lines().next().unwrap().to_string();
        assert_ne!(version(first.script()), version(second.script()));
        // A new manifest (same name) is a new version too.
        std::fs::write(dir.path().join("manifest.webmanifest"), b"{}").unwrap();
        assert_ne!(version(second.script()), version(ServiceWorker::new(root).script()));
    }
}
