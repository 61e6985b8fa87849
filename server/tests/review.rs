//! The committee's side through the real router and a real SQLite file:
//! sign-in, sessions, the authorisation matrix, the workflow, the audit
//! trail, moderation and the CSV export.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

use app::domain::review::Role;
use app::server::photos::samples::jpeg;
use common::{csrf, form, get, marked_wrong, sign_in, tag_of, user, Reply, TestApp};

struct Actor {
    name: &'static str,
    cookie: Option<String>,
}

async fn file(app: &TestApp, title: &str, lat: f64, lng: f64, contact: &str) -> String {
    let r = app
        .send(
            Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"category": "lighting", "title": title, "lat": lat, "lng": lng,
                           "contact_phone": contact, "description": "路灯"})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["receipt_code"].as_str().unwrap().to_string()
}

struct World {
    app: TestApp,
    a: String,
    b: String,
    actors: Vec<Actor>,
}

/// Two communities, a suggestion in each, and four actors.
async fn world() -> World {
    let app = common::app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    user(&app, "member-b", Role::Committee, Some("test-b")).await;
    user(&app, "admin", Role::Admin, None).await;
    let a = file(&app, "甲社区的路灯", 30.6401, 104.0501, "13900000001").await;
    let b = file(&app, "乙社区的路灯", 30.6601, 104.0801, "13900000002").await;
    let actors = vec![
        Actor {
            name: "anonymous",
            cookie: None,
        },
        Actor {
            name: "member-a",
            cookie: Some(sign_in(&app, "member-a").await),
        },
        Actor {
            name: "member-b",
            cookie: Some(sign_in(&app, "member-b").await),
        },
        Actor {
            name: "admin",
            cookie: Some(sign_in(&app, "admin").await),
        },
    ];
    World { app, a, b, actors }
}

/// Whether `actor` may see a suggestion of community `which` ("a" or "b").
fn allowed(actor: &str, which: &str) -> bool {
    match actor {
        "admin" => true,
        "member-a" => which == "a",
        "member-b" => which == "b",
        _ => false,
    }
}

fn is_login_redirect(r: &Reply) -> bool {
    r.status == StatusCode::SEE_OTHER && r.headers[header::LOCATION].to_str().unwrap().starts_with("/login")
        || (r.status == StatusCode::FOUND && r.headers[header::LOCATION].to_str().unwrap().starts_with("/login"))
}

