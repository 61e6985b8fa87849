//! Community boundaries decide which committee a suggestion goes to:
//! imported as GeoJSON polygons (in any of the coordinate systems), a place
//! inside one belongs to it even when another centre is nearer; a place in
//! none goes to the nearest centre, marked as a guess, and the committee
//! confirms it or hands it on.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

use app::domain::coords::{Crs, LatLng};
use app::domain::review::Role;
use common::{csrf, form, get, sign_in, user, TestApp};
use server::import::{import_communities, Format};

/// A rectangle as GeoJSON positions, in the given system.
fn rectangle(crs: Crs, south: f64, west: f64, north: f64, east: f64) -> serde_json::Value {
    let ring: Vec<[f64; 2]> = [
        (south, west),
        (south, east),
        (north, east),
        (north, west),
        (south, west),
    ]
    .iter()
    .map(|&(lat, lng)| crs.from_wgs84(LatLng::new(lat, lng)))
    .map(|p| [p.lng, p.lat])
    .collect();
    json!({"type": "Polygon", "coordinates": [ring]})
}

/// test-a below 30.65 N, test-b above, sharing that edge; test-b's file is
/// an Amap (GCJ-02) export.
async fn with_boundaries(app: &TestApp) {
    let feature = |code: &str, name: &str, geometry: serde_json::Value| {
        json!({"type": "Feature", "geometry": geometry,
               "properties": {"code": code, "name_zh": name}})
    };
    let wgs = json!({"type": "FeatureCollection", "features": [
        feature("test-a", "甲街道", rectangle(Crs::Wgs84, 30.62, 104.03, 30.65, 104.07)),
    ]});
    import_communities(&app.db, wgs.to_string(), Format::GeoJson, Crs::Wgs84, false)
        .await
        .unwrap();
    let amap = json!({"type": "FeatureCollection", "features": [
        feature("test-b", "乙街道", rectangle(Crs::Gcj02, 30.65, 104.03, 30.68, 104.10)),
    ]});
    import_communities(&app.db, amap.to_string(), Format::GeoJson, Crs::Gcj02, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
}

async fn file(app: &TestApp, lat: f64, lng: f64) -> String {
    let r = app
        .send(
            Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"category": "lighting", "title": "路灯不亮", "lat": lat, "lng": lng,
                           "contact_phone": "13900000009"})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["receipt_code"].as_str().unwrap().to_string()
}

