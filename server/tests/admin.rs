//! The administration area on the real router and database: who may do
//! what to which facility, every change in the history, and residents
//! seeing it at once (the API, the pages, the index).

mod common;

use axum::http::{header, StatusCode};
use chrono::Days;

use app::domain::hours::LocalTime;
use app::domain::review::Role;
use common::{csrf, form, get, sign_in, user, Reply, TestApp};

/// `m-5` (test-a) and `r-far` (test-b) of the common data.
async fn facility_id(app: &TestApp, source_ref: &str) -> i64 {
    let snapshot = app.catalog.snapshot();
    snapshot
        .index
        .facilities()
        .iter()
        .find(|f| f.source_ref == source_ref)
        .map(|f| f.id)
        .unwrap()
}

async fn version(app: &TestApp, id: i64) -> String {
    app.db
        .facility_record(id)
        .await
        .unwrap()
        .unwrap()
        .updated_at
        .to_string()
}

/// The edit form's fields for a facility as stored, with `changes` applied.
async fn edit_fields(app: &TestApp, id: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let f = app.db.facility(id).await.unwrap().unwrap();
    let mut fields = app::domain::admin::facility_form::fields_of(&f);
    for (k, v) in changes {
        fields.retain(|(n, _)| n != k);
        fields.push((k.to_string(), v.to_string()));
    }
    fields.push(("version".into(), version(app, id).await));
    fields
}

