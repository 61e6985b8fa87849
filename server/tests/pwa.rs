//! The installable, offline-capable app as the server provides it: the
//! manifest and its icons, the service worker and everything it keeps, the
//! facilities download for the browser's own nearest search, and the pages
//! that stand in when there is no connection.

mod common;

use app::domain::coords::Crs;
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
    ] {
        assert!(list.iter().any(|u| u == want), "{want} kept");
    }
    // Not the whole city: a phone keeps the tiles around its own places.
    assert!(!list.iter().any(|u| u.starts_with("/api/v1/facilities")), "{list:?}");
    for url in &list {
        let reply = app.get(url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}");
    }
    assert!(sw.text.lines().next().unwrap().starts_with("const VERSION = \""));
    let page = app.get("/pwa.js").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("serviceWorker"));
    // Each later page revalidates the script for a 304, and a browser that
    // takes brotli gets the file compressed once, the same script.
    let etag = page.headers[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-cache");
    let again = app.get_with("/pwa.js", ("if-none-match", &etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    let br = app.get_with("/pwa.js", ("accept-encoding", "gzip, br")).await;
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
    assert!(
        br.bytes.len() < page.text.len() / 3,
        "{} of {}",
        br.bytes.len(),
        page.text.len()
    );
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut br.bytes.as_slice(), &mut unpacked).unwrap();
    assert_eq!(String::from_utf8(unpacked).unwrap(), page.text);
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

const CSV_HEADER: &str = "ref,kind,name_zh,name_en,address_zh,address_en,lat,lng,phone,community,hours,lunch,dinner,price_60,price_80,delivery,children_corner,seats,accepts";

/// Facilities on both sides of a tile edge near the test community, by
/// the CLI's importer (as staff would add them).
async fn facilities_across_an_edge(app: &common::TestApp) -> (f64, f64) {
    use app::domain::coords::LatLng;
    use app::domain::tiles::Tile;
    // The western edge of the tile the test community lies in.
    let (nw, _) = Tile::of(LatLng::new(30.645, 104.05)).corners();
    let edge = nw.lng;
    let mut csv = String::from(CSV_HEADER);
    for (i, dlng) in [-0.004, -0.002, -0.0005, 0.0005, 0.002, 0.004].iter().enumerate() {
        csv.push_str(&format!(
            "\nedge-{i},meal,边上食堂{i},,边路{i}号,,30.645,{:.6},,test-a,Mo-Su 00:00-24:00,1,0,,,0,,,",
            edge + dlng
        ));
    }
    // And one in another district, 50 km away.
    csv.push_str("\nfar-1,meal,远方食堂,,远路1号,,31.000000,104.500000,,test-b,Mo-Su 00:00-24:00,1,0,,,0,,,");
    server::import::import_facilities(
        &app.db,
        &format!("{csv}\n"),
        server::import::Format::Csv,
        Crs::Wgs84,
        false,
    )
    .await
    .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    (30.645, edge)
}

/// What a phone keeps: `tiles` answers the tiles around a place with their
/// ETags, each tile holds the facilities inside it, and together they
/// answer every search from near that place as the server does, across
/// tile edges.
#[tokio::test]
async fn the_tiles_of_a_place_answer_its_searches_like_the_server() {
    use app::domain::coords::LatLng;
    use app::domain::facility::Facility;
    use app::domain::tiles::{self, Tile};

    let app = common::app().await;
    let (lat, edge) = facilities_across_an_edge(&app).await;
    // A resident searched from 600 m east of the edge.
    let place = LatLng::new(lat, edge + 0.0062);
    let area = app
        .get(&format!("/api/v1/facilities/tiles?lat={}&lng={}", place.lat, place.lng))
        .await;
    assert_eq!(area.status, StatusCode::OK, "{}", area.text);
    let area = area.json();
    assert_eq!(area["zoom"], 13);
    let refs = area["tiles"].as_array().unwrap();
    assert!((4..=9).contains(&refs.len()), "{}", refs.len());
    let mut kept_tiles = Vec::new();
    let mut kept: Vec<Facility> = Vec::new();
    for r in refs {
        let url = r["url"].as_str().unwrap();
        let reply = app.get(url).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}");
        assert_eq!(
            reply.headers[header::ETAG].to_str().unwrap(),
            r["etag"].as_str().unwrap()
        );
        let body: serde_json::Value = serde_json::from_str(&reply.text).unwrap();
        let tile = Tile::new(body["x"].as_u64().unwrap() as u32, body["y"].as_u64().unwrap() as u32).unwrap();
        assert_eq!(url, format!("/api/v1/facilities/tiles/{}", tile.path()));
        let part: OfflineCatalog = serde_json::from_value(body).unwrap();
        assert_eq!(part.facilities.len(), r["facilities"].as_u64().unwrap() as usize);
        assert!(
            part.facilities.iter().all(|f| Tile::of(f.location) == tile),
            "{url} holds its own"
        );
        assert!(part.communities.iter().all(|c| Tile::of(c.centre) == tile));
        kept_tiles.push(tile);
        kept.extend(part.facilities);
    }
    let snapshot = app.catalog.snapshot();
    // Not the whole city: the canteen 50 km away is not kept.
    assert!(kept.len() >= 6 && kept.len() < snapshot.index.len());
    assert!(!kept.iter().any(|f| f.source_ref == "far-1"));
    // Searches from the place, and from the edge itself (its circle lies
    // on two tiles), answered from the kept tiles as the server answers.
    for (origin, minutes) in [
        (place, "60"),
        (place, "15"),
        (LatLng::new(lat, edge), "15"),
        (LatLng::new(lat, edge), "30"),
    ] {
        let q = app::domain::nearby::NearbyParams {
            lat: Some(origin.lat.to_string()),
            lng: Some(origin.lng.to_string()),
            minutes: Some(minutes.into()),
            limit: Some("100".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert!(tiles::covers(&kept_tiles, origin, q.reach_m()));
        let server = snapshot.index.nearby(&q);
        assert!(!server.within.is_empty());
        assert_eq!(
            app::domain::nearby::scan(&kept, &q),
            server,
            "from {origin:?}, {minutes} min"
        );
    }
    // The edge search needs both sides.
    let sides: std::collections::HashSet<Tile> = kept
        .iter()
        .filter(|f| f.source_ref.starts_with("edge-"))
        .map(|f| Tile::of(f.location))
        .collect();
    assert_eq!(sides.len(), 2);
}

/// After an edit, asking how the kept tiles stand names a new ETag for the
/// edited facility's tile only; a kept copy revalidates with 304.
#[tokio::test]
async fn a_refresh_downloads_only_the_tile_that_changed() {
    let app = common::app().await;
    let (lat, edge) = facilities_across_an_edge(&app).await;
    let area = app
        .get(&format!("/api/v1/facilities/tiles?lat={lat}&lng={edge}"))
        .await
        .json();
    let keep: Vec<String> = area["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["url"]
                .as_str()
                .unwrap()
                .trim_start_matches("/api/v1/facilities/tiles/")
                .to_string()
        })
        .collect();
    let etags = |v: &serde_json::Value| -> std::collections::BTreeMap<String, String> {
        v["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["url"].as_str().unwrap().to_string(),
                    t["etag"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = etags(&area);
    let first = before.iter().next().unwrap();
    let again = app.get_with(first.0, ("if-none-match", first.1)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let br = app.get_with(first.0, ("accept-encoding", "br")).await;
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");

    // Staff rename the facility just west of the edge.
    let row = format!(
        "{CSV_HEADER}\nedge-2,meal,改名的食堂,,边路2号,,30.645,{:.6},,test-a,Mo-Su 00:00-24:00,1,0,,,0,,,\n",
        edge - 0.0005
    );
    server::import::import_facilities(&app.db, &row, server::import::Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    assert!(app.catalog.refresh(&app.db).await.unwrap());
    let now = app
        .get(&format!("/api/v1/facilities/tiles?keep={}", keep.join(",")))
        .await;
    assert_eq!(now.status, StatusCode::OK, "{}", now.text);
    let after = etags(&now.json());
    assert_eq!(after.len(), before.len());
    let west = format!(
        "/api/v1/facilities/tiles/{}",
        app::domain::tiles::Tile::of(app::domain::coords::LatLng::new(lat, edge - 0.0005)).path()
    );
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (url, old) in &before {
        assert_eq!(*old != after[url], *url == west, "{url}: only the edited tile changed");
    }
    let tile = app.get(&west).await;
    assert!(tile.text.contains("改名的食堂"));
}

#[tokio::test]
async fn bad_tile_requests_get_clear_json_errors() {
    let app = common::app().await;
    let many = (0..82).map(|i| format!("13/{i}/1")).collect::<Vec<_>>().join(",");
    for (url, status) in [
        ("/api/v1/facilities/tiles", StatusCode::BAD_REQUEST),
        ("/api/v1/facilities/tiles?lat=abc&lng=104", StatusCode::BAD_REQUEST),
        ("/api/v1/facilities/tiles?lat=30.6", StatusCode::BAD_REQUEST),
        ("/api/v1/facilities/tiles?lat=95&lng=104", StatusCode::BAD_REQUEST),
        (
            "/api/v1/facilities/tiles?lat=30.6&lng=104&community=test-a",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/facilities/tiles?keep=12/1/1", StatusCode::BAD_REQUEST),
        (
            &format!("/api/v1/facilities/tiles?keep={many}"),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/facilities/tiles?community=nowhere", StatusCode::NOT_FOUND),
        ("/api/v1/facilities/tiles/12/1/1", StatusCode::NOT_FOUND),
        ("/api/v1/facilities/tiles/13/8192/0", StatusCode::NOT_FOUND),
        ("/api/v1/facilities/tiles/13/x/0", StatusCode::NOT_FOUND),
    ] {
        let r = app.get(url).await;
        assert_eq!(r.status, status, "{url}: {}", r.text);
        assert!(
            r.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{url}"
        );
    }
    // A community's area is the one around its centre.
    let by_code = app.get("/api/v1/facilities/tiles?community=test-a").await;
    assert_eq!(by_code.status, StatusCode::OK);
    let centre = app.catalog.snapshot().community("test-a").unwrap().centre;
    let by_place = app
        .get(&format!(
            "/api/v1/facilities/tiles?lat={}&lng={}",
            centre.lat, centre.lng
        ))
        .await;
    assert_eq!(by_code.json()["tiles"], by_place.json()["tiles"]);
    // An empty tile far away is an empty list, not an error.
    let empty = app.get("/api/v1/facilities/tiles/13/0/0").await;
    assert_eq!(empty.status, StatusCode::OK);
    let empty: OfflineCatalog = serde_json::from_str(&empty.text).unwrap();
    assert!(empty.facilities.is_empty() && empty.communities.is_empty());
}
