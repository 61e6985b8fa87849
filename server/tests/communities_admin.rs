//! Communities kept from the browser (admins), on the real router and
//! database: created with a boundary pasted as GeoJSON in Amap's
//! coordinates, which then decides where a suggestion goes; every mistake
//! named with what was typed kept; boundaries cleared; and nobody else
//! changing anything.

mod common;

use axum::http::{header, StatusCode};

use app::domain::coords::{Crs, LatLng};
use app::domain::review::Role;
use common::{csrf, form, get, sign_in, user, TestApp};

async fn admin(app: &TestApp) -> (String, String) {
    user(app, "street", Role::Admin, None).await;
    let cookie = sign_in(app, "street").await;
    let token = csrf(app, &cookie).await;
    (cookie, token)
}

/// A square around (30.6800, 104.1000), about 1 km a side, as GeoJSON in
/// `crs`.
fn square(crs: Crs) -> String {
    let corner = |lat: f64, lng: f64| {
        let p = crs.from_wgs84(LatLng::new(lat, lng));
        format!("[{:.7},{:.7}]", p.lng, p.lat)
    };
    format!(
        r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{},{},{},{},{}]]}}}}"#,
        corner(30.675, 104.095),
        corner(30.675, 104.105),
        corner(30.685, 104.105),
        corner(30.685, 104.095),
        corner(30.675, 104.095)
    )
}