#[tokio::test]
async fn the_authorisation_matrix_holds_for_every_page_action_and_function() {
    let w = world().await;
    let app = &w.app;
    let codes = [("a", w.a.clone()), ("b", w.b.clone())];
    for actor in &w.actors {
        let cookie = actor.cookie.as_deref();
        let token = match cookie {
            Some(c) => csrf(app, c).await,
            None => "0".repeat(64),
        };
        // The inbox and the export list exactly the actor's communities.
        let inbox = app.send(get("/review", cookie)).await;
        let export = app.send(get("/review/export.csv", cookie)).await;
        for r in [&inbox, &export] {
            if cookie.is_none() {
                assert!(is_login_redirect(r), "{}: {} {:?}", actor.name, r.status, r.headers);
                continue;
            }
            assert_eq!(r.status, StatusCode::OK, "{}", actor.name);
            assert_eq!(
                r.text.contains("甲社区的路灯"),
                allowed(actor.name, "a"),
                "{}",
                actor.name
            );
            assert_eq!(
                r.text.contains("乙社区的路灯"),
                allowed(actor.name, "b"),
                "{}",
                actor.name
            );
        }
        for (which, code) in &codes {
            let ok = allowed(actor.name, which);
            let page = app.send(get(&format!("/review/s/{code}"), cookie)).await;
            match (cookie, ok) {
                (None, _) => assert!(is_login_redirect(&page), "{} page", actor.name),
                (_, true) => {
                    assert_eq!(page.status, StatusCode::OK, "{} {which}", actor.name);
                    assert!(
                        page.text.contains("1390000000"),
                        "contact details shown to the committee"
                    );
                }
                (_, false) => {
                    assert_eq!(page.status, StatusCode::NOT_FOUND, "{} {which}", actor.name);
                    assert!(
                        !page.text.contains("1390000000"),
                        "no contact details across communities"
                    );
                }
            }
            // The server function behind the page answers the same.
            let path = app::pages::review::detail::ReviewSuggestion::PATH;
            let f = app.send(form(path, cookie, &[("code", code)])).await;
            match (cookie, ok) {
                (None, _) => assert!(f.status.is_server_error() || f.status.is_client_error(), "{}", f.status),
                (_, true) => assert!(f.text.contains("1390000000"), "{}: {}", actor.name, f.text),
                (_, false) => assert_eq!((f.status, f.text.as_str()), (StatusCode::OK, "null"), "{}", actor.name),
            }
            // Every action: allowed → done; other community → 404; signed out → sign in.
            for (action, fields) in [
                ("note", vec![("note", "内部备注")]),
                ("reply", vec![("reply", "收到，谢谢")]),
                ("assign", vec![("username", "")]),
                ("status", vec![("to", "reviewing")]),
                ("hide", vec![("hidden", "0")]),
            ] {
                let mut all = fields.clone();
                all.push(("csrf", token.as_str()));
                let r = app
                    .send(form(&format!("/review/s/{code}/{action}"), cookie, &all))
                    .await;
                match (cookie, ok) {
                    (None, _) => assert!(is_login_redirect(&r), "{} {action}", actor.name),
                    (_, true) => assert_eq!(
                        r.headers[header::LOCATION].to_str().unwrap(),
                        format!("/review/s/{code}?done=1"),
                        "{} {action} {which}: {}",
                        actor.name,
                        r.text
                    ),
                    (_, false) => assert_eq!(r.status, StatusCode::NOT_FOUND, "{} {action} {which}", actor.name),
                }
            }
            // Put the status back for the next actor.
            if let (Some(c), true) = (cookie, ok) {
                let r = app
                    .send(form(
                        &format!("/review/s/{code}/status"),
                        Some(c),
                        &[("to", "received"), ("csrf", &token)],
                    ))
                    .await;
                assert_eq!(r.status, StatusCode::SEE_OTHER);
            }
        }
    }
    // Nothing private ever reaches the public API or pages.
    for (_, code) in &codes {
        let public = app.get(&format!("/api/v1/suggestions/{code}")).await;
        let page = app.get(&format!("/track/{code}")).await;
        for text in [&public.text, &page.text] {
            assert!(!text.contains("1390000000"));
            assert!(!text.contains("内部备注"), "internal notes stay internal");
            assert!(
                !text.contains("member-a") && !text.contains("admin"),
                "who acted stays internal"
            );
        }
        assert!(public.text.contains("收到，谢谢"), "public replies are public");
    }
}

#[tokio::test]
async fn forged_expired_and_cross_site_requests_are_refused() {
    let w = world().await;
    let app = &w.app;
    let cookie = w.actors[1].cookie.clone().unwrap();
    let token = csrf(app, &cookie).await;
    let note = |c: &str, t: &str| {
        form(
            &format!("/review/s/{}/note", w.a),
            Some(c),
            &[("note", "x"), ("csrf", t)],
        )
    };
    // A wrong CSRF token.
    assert_eq!(
        app.send(note(&cookie, &"f".repeat(64))).await.status,
        StatusCode::FORBIDDEN
    );
    // A tampered cookie.
    let tampered = format!("linli_session={}", "a".repeat(64));
    assert!(is_login_redirect(&app.send(note(&tampered, &token)).await));
    assert!(is_login_redirect(
        &app.send(get("/review", Some("linli_session=../../etc"))).await
    ));
    // Another site's form.
    let mut cross = note(&cookie, &token);
    cross
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    cross
        .headers_mut()
        .insert(header::HOST, "linli.example".parse().unwrap());
    assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);
    // An expired session.
    let member = app.db.account("member-a").await.unwrap().unwrap().member;
    let expired = "b".repeat(64);
    let hash = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(expired.as_bytes()));
    app.db.create_session(&hash, member.id, "c", 1, "").await.unwrap();
    assert!(is_login_redirect(
        &app.send(get("/review", Some(&format!("linli_session={expired}"))))
            .await
    ));
    // Signing out ends the session.
    let r = app.send(form("/logout", Some(&cookie), &[("csrf", &token)])).await;
    assert_eq!(r.headers[header::LOCATION], "/login?signed_out=1");
    assert!(is_login_redirect(&app.send(get("/review", Some(&cookie))).await));
    // Disabling an account ends its sessions.
    let admin = w.actors[3].cookie.clone().unwrap();
    app.db.disable_user("admin", None).await.unwrap();
    assert!(is_login_redirect(&app.send(get("/review", Some(&admin))).await));
}