/// `POST /review/facilities/{id}/{action}` with the form's fields.
async fn act(app: &TestApp, cookie: Option<&str>, id: i64, action: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(form(&format!("/review/facilities/{id}/{action}"), cookie, fields))
        .await
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

struct Actor {
    name: &'static str,
    cookie: Option<String>,
    token: String,
}

async fn actors(app: &TestApp) -> Vec<Actor> {
    user(app, "member-a", Role::Committee, Some("test-a")).await;
    user(app, "member-b", Role::Committee, Some("test-b")).await;
    user(app, "admin", Role::Admin, None).await;
    let mut out = vec![Actor {
        name: "anonymous",
        cookie: None,
        token: "0".repeat(64),
    }];
    for name in ["member-a", "member-b", "admin"] {
        let cookie = sign_in(app, name).await;
        let token = csrf(app, &cookie).await;
        out.push(Actor {
            name,
            cookie: Some(cookie),
            token,
        });
    }
    out
}

/// What each actor may do to a facility of `community`.
fn expected(actor: &str, action: &str, community: &str) -> StatusCode {
    let committee_may = matches!(action, "save" | "closure" | "checked");
    match (actor, community) {
        ("admin", _) => StatusCode::SEE_OTHER,
        ("member-a", "test-a") | ("member-b", "test-b") if committee_may => StatusCode::SEE_OTHER,
        ("member-a", "test-a") | ("member-b", "test-b") => StatusCode::FORBIDDEN,
        _ => StatusCode::NOT_FOUND,
    }
}

#[tokio::test]
async fn the_authorisation_matrix_covers_every_facility_action() {
    let app = common::app().await;
    let actors = actors(&app).await;
    let ids = [
        ("test-a", facility_id(&app, "m-5").await),
        ("test-b", facility_id(&app, "r-far").await),
    ];
    let today = LocalTime::shanghai(chrono::Utc::now()).date;
    for actor in &actors {
        let cookie = actor.cookie.as_deref();
        // The list shows exactly the actor's communities' facilities.
        let list = app.send(get("/review/facilities", cookie)).await;
        if cookie.is_none() {
            assert_eq!(list.status, StatusCode::FOUND, "signed out: to sign in");
        } else {
            let sees = |c: &str| expected(actor.name, "view", c) != StatusCode::NOT_FOUND;
            assert_eq!(list.text.contains("五号食堂"), sees("test-a"), "{}", actor.name);
            assert_eq!(list.text.contains("远处书屋"), sees("test-b"), "{}", actor.name);
        }
        for (community, id) in ids {
            let page = app.send(get(&format!("/review/facilities/{id}"), cookie)).await;
            match (cookie, expected(actor.name, "view", community)) {
                (None, _) => assert_eq!(page.status, StatusCode::FOUND),
                (_, StatusCode::NOT_FOUND) => assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", actor.name),
                _ => assert_eq!(page.status, StatusCode::OK, "{} {community}", actor.name),
            }
            let from = (today + Days::new(30)).to_string();
            for action in ["save", "closure", "checked", "retire", "restore"] {
                let mut fields: Vec<(String, String)> = match action {
                    "save" => edit_fields(&app, id, &[("phone", "028-11112222")]).await,
                    "closure" => vec![
                        ("from".into(), from.clone()),
                        ("to".into(), from.clone()),
                        ("note_zh".into(), format!("{} 的安排", actor.name)),
                        ("version".into(), version(&app, id).await),
                    ],
                    _ => vec![("version".into(), version(&app, id).await)],
                };
                fields.push(("csrf".into(), actor.token.clone()));
                let before = app.db.facility_record(id).await.unwrap().unwrap();
                let r = act(&app, cookie, id, action, &pairs(&fields)).await;
                let after = app.db.facility_record(id).await.unwrap().unwrap();
                if cookie.is_none() {
                    assert!(r.headers[header::LOCATION].to_str().unwrap().starts_with("/login"));
                    assert_eq!(before, after);
                    continue;
                }
                let want = expected(actor.name, action, community);
                assert_eq!(r.status, want, "{} {action} {community}: {}", actor.name, r.text);
                if want == StatusCode::SEE_OTHER {
                    assert_eq!(
                        r.headers[header::LOCATION].to_str().unwrap(),
                        format!("/review/facilities/{id}?done=1"),
                        "{} {action}",
                        actor.name
                    );
                } else {
                    assert_eq!(before, after, "{} {action} {community} changed nothing", actor.name);
                }
                // Take the closure away again for the next actor.
                if action == "closure" && want == StatusCode::SEE_OTHER {
                    let v = version(&app, id).await;
                    let r = act(
                        &app,
                        cookie,
                        id,
                        "closure-remove",
                        &[
                            ("from", from.as_str()),
                            ("version", v.as_str()),
                            ("csrf", actor.token.as_str()),
                        ],
                    )
                    .await;
                    assert_eq!(r.status, StatusCode::SEE_OTHER);
                }
            }
        }
        // Creating: admins only, in any community.
        let mut fields = vec![
            ("kind", "meal"),
            ("name_zh", "新开食堂"),
            ("address_zh", "甲路20号"),
            ("lat", "30.641"),
            ("lng", "104.051"),
            ("community", "test-a"),
            ("lunch", "1"),
            ("csrf", actor.token.as_str()),
        ];
        let hours: Vec<(String, String)> = (0..7)
            .flat_map(|d| {
                [
                    (format!("d{d}_open1"), "11:00".to_string()),
                    (format!("d{d}_close1"), "13:00".to_string()),
                ]
            })
            .collect();
        fields.extend(pairs(&hours));
        let r = app.send(form("/review/facilities", cookie, &fields)).await;
        let new_page = app.send(get("/review/facilities/new", cookie)).await;
        match actor.name {
            "anonymous" => assert!(r.headers[header::LOCATION].to_str().unwrap().starts_with("/login")),
            "admin" => {
                assert_eq!(r.status, StatusCode::SEE_OTHER);
                assert_eq!(new_page.status, StatusCode::OK, "the empty form is a page");
                assert!(new_page.text.contains("name=\"name_zh\""));
            }
            _ => {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", actor.name);
                assert_eq!(new_page.status, StatusCode::NOT_FOUND, "{}: no empty form", actor.name);
            }
        }
    }
    let created = app
        .catalog
        .snapshot()
        .index
        .facilities()
        .iter()
        .filter(|f| f.name_zh == "新开食堂")
        .count();
    assert_eq!(created, 1, "only the admin's facility exists, in the index at once");
}

#[tokio::test]
async fn a_holiday_closure_reaches_residents_at_once_and_every_change_is_in_the_history() {
    let app = common::app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let cookie = sign_in(&app, "member-a").await;
    let token = csrf(&app, &cookie).await;
    let id = facility_id(&app, "m-5").await;
    let today = LocalTime::shanghai(chrono::Utc::now()).date;
    let open_now = |body: &serde_json::Value| {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["open_now"].clone())
    };
    let nearby = "/api/v1/facilities/nearby?lat=30.645&lng=104.05&kind=meal";
    assert_eq!(
        open_now(&app.get(nearby).await.json()),
        Some(serde_json::json!(true)),
        "open 24/7"
    );

    // New hours with a lunch break, then a closure over today.
    let mut fields = edit_fields(&app, id, &[]).await;
    for d in 0..7 {
        for (k, v) in [
            ("open1", "08:30"),
            ("close1", "11:30"),
            ("open2", "14:00"),
            ("close2", "17:30"),
        ] {
            fields.retain(|(n, _)| n != &format!("d{d}_{k}"));
            fields.push((format!("d{d}_{k}"), v.into()));
        }
    }
    fields.push(("csrf".into(), token.clone()));
    let r = act(&app, Some(&cookie), id, "save", &pairs(&fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let api = app.get(&format!("/api/v1/facilities/{id}")).await.json();
    assert_eq!(api["hours"]["text"], "Mo-Su 08:30-11:30,14:00-17:30");

    let (from, to) = (today.to_string(), (today + Days::new(6)).to_string());
    let v = version(&app, id).await;
    let closure = [
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("note_zh", "春节闭馆"),
        ("note_en", "Closed for the Spring Festival"),
        ("version", v.as_str()),
        ("csrf", token.as_str()),
    ];
    let r = act(&app, Some(&cookie), id, "closure", &closure).await;
    assert_eq!(
        r.headers[header::LOCATION].to_str().unwrap(),
        format!("/review/facilities/{id}?done=1")
    );

    // Residents: the API says closed now, with the note; the pages say why.
    assert_eq!(open_now(&app.get(nearby).await.json()), Some(serde_json::json!(false)));
    let api = app.get(&format!("/api/v1/facilities/{id}")).await.json();
    assert_eq!(api["open_now"], false);
    assert_eq!(api["closures"][0]["from"], from.as_str());
    assert_eq!(api["closures"][0]["note"], "春节闭馆");
    assert_eq!(api["closures"][0]["hours"], serde_json::json!([]));
    let page = app.get(&format!("/facility/{id}")).await;
    assert!(
        page.text.contains("春节闭馆") && page.text.contains("暂停开放"),
        "{}",
        page.text
    );
    let results = app.get("/nearby?lat=30.645&lng=104.05&kind=meal").await;
    assert!(results.text.contains("春节闭馆"));
    let english = app
        .get_with(&format!("/facility/{id}"), ("accept-language", "en"))
        .await;
    assert!(english.text.contains("Closed for the Spring Festival"));

    // An overlapping one is refused with its reason, and what was typed is kept.
    let v = version(&app, id).await;
    let overlapping = [
        ("from", to.as_str()),
        ("to", to.as_str()),
        ("note_zh", "又一个"),
        ("version", v.as_str()),
        ("csrf", token.as_str()),
    ];
    let r = act(&app, Some(&cookie), id, "closure", &overlapping).await;
    let back = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(back.contains("closure_error=overlap"), "{back}");
    let shown = app.send(get(&back, Some(&cookie))).await;
    assert!(
        shown.text.contains("重叠") && shown.text.contains("又一个"),
        "{}",
        shown.text
    );

    // A save from a stale form is refused, not merged.
    let mut stale = edit_fields(&app, id, &[("phone", "028-99998888")]).await;
    stale.retain(|(k, _)| k != "version");
    stale.push(("version".into(), "1".into()));
    stale.push(("csrf".into(), token.clone()));
    let r = act(&app, Some(&cookie), id, "save", &pairs(&stale)).await;
    assert_eq!(
        r.headers[header::LOCATION].to_str().unwrap(),
        format!("/review/facilities/{id}?error=conflict")
    );
    assert_ne!(app.db.facility(id).await.unwrap().unwrap().phone, "028-99998888");

    // A mistake in the hours comes back with the day named and nothing saved.
    let bad = edit_fields(&app, id, &[("d2_close1", "07:00"), ("csrf", token.as_str())]).await;
    let r = act(&app, Some(&cookie), id, "save", &pairs(&bad)).await;
    let back = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(back.contains("draft="), "{back}");
    let shown = app.send(get(&back, Some(&cookie))).await;
    assert!(shown.text.contains("周三：结束时间要晚于开始时间"), "{}", shown.text);

    // The history: who, what, before → after.
    let history = app.db.facility_history(id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(kinds, vec!["closures", "edited"]);
    assert!(history.iter().all(|h| h.actor.as_deref() == Some("member-a")));
    assert!(history[1].before.contains("Mo-Su 00:00-24:00") && history[1].after.contains("08:30-11:30"));
    let page = app.send(get(&format!("/review/facilities/{id}"), Some(&cookie))).await;
    assert!(
        page.text
            .contains("hours: Mo-Su 00:00-24:00 → Mo-Su 08:30-11:30,14:00-17:30"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn a_retired_facility_leaves_residents_and_comes_back_when_restored() {
    let app = common::app().await;
    user(&app, "admin", Role::Admin, None).await;
    let cookie = sign_in(&app, "admin").await;
    let token = csrf(&app, &cookie).await;
    let id = facility_id(&app, "m-5").await;
    let listed = |body: serde_json::Value| body["results"].as_array().unwrap().iter().any(|r| r["id"] == id);
    let nearby = "/api/v1/facilities/nearby?lat=30.645&lng=104.05";
    assert!(listed(app.get(nearby).await.json()));
    for (action, visible) in [("retire", false), ("restore", true)] {
        let v = version(&app, id).await;
        let r = act(
            &app,
            Some(&cookie),
            id,
            action,
            &[("version", v.as_str()), ("csrf", token.as_str())],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}");
        assert_eq!(listed(app.get(nearby).await.json()), visible, "{action}");
        let api = app.get(&format!("/api/v1/facilities/{id}")).await;
        assert_eq!(api.status == StatusCode::OK, visible, "{action}");
        let page = app.get(&format!("/facility/{id}")).await;
        assert_eq!(page.status == StatusCode::OK, visible, "{action}");
        // Staff still find it, marked.
        let list = app.send(get("/review/facilities?state=all", Some(&cookie))).await;
        assert!(list.text.contains("五号食堂"));
    }
    let retired_list = app.send(get("/review/facilities?state=retired", Some(&cookie))).await;
    assert!(
        !retired_list.text.contains("五号食堂"),
        "restored: no longer among the retired"
    );
    let kinds: Vec<String> = app
        .db
        .facility_history(id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.kind)
        .collect();
    assert_eq!(kinds, vec!["restored", "retired"]);
}

#[tokio::test]
async fn the_list_pages_through_many_facilities_keeping_its_filters() {
    use app::domain::coords::Crs;
    use server::import::{import_facilities, Format};
    let app = common::app().await;
    let mut csv = format!("{}\n", common::HEADER);
    for n in 0..130 {
        csv.push_str(&format!(
            "bulk-{n:03},reading,批量书屋{n:03},,丙路{n}号,,30.66{n:02},104.06,,test-a,Mo-Su 09:00-17:00,,,,,,0,,\n"
        ));
    }
    import_facilities(&app.db, csv, Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    user(&app, "admin", Role::Admin, None).await;
    let cookie = sign_in(&app, "admin").await;
    let first = app
        .send(get("/review/facilities?q=批量&kind=reading", Some(&cookie)))
        .await;
    assert!(first.text.contains("共 130 个，这是第 1–100 个"), "{}", first.text);
    assert!(first.text.contains("100. 批量书屋") && !first.text.contains("101. 批量书屋"));
    // The next page's link keeps the search and the kind.
    let next = first.text.find(r#"rel="next""#).expect("a next page");
    let start = first.text[..next].rfind("href=\"").unwrap() + 6;
    let href = first.text[start..].split('"').next().unwrap().replace("&amp;", "&");
    assert!(
        href.contains("q=%E6%89%B9%E9%87%8F") && href.contains("kind=reading") && href.contains("page=1"),
        "{href}"
    );
    let second = app.send(get(&href, Some(&cookie))).await;
    assert!(second.text.contains("共 130 个，这是第 101–130 个"));
    assert!(second.text.contains("101. 批量书屋") && !second.text.contains("五号食堂"));
    assert!(second.text.contains(r#"rel="prev""#) && !second.text.contains(r#"rel="next""#));
    // Past the end: nothing, and a way back.
    let past = app.send(get("/review/facilities?q=批量&page=9", Some(&cookie))).await;
    assert!(past.text.contains("共 130 个，显示 0 个") && past.text.contains(r#"rel="prev""#));
}

#[tokio::test]
async fn the_edit_form_has_a_map_of_the_community_to_tap_the_place_on() {
    let app = common::app().await;
    user(&app, "admin", Role::Admin, None).await;
    let cookie = sign_in(&app, "admin").await;
    let id = facility_id(&app, "m-5").await;
    let page = app.send(get(&format!("/review/facilities/{id}"), Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    // The island that writes the tapped place into the form's fields, with
    // the facility marked and its community's other facilities drawn.
    assert!(
        page.text.contains(r#"<div class="map-draw-area""#),
        "the island is on the page"
    );
    assert!(page.text.contains(r#"id="e-lat""#) && page.text.contains(r#"id="e-coords""#));
    let marked = page.text.matches("class=\"map-marked\"").count();
    let others = page.text.matches("class=\"community-facility\"").count();
    assert_eq!((marked, others), (1, 5), "m-5 marked, test-a's five others drawn");
    // A committee member who may not move it gets no map.
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let member = sign_in(&app, "member-a").await;
    let page = app.send(get(&format!("/review/facilities/{id}"), Some(&member))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("map-marked"));
}