#[tokio::test]
async fn an_admin_creates_a_community_whose_boundary_then_decides_where_suggestions_go() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    let boundary = square(Crs::Gcj02);
    let r = app
        .send(form(
            "/review/communities",
            Some(&cookie),
            &[
                ("csrf", &token),
                ("code", "test-c"),
                ("name_zh", "丙街道"),
                ("name_en", "C Subdistrict"),
                ("district_zh", "成华区"),
                ("coords", ""),
                ("crs", "gcj02"),
                ("boundary", &boundary),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.headers[header::LOCATION], "/review/communities/test-c?done=1");
    let c = app
        .catalog
        .snapshot()
        .community("test-c")
        .cloned()
        .expect("residents' catalogue has it");
    // Converted to WGS-84: the centre of the square, within a metre.
    let off = app::domain::walking::haversine_m(c.centre, LatLng::new(30.68, 104.10));
    assert!(off < 1.0, "centre {off} m off");
    let b = c.boundary.expect("boundary kept");
    assert!(b.contains(LatLng::new(30.6790, 104.0960)));
    assert!(!b.contains(LatLng::new(30.6860, 104.1000)));

    // A suggestion just inside goes to the new community.
    let filed = app
        .send(
            axum::http::Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(
                    serde_json::json!({"category":"seating","title":"加长椅","lat":30.6790,"lng":104.0960}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let code = app::domain::suggestion::ReceiptCode::parse(filed.json()["receipt_code"].as_str().unwrap()).unwrap();
    assert_eq!(
        app.db.suggestion_community(&code).await.unwrap().as_deref(),
        Some("test-c")
    );

    // The page lists it and draws it.
    let list = app.send(get("/review/communities", Some(&cookie))).await;
    assert!(
        list.text.contains("丙街道") && list.text.contains("边界 5 个点"),
        "{}",
        list.text
    );
    let page = app.send(get("/review/communities/test-c?done=1", Some(&cookie))).await;
    assert!(
        page.text.contains("class=\"community-outline\""),
        "the boundary is drawn"
    );
    assert!(page.text.contains("id=\"community-done\""));

    // Renamed, the boundary kept; then cleared.
    assert!(
        page.text.contains("Polygon"),
        "the stored boundary is in the form to correct"
    );
    let save = |fields: Vec<(&'static str, String)>| {
        let (cookie, token) = (cookie.clone(), token.clone());
        let app = &app;
        async move {
            let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            app.send(form("/review/communities/test-c/save", Some(&cookie), &all))
                .await
        }
    };
    let r = save(vec![
        ("name_zh", "丙街道（新）".into()),
        ("coords", "30.68, 104.10".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let c = app.catalog.snapshot().community("test-c").cloned().unwrap();
    assert_eq!(c.name_zh, "丙街道（新）");
    assert!(c.boundary.is_some(), "an empty boundary field keeps the stored one");
    let r = save(vec![
        ("name_zh", "丙街道（新）".into()),
        ("coords", "30.68, 104.10".into()),
        ("clear_boundary", "1".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.catalog.snapshot().community("test-c").unwrap().boundary.is_none());

    // Every change recorded: who, when, before → after; a save that
    // changes nothing adds nothing.
    let r = save(vec![
        ("name_zh", "丙街道（新）".into()),
        ("coords", "30.68, 104.10".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let history = app.db.community_history("test-c").await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["edited", "edited", "created"]);
    assert!(history.iter().all(|e| e.actor.as_deref() == Some("street")));
    assert!(history[1].before.contains("\"丙街道\"") && history[1].after.contains("丙街道（新）"));
    assert!(history[0].before.contains("5 points") && history[0].after.contains("\"boundary\":null"));
    let page = app.send(get("/review/communities/test-c", Some(&cookie))).await;
    assert!(
        page.text.contains("name_zh: 丙街道 → 丙街道（新）"),
        "the history is on the page"
    );
}

#[tokio::test]
async fn mistakes_come_back_with_what_was_typed_and_nothing_is_saved() {
    let app = common::app().await;
    let (cookie, token) = admin(&app).await;
    let before = app.db.communities().await.unwrap();
    for (fields, expect) in [
        (
            vec![("code", "test-a"), ("name_zh", "重复"), ("coords", "30.64, 104.05")],
            "这个代码已被另一个社区使用",
        ),
        (
            vec![
                ("code", "bad code!"),
                ("name_zh", "坏代码"),
                ("coords", "30.64, 104.05"),
            ],
            "id=\"code-error\"",
        ),
        (
            vec![("code", "test-d"), ("name_zh", ""), ("coords", "30.64, 104.05")],
            "id=\"name_zh-error\"",
        ),
        (
            vec![("code", "test-d"), ("name_zh", "丁"), ("coords", "104.05, 30.64")],
            "经纬度是不是写反了",
        ),
        (
            vec![
                ("code", "test-d"),
                ("name_zh", "丁"),
                ("coords", ""),
                ("boundary", "{\"type\":\"Point\"}"),
            ],
            "边界必须是 GeoJSON 多边形",
        ),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        let r = app.send(form("/review/communities", Some(&cookie), &all)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.text.contains(expect), "{fields:?}: {expect}");
        assert!(r.text.contains("id=\"community-error\""));
        let name = fields.iter().find(|(k, _)| *k == "name_zh").unwrap().1;
        assert!(r.text.contains(&format!("value=\"{name}\"")), "kept as typed");
    }
    // A centre outside the boundary it is given.
    let r = app
        .send(form(
            "/review/communities/test-a/save",
            Some(&cookie),
            &[
                ("csrf", &token),
                ("name_zh", "甲街道"),
                ("coords", "30.64, 104.05"),
                ("boundary", &square(Crs::Wgs84)),
            ],
        ))
        .await;
    assert!(r.text.contains("中心点不在社区边界里"));
    assert_eq!(app.db.communities().await.unwrap(), before, "nothing saved");
}

#[tokio::test]
async fn only_admins_change_communities() {
    let app = common::app().await;
    let (admin_cookie, _) = admin(&app).await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let cookie = sign_in(&app, "member-a").await;
    let token = csrf(&app, &cookie).await;
    let fields = [
        ("csrf", token.as_str()),
        ("name_zh", "被改"),
        ("coords", "30.64, 104.05"),
    ];
    let before = app.db.communities().await.unwrap();
    let r = app
        .send(form("/review/communities/test-a/save", Some(&cookie), &fields))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(form(
            "/review/communities",
            Some(&cookie),
            &[("csrf", &token), ("code", "x-1"), ("name_zh", "新")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.send(get("/review/communities", Some(&cookie))).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.send(get("/review/communities/test-a", Some(&cookie))).await.status,
        StatusCode::FORBIDDEN
    );
    // An admin without the token; nobody at all; an unknown community.
    let r = app
        .send(form(
            "/review/communities/test-a/save",
            Some(&admin_cookie),
            &[("name_zh", "被改")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app
        .send(form("/review/communities/test-a/save", None, &fields))
        .await
        .status
        .is_redirection());
    let admin_token = csrf(&app, &admin_cookie).await;
    let r = app
        .send(form(
            "/review/communities/nowhere/save",
            Some(&admin_cookie),
            &[("csrf", &admin_token), ("name_zh", "x")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.send(get("/review/communities/nowhere", Some(&admin_cookie)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.db.communities().await.unwrap(), before);
}