#[tokio::test]
async fn sign_in_does_not_tell_names_apart_and_is_throttled() {
    let app = common::app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let attempt = |name: &'static str, pw: &'static str| form("/login", None, &[("username", name), ("password", pw)]);
    let wrong = app.send(attempt("member-a", "wrong password!!")).await;
    let unknown = app.send(attempt("nobody-here", "wrong password!!")).await;
    assert_eq!(
        wrong.headers[header::LOCATION],
        unknown.headers[header::LOCATION],
        "no user enumeration"
    );
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    // Five attempts per account, then one a minute.
    let mut throttled = false;
    for _ in 0..6 {
        let r = app.send(attempt("member-a", "wrong password!!")).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = r.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
            assert!(wait > 0);
            // A few bytes that lead the browser on to the sign-in page,
            // which says how long, with the form there for then.
            let to = format!("/login?wait={wait}&amp;next=");
            assert!(r.text.contains(&format!("content=\"0;url={to}")), "{}", r.text);
            let page = app.get(&format!("/login?wait={wait}")).await;
            assert!(page.text.contains(&format!("{wait}秒后再试")), "the page says how long");
            assert!(page.text.contains("name=\"password\""));
            throttled = true;
        }
    }
    assert!(throttled, "guessing is throttled");
    let page = app.get("/login?wait=42").await;
    assert!(page.text.contains("42秒后再试"));
    assert!(!app.get("/login?wait=forged%20text").await.text.contains("forged text"));
    // Signing in successfully does not count against the account.
    let other = common::app().await;
    user(&other, "member-b", Role::Committee, Some("test-b")).await;
    for _ in 0..8 {
        sign_in(&other, "member-b").await;
    }
}

