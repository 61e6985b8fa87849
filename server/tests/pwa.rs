//! The installable, offline-capable app as the server provides it: the
//! manifest and its icons, the service worker and everything it keeps, the
//! facilities download for the browser's own nearest search, and the pages
//! that stand in when there is no connection.

mod common;

use axum::http::{header, StatusCode};

use app::domain::nearby::OfflineCatalog;

fn png_size(path: &str) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(&bytes[1..4], b"PNG", "{path} is a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn the_manifest_makes_an_installable_chinese_app() {
    let public = concat!(env!("CARGO_MANIFEST_DIR"), "/../public");
    let text = std::fs::read_to_string(format!("{public}/manifest.webmanifest")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(m["short_name"], "邻里");
    assert!(m["name"].as_str().unwrap().contains("邻里"));
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["scope"], "/");
    assert!(m["start_url"].as_str().unwrap().starts_with('/'));
    assert!(m["theme_color"].is_string() && m["background_color"].is_string());
    let icons = m["icons"].as_array().unwrap();
    let mut seen = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let (w, h) = png_size(&format!("{public}{src}"));
        assert_eq!(icon["sizes"], format!("{w}x{h}"), "{src}");
        seen.push((w, icon["purpose"].as_str().unwrap_or("any").to_string()));
    }
    for want in [(192, "any"), (512, "any"), (512, "maskable")] {
        assert!(seen.contains(&(want.0, want.1.to_string())), "{want:?} in {seen:?}");
    }
    let shortcuts: Vec<&str> = m["shortcuts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(shortcuts, ["/nearby", "/sorting", "/suggest"]);
    for s in m["shortcuts"].as_array().unwrap() {
        let src = s["icons"][0]["src"].as_str().unwrap();
        assert_eq!(png_size(&format!("{public}{src}")), (96, 96));
    }
    assert_eq!(png_size(&format!("{public}/icons/apple-touch-icon.png")), (180, 180));
}

#[tokio::test]
async fn every_page_links_the_manifest_and_the_ios_tags() {
    let app = common::app().await;
    for path in ["/", "/nearby", "/sorting", "/track", "/offline"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for tag in [
            r#"href="/manifest.webmanifest""#,
            r#"href="/icons/apple-touch-icon.png""#,
            r#"name="apple-mobile-web-app-status-bar-style""#,
            r#"name="theme-color""#,
            r#"id="app-status""#,
            r#"src="/pwa.js""#,
        ] {
            assert!(page.text.contains(tag), "{path} lacks {tag}");
        }
    }
    // The install offer is on the home page only: no nagging elsewhere.
    assert!(app.get("/").await.text.contains(r#"id="install-offer""#));
    assert!(!app.get("/sorting").await.text.contains(r#"id="install-offer""#));
    // The outbox sentences, with the gaps the page script fills.
    let home = app.get("/").await.text;
    assert!(home.contains("{title}") && home.contains("{code}"));
    let english = app.get_with("/", ("accept-language", "en")).await.text;
    assert!(english.contains("waiting to send"));
}

/// The worker's list must load completely (`cache.addAll` fails as a
/// whole): every URL in it answers 200.
#[tokio::test]
async fn the_service_worker_keeps_what_exists() {
    let app = common::app().await;
    let sw = app.get("/sw.js").await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(sw.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(sw.headers["service-worker-allowed"], "/");
    assert_eq!(sw.headers[header::CACHE_CONTROL], "no-cache");
    let line = sw
        .text
        .lines()
        .find_map(|l| l.strip_prefix("const PRECACHE = "))
        .expect("a precache list");
    let list: Vec<String> = serde_json::from_str(line.trim_end_matches(';')).unwrap();
    for want in [
        "/",
        "/nearby",
        "/nearby/offline",
        "/sorting",
        "/suggest/offline",
        "/offline",
        "/api/v1/facilities/all",
    ] {
        assert!(list.iter().any(|u| u == want), "{want} kept");
    }
    for url in &list {
        let reply = app.get(url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}");
    }
    assert!(sw.text.lines().next().unwrap().starts_with("const VERSION = \""));
    let page = app.get("/pwa.js").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("serviceWorker"));
}

#[tokio::test]
async fn the_facilities_download_is_the_catalogue() {
    let app = common::app().await;
    let reply = app.get("/api/v1/facilities/all").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
    let catalog: OfflineCatalog = serde_json::from_str(&reply.text).unwrap();
    let snapshot = app.catalog.snapshot();
    assert_eq!(catalog.facilities.len(), snapshot.index.len());
    assert_eq!(catalog.communities, *snapshot.communities);
    // The browser's scan over the download answers like the server's index.
    let query = app::domain::nearby::NearbyParams {
        lat: Some("30.645".into()),
        lng: Some("104.05".into()),
        ..Default::default()
    }
    .validate()
    .unwrap();
    assert_eq!(
        app::domain::nearby::scan(&catalog.facilities, &query),
        snapshot.index.nearby(&query)
    );
    // Revalidation: the same ETag answers 304, no body.
    let etag = reply.headers[header::ETAG].to_str().unwrap().to_string();
    let again = app.get_with("/api/v1/facilities/all", ("if-none-match", &etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    let br = app.get_with("/api/v1/facilities/all", ("accept-encoding", "br")).await;
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn the_offline_pages_stand_in() {
    let app = common::app().await;
    let offline = app.get("/offline").await;
    for link in [r#"href="/nearby""#, r#"href="/sorting""#, r#"href="/suggest/offline""#] {
        assert!(offline.text.contains(link), "{link}");
    }
    let form = app.get("/suggest/offline").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("OfflineSuggest"));
    // The communities travel with the kept page, for choosing one offline.
    assert!(form.text.contains("test-a"));
    for field in [
        "name=\"title\"",
        "name=\"photos\"",
        "name=\"community\"",
        "name=\"consent\"",
    ] {
        assert!(form.text.contains(field), "{field}");
    }
    let english = app.get_with("/suggest/offline", ("accept-language", "en")).await;
    assert!(english.text.contains("works offline"));
    // The offline nearby answer is only on the kept stand-in, never on the
    // pages online residents load.
    assert!(app.get("/nearby/offline").await.text.contains("OfflineNearby"));
    assert!(!app.get("/nearby").await.text.contains("OfflineNearby"));
    let answered = app.get("/nearby?lat=30.645&lng=104.05").await;
    assert!(!answered.text.contains("OfflineNearby"));
}