async fn community_of(app: &TestApp, code: &str) -> String {
    let code = app::domain::suggestion::ReceiptCode::parse(code).unwrap();
    app.db.suggestion_community(&code).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_place_belongs_to_the_boundary_that_contains_it() {
    let app = common::app().await;
    with_boundaries(&app).await;
    let snapshot = app.catalog.snapshot();
    let a = snapshot.community("test-a").unwrap();
    assert!(a.boundary.is_some(), "the polygon became the boundary");
    assert!(a.boundary.as_ref().unwrap().contains(a.centre));
    // The GCJ-02 file's corner landed within a metre of the true corner.
    let b = snapshot.community("test-b").unwrap().boundary.clone().unwrap();
    let corner = b.polygons[0].rings[0][0];
    assert!(
        app::domain::walking::haversine_m(corner, LatLng::new(30.65, 104.03)) < 1.0,
        "{corner:?}"
    );

    // Inside test-a, though test-b's centre (30.66, 104.08) is nearer.
    let inside_a = file(&app, 30.649, 104.069).await;
    assert_eq!(community_of(&app, &inside_a).await, "test-a");
    // Inside test-b.
    assert_eq!(community_of(&app, &file(&app, 30.66, 104.04).await).await, "test-b");
    // On the shared edge: the nearer centre of the two.
    assert_eq!(community_of(&app, &file(&app, 30.65, 104.075).await).await, "test-b");
    // A file of communities without boundaries keeps the ones known.
    import_communities(&app.db, common::COMMUNITIES, Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    assert!(app.catalog.snapshot().community("test-a").unwrap().boundary.is_some());
}

#[tokio::test]
async fn a_guess_is_marked_and_the_committee_hands_it_on() {
    let app = common::app().await;
    with_boundaries(&app).await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    user(&app, "member-b", Role::Committee, Some("test-b")).await;
    let (a, b) = (sign_in(&app, "member-a").await, sign_in(&app, "member-b").await);
    // South of both boundaries: test-a's centre is nearest, as a guess.
    let code = file(&app, 30.61, 104.05).await;
    assert_eq!(community_of(&app, &code).await, "test-a");
    let page = app.send(get(&format!("/review/s/{code}"), Some(&a))).await;
    assert!(page.text.contains("按最近的社区中心"), "the guess is shown");
    // A suggestion inside a boundary is no guess.
    let sure = file(&app, 30.63, 104.05).await;
    let page = app.send(get(&format!("/review/s/{sure}"), Some(&a))).await;
    assert!(!page.text.contains("按最近的社区中心"));

    // Handing it to an unknown community fails; to test-b it moves, audited.
    let token = csrf(&app, &a).await;
    let hand = |to: &'static str| {
        form(
            &format!("/review/s/{code}/community"),
            Some(&a),
            &[("to", to), ("reason", "在乙街道的路口"), ("csrf", &token)],
        )
    };
    let r = app.send(hand("nowhere")).await;
    assert_ne!(
        r.headers.get(header::LOCATION).map(|l| l.to_str().unwrap()),
        Some("/review?handed=1")
    );
    assert_eq!(community_of(&app, &code).await, "test-a");
    let r = app.send(hand("test-b")).await;
    assert_eq!(r.headers[header::LOCATION], "/review?handed=1");
    assert_eq!(community_of(&app, &code).await, "test-b");
    let inbox = app.send(get("/review?handed=1", Some(&a))).await;
    assert!(
        inbox.text.contains("已转交给所属社区"),
        "the member is told where it went"
    );
    // The old committee no longer sees it (nor the resident's phone); the new one does.
    let old = app.send(get(&format!("/review/s/{code}"), Some(&a))).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert!(!old.text.contains("13900000009"));
    let new = app.send(get(&format!("/review/s/{code}"), Some(&b))).await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(new.text.contains("13900000009") && new.text.contains("转交给其他社区"));
    assert!(!new.text.contains("按最近的社区中心"), "no longer a guess");
    // The resident's tracking page keeps working under the same code.
    assert_eq!(app.get(&format!("/track/{code}")).await.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/v1/suggestions/{code}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn residents_see_the_community_a_place_belongs_to_before_filing() {
    let app = common::app().await;
    with_boundaries(&app).await;
    // Just north of the shared edge: test-a's centre is nearer, but the
    // place is inside test-b.
    let (lat, lng) = ("30.652", "104.04");
    let nearby = app.get(&format!("/nearby?lat={lat}&lng={lng}")).await;
    assert_eq!(nearby.status, StatusCode::OK);
    let current = &nearby.text[nearby.text.find("location-current").unwrap()..];
    let current = &current[..current.find("</p>").unwrap()];
    assert!(current.contains("（乙街道）"), "{current}");
    assert!(
        nearby.text.contains(r#"<option value="test-b" selected"#),
        "the picker starts there"
    );

    let place_step = |lat: &str, lng: &str| {
        let body = serde_urlencoded::to_string([
            ("step", "2"),
            ("action", "locate"),
            ("category", "lighting"),
            ("lat", lat),
            ("lng", lng),
            ("idempotency_key", "goes-to-1"),
        ])
        .unwrap();
        Request::post("/suggest")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let step = app.send(place_step(lat, lng)).await;
    assert!(
        step.text.contains("这个地点在乙街道的范围内，建议会交给乙街道居委会。"),
        "{}",
        step.text
    );
    // What the form said is where the suggestion goes.
    let code = file(&app, 30.652, 104.04).await;
    assert_eq!(community_of(&app, &code).await, "test-b");
    // Outside both boundaries the resident is told it is a guess.
    let step = app.send(place_step("30.61", "104.05")).await;
    assert!(step.text.contains("不在已知的社区边界内，已选了中心最近的甲街道。"));
    let nearby = app.get("/nearby?lat=30.61&lng=104.05").await;
    assert!(
        !nearby.text.contains("（甲街道）"),
        "no community claimed outside the boundaries"
    );
}