#[tokio::test]
async fn the_workflow_reaches_the_resident_and_leaves_one_event_per_change() {
    let w = world().await;
    let app = &w.app;
    let cookie = w.actors[1].cookie.clone().unwrap();
    let token = csrf(app, &cookie).await;
    let code = &w.a;
    let events = || async {
        app.send(get(&format!("/review/s/{code}"), Some(&cookie)))
            .await
            .text
            .matches("timeline-date")
            .count()
    };
    let before = events().await;
    let act = |action: &str, fields: Vec<(&'static str, String)>| {
        let mut all: Vec<(String, String)> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        all.push(("csrf".into(), token.clone()));
        let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        form(&format!("/review/s/{code}/{action}"), Some(&cookie), &refs)
    };
    // Declining without a reason is refused and changes nothing.
    // The page is told which it was, and marks the reply with its message.
    let r = app.send(act("status", vec![("to", "declined".into())])).await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{code}?error=reason"));
    assert_eq!(events().await, before);
    let page = app
        .send(get(&format!("/review/s/{code}?error=reason"), Some(&cookie)))
        .await
        .text;
    assert!(
        marked_wrong(&page, r#"id="reply""#, true),
        "{}",
        tag_of(&page, r#"id="reply""#)
    );
    assert!(page.contains(r#"id="reply-error""#));
    assert!(!tag_of(&page, r#"id="note""#).contains("aria-invalid"));
    // Done from received is not a step of the workflow.
    let r = app.send(act("status", vec![("to", "done".into())])).await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{code}?error=status"));
    // Accept with a public reply.
    let r = app
        .send(act(
            "status",
            vec![("to", "accepted".into()), ("reply", "已纳入本月维修计划。".into())],
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{code}?done=1"));
    app.send(act("note", vec![("note", "需要联系物业".into())])).await;
    app.send(act("assign", vec![("username", "member-a".into())])).await;
    app.send(act("hide", vec![("hidden", "1".into()), ("reason", "测试隐藏".into())]))
        .await;
    app.send(act("hide", vec![("hidden", "0".into())])).await;
    assert_eq!(events().await, before + 5, "one event per change");
    // The resident sees the status and the reply, not the note or who.
    let public: Value = app.get(&format!("/api/v1/suggestions/{code}")).await.json();
    assert_eq!(public["status"], "accepted");
    let replies: Vec<&str> = public["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["reply"].as_str())
        .collect();
    assert!(replies.contains(&"已纳入本月维修计划。"));
    let page = app.get(&format!("/track/{code}")).await.text;
    assert!(page.contains("已纳入本月维修计划。") && page.contains("已采纳"));
    assert!(!page.contains("需要联系物业") && !page.contains("member-a"));
    // A duplicate is linked both ways.
    let dup = file(app, "同一盏路灯", 30.6402, 104.0502, "").await;
    // Before it is marked, it shows among the open suggestions nearby.
    let page = app.send(get(&format!("/review/s/{code}"), Some(&cookie))).await.text;
    let nearby = page.split("附近的其他建议").nth(1).expect("a nearby section");
    assert!(nearby.contains(&format!("/review/s/{dup}")));
    let r = app
        .send(form(
            &format!("/review/s/{dup}/status"),
            Some(&cookie),
            &[("to", "duplicate"), ("duplicate_of", code), ("csrf", &token)],
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{dup}?done=1"));
    let original = app.send(get(&format!("/review/s/{code}"), Some(&cookie))).await.text;
    assert!(
        original.contains(&format!("/review/s/{dup}")),
        "the original links its duplicate"
    );
    assert_eq!(
        app.get(&format!("/api/v1/suggestions/{dup}")).await.json()["duplicate_of"],
        code.as_str()
    );
    // A duplicate of another community's suggestion is refused.
    let r = app
        .send(form(
            &format!("/review/s/{dup}/status"),
            Some(&cookie),
            &[("to", "reviewing"), ("csrf", &token)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(form(
            &format!("/review/s/{dup}/status"),
            Some(&cookie),
            &[("to", "duplicate"), ("duplicate_of", &w.b), ("csrf", &token)],
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{dup}?error=duplicate"));
}

#[tokio::test]
async fn moderation_hides_suggestions_and_photos_from_the_public() {
    let w = world().await;
    let app = &w.app;
    let cookie = w.actors[1].cookie.clone().unwrap();
    let token = csrf(app, &cookie).await;
    // A suggestion with a photo.
    let (ct, bytes) = {
        let boundary = "b0undary";
        let mut out = Vec::new();
        for (k, v) in [
            ("category", "seating"),
            ("title", "有照片的建议"),
            ("community", "test-a"),
            ("location_text", "甲路"),
        ] {
            out.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
        }
        out.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.jpg\"\r\n\r\n")
                .bytes(),
        );
        out.extend(jpeg(40, 30));
        out.extend(format!("\r\n--{boundary}--\r\n").bytes());
        (format!("multipart/form-data; boundary={boundary}"), out)
    };
    let created = app
        .send(
            Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(bytes))
                .unwrap(),
        )
        .await
        .json();
    let code = created["receipt_code"].as_str().unwrap().to_string();
    let url = created["photos"][0]["url"].as_str().unwrap().to_string();
    let key = url.trim_start_matches("/photos/").to_string();
    assert_eq!(app.get(&url).await.status, StatusCode::OK);
    // Hiding a photo needs a reason.
    let hide = |reason: &str| {
        form(
            &format!("/review/s/{code}/photos/0/hide"),
            Some(&cookie),
            &[("hidden", "1"), ("reason", reason), ("csrf", &token)],
        )
    };
    assert_eq!(
        app.send(hide("")).await.headers[header::LOCATION],
        format!("/review/s/{code}?error=1")
    );
    assert_eq!(
        app.send(hide("拍到了行人的脸")).await.headers[header::LOCATION],
        format!("/review/s/{code}?done=1")
    );
    assert_eq!(
        app.get(&url).await.status,
        StatusCode::NOT_FOUND,
        "hidden from the public"
    );
    let committee = app.send(get(&format!("/review/photos/{key}"), Some(&cookie))).await;
    assert_eq!(committee.status, StatusCode::OK, "still visible to the committee");
    let other = w.actors[2].cookie.clone().unwrap();
    assert_eq!(
        app.send(get(&format!("/review/photos/{key}"), Some(&other)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/suggestions/{code}")).await.json()["photos"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Hiding the suggestion.
    let r = app
        .send(form(
            &format!("/review/s/{code}/hide"),
            Some(&cookie),
            &[("hidden", "1"), ("reason", "含有广告"), ("csrf", &token)],
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{code}?done=1"));
    let public = app.get(&format!("/api/v1/suggestions/{code}")).await.json();
    assert_eq!(public["hidden"], true);
    assert_eq!(public["title"], "");
    let list = app.get("/api/v1/suggestions?community=test-a").await.text;
    assert!(!list.contains("有照片的建议"), "hidden from the public list");
    let trail = app.send(get(&format!("/review/s/{code}"), Some(&cookie))).await.text;
    assert!(
        trail.contains("含有广告") && trail.contains("拍到了行人的脸"),
        "reasons kept in the audit trail"
    );
}

#[tokio::test]
async fn the_export_is_excel_friendly_filtered_and_scoped() {
    let w = world().await;
    let app = &w.app;
    let cookie = w.actors[1].cookie.clone().unwrap();
    file(app, "=HYPERLINK(\"http://evil\")", 30.6403, 104.0503, "").await;
    let r = app
        .send(get("/review/export.csv?category=lighting", Some(&cookie)))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.text.starts_with('\u{feff}'), "UTF-8 byte-order mark");
    let mut reader = csv::Reader::from_reader(r.text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "receipt_code");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "the two lighting suggestions of test-a, not test-b's");
    let phone = headers.iter().position(|h| h == "contact_phone").unwrap();
    assert!(rows.iter().any(|r| &r[phone] == "13900000001"));
    let title = headers.iter().position(|h| h == "title").unwrap();
    assert!(
        rows.iter().any(|r| r[title].starts_with("'=HYPERLINK")),
        "formulas are defused"
    );
    let none = app
        .send(get("/review/export.csv?category=seating", Some(&cookie)))
        .await;
    assert_eq!(none.text.lines().count(), 1, "only the header");
}

#[tokio::test]
async fn the_dashboard_counts_the_members_community() {
    let w = world().await;
    let app = &w.app;
    let cookie = w.actors[1].cookie.clone().unwrap();
    let token = csrf(app, &cookie).await;
    app.send(form(
        &format!("/review/s/{}/status", w.a),
        Some(&cookie),
        &[("to", "reviewing"), ("csrf", &token)],
    ))
    .await;
    let page = app.send(get("/review/dashboard?days=90", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("最近90天"));
    // One suggestion in test-a, answered within the test: median 0.0 days.
    assert!(page.text.contains("0.0天"), "{}", page.text);
    assert!(!page.text.contains("乙社区的路灯"));
}

#[tokio::test]
async fn reply_templates_belong_to_their_community() {
    let w = world().await;
    let app = &w.app;
    let a = w.actors[1].cookie.clone().unwrap();
    let b = w.actors[2].cookie.clone().unwrap();
    let (ta, tb) = (csrf(app, &a).await, csrf(app, &b).await);
    let add = |cookie: &str, token: &str, community: &str, title: &str| {
        form(
            "/review/templates",
            Some(cookie),
            &[
                ("community", community),
                ("title", title),
                ("body", "感谢您的建议，我们会尽快处理。"),
                ("csrf", token),
            ],
        )
    };
    let r = app.send(add(&a, &ta, "test-a", "通用答复")).await;
    assert_eq!(r.headers[header::LOCATION], "/review/templates?community=test-a&done=1");
    assert_eq!(
        app.send(add(&b, &tb, "test-a", "越权模板")).await.status,
        StatusCode::NOT_FOUND
    );
    let page_a = app.send(get("/review/templates", Some(&a))).await.text;
    assert!(page_a.contains("通用答复"));
    // B sees only B's templates, whatever the URL asks for.
    let page_b = app.send(get("/review/templates?community=test-a", Some(&b))).await.text;
    assert!(!page_b.contains("通用答复") && !page_b.contains("越权模板"));
    // A template fills an empty public reply.
    let id_at = page_a.find("/review/templates/").unwrap() + "/review/templates/".len();
    let id: String = page_a[id_at..].chars().take_while(char::is_ascii_digit).collect();
    let r = app
        .send(form(
            &format!("/review/s/{}/status", w.a),
            Some(&a),
            &[("to", "reviewing"), ("template", &id), ("csrf", &ta)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let public = app.get(&format!("/api/v1/suggestions/{}", w.a)).await.text;
    assert!(public.contains("感谢您的建议，我们会尽快处理。"));
    // B cannot delete A's template.
    let r = app
        .send(form(
            &format!("/review/templates/{id}/delete"),
            Some(&b),
            &[("community", "test-a"), ("csrf", &tb)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
