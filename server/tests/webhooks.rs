//! Webhooks end to end through real HTTP: a receiver on a local port that
//! verifies every signature, fails on purpose (500s, answers too slow) and
//! de-duplicates by event id, sees every event of a workflow, in order per
//! suggestion; a worker that dies holding events loses none; a receiver
//! that never answers gets its events dead-lettered and resent.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Request, StatusCode};
use serde_json::json;

use app::domain::admin::accounts::WebhookProblem;
use app::domain::review::Role;
use common::{csrf, form, sign_in, user, TestApp};
use server::webhooks::{run_once, verify, Settings};

const PHONE: &str = "13912345678";

/// What the receiver saw: every request, and whether its signature held.
#[derive(Default)]
struct Seen {
    requests: Vec<common::HookRequest>,
    /// Answer 500 to this many requests first, then be slow to this many.
    fail: usize,
    slow: usize,
}

async fn receiver(secret: Arc<Mutex<String>>, fail: usize, slow: usize) -> (String, Arc<Mutex<Seen>>) {
    receiver_on(0, secret, fail, slow).await
}

/// [`receiver`] on a given port (0: any free one).
async fn receiver_on(port: u16, secret: Arc<Mutex<String>>, fail: usize, slow: usize) -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen {
        fail,
        slow,
        ..Seen::default()
    }));
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let s = s.clone();
            let secret = secret.clone();
            async move {
                let text = String::from_utf8_lossy(&body).to_string();
                let sig = headers
                    .get("x-linli-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let ok = verify(&secret.lock().unwrap(), sig, &text, chrono::Utc::now().timestamp(), 300);
                let id = headers["x-linli-event-id"].to_str().unwrap().to_string();
                let kind = headers["x-linli-event"].to_str().unwrap().to_string();
                let answer = {
                    let mut s = s.lock().unwrap();
                    s.requests.push((id, kind, serde_json::from_str(&text).unwrap(), ok));
                    if s.fail > 0 {
                        s.fail -= 1;
                        Some(StatusCode::INTERNAL_SERVER_ERROR)
                    } else if s.slow > 0 {
                        s.slow -= 1;
                        None
                    } else {
                        Some(StatusCode::NO_CONTENT)
                    }
                };
                match answer {
                    Some(status) => status,
                    None => {
                        // Past the sender's timeout: it counts as failed,
                        // though the event did arrive.
                        tokio::time::sleep(Duration::from_millis(800)).await;
                        StatusCode::OK
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn fast() -> Settings {
    Settings {
        poll: Duration::from_millis(20),
        retry_base: Duration::from_millis(40),
        attempts: 12,
        timeout: Duration::from_millis(300),
    }
}

/// Runs the worker until `done` or 20 s.
async fn deliver_until(app: &TestApp, settings: &Settings, done: impl Fn() -> bool) {
    deliver_for(app, settings, Duration::from_secs(20), done).await
}

async fn deliver_for(app: &TestApp, settings: &Settings, most: Duration, done: impl Fn() -> bool) {
    let client = server::webhooks::client(settings);
    let deadline = std::time::Instant::now() + most;
    while !done() && std::time::Instant::now() < deadline {
        run_once(&app.db, &client, settings).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn file(app: &TestApp, title: &str, at: (f64, f64)) -> String {
    let r = app
        .send(
            Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"category": "lighting", "title": title, "lat": at.0, "lng": at.1,
                           "contact_phone": PHONE, "contact_name": "王阿姨"})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["receipt_code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn every_event_arrives_signed_once_after_dedup_and_in_order() {
    let app = common::app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let secret = Arc::new(Mutex::new(String::new()));
    // Two 500s, then one answer too slow, then all well.
    let (url, seen) = receiver(secret.clone(), 2, 1).await;
    *secret.lock().unwrap() =
        server::webhooks::add(&app.db, "city", &url, None, &["created", "status_changed", "replied"])
            .await
            .unwrap()
            .unwrap();
    // Another community's hook, and one that wants only replies.
    let (b_url, b_seen) = receiver(Arc::new(Mutex::new(String::new())), 0, 0).await;
    server::webhooks::add(&app.db, "b-only", &b_url, Some("test-b"), &["created"])
        .await
        .unwrap()
        .unwrap();

    let first = file(&app, "路灯不亮", (30.6401, 104.0501)).await;
    let second = file(&app, "再加一盏灯", (30.6420, 104.0500)).await;
    let cookie = sign_in(&app, "member-a").await;
    let token = csrf(&app, &cookie).await;
    let act = |code: &str, fields: Vec<(&str, &str)>| {
        let mut all = fields;
        all.push(("csrf", token.as_str()));
        form(&format!("/review/s/{code}/status"), Some(&cookie), &all)
    };
    app.send(act(&first, vec![("to", "accepted"), ("reply", "已纳入本月维修计划。")]))
        .await;
    app.send(act(&first, vec![("to", "in_progress")])).await;
    app.send(act(&second, vec![("to", "reviewing")])).await;
    // A refused change (not a step of the workflow) announces nothing.
    app.send(act(&second, vec![("to", "done")])).await;
    // 2 created, accepted (status and reply), in progress, reviewing.
    let expected = 6;
    let distinct = || {
        let s = seen.lock().unwrap();
        let mut ids: Vec<&String> = s.requests.iter().map(|r| &r.0).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    };
    deliver_until(&app, &fast(), || distinct() == expected).await;
    // A little longer: nothing more may come.
    deliver_for(&app, &fast(), Duration::from_millis(600), || false).await;

    let requests = seen.lock().unwrap().requests.clone();
    assert!(
        requests.len() >= expected + 3,
        "the failures were retried: {}",
        requests.len()
    );
    assert!(requests.iter().all(|r| r.3), "every signature holds");
    // De-duplicated by id, in the order first received.
    let firsts = common::first_arrivals(&requests);
    assert_eq!(firsts.len(), expected);
    assert_eq!(common::events_of(&firsts, &first), common::WORKFLOW_FIRST);
    assert_eq!(common::events_of(&firsts, &second), common::WORKFLOW_SECOND);
    let replied = firsts.iter().find(|r| r.1 == "suggestion.replied").unwrap();
    assert_eq!(replied.2["reply"], "已纳入本月维修计划。");
    assert_eq!(replied.2["suggestion"]["title"], "路灯不亮");
    for r in &requests {
        let text = r.2.to_string();
        assert!(
            !text.contains(PHONE) && !text.contains("王阿姨"),
            "no contact details: {text}"
        );
    }
    // The other community's hook heard nothing; the list agrees.
    assert!(b_seen.lock().unwrap().requests.is_empty());
    let hooks = app.db.webhooks().await.unwrap();
    let city = hooks.iter().find(|h| h.name == "city").unwrap();
    assert_eq!((city.delivered, city.pending, city.dead), (expected as i64, 0, 0));
    let b = hooks.iter().find(|h| h.name == "b-only").unwrap();
    assert_eq!((b.delivered, b.pending, b.dead), (0, 0, 0));
}

#[tokio::test]
async fn a_worker_that_dies_holding_events_loses_none() {
    let app = common::app().await;
    let secret = Arc::new(Mutex::new(String::new()));
    let (url, seen) = receiver(secret.clone(), 0, 0).await;
    *secret.lock().unwrap() = server::webhooks::add(&app.db, "city", &url, None, &["created"])
        .await
        .unwrap()
        .unwrap();
    let code = file(&app, "长椅坏了", (30.6401, 104.0501)).await;
    // A worker claims the event and dies before sending it.
    let claimed = app.db.claim_deliveries(300, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    // While its claim holds, nobody else takes it.
    assert!(app.db.claim_deliveries(300, 10).await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(350)).await;
    deliver_until(&app, &fast(), || !seen.lock().unwrap().requests.is_empty()).await;
    let s = seen.lock().unwrap();
    assert_eq!(s.requests.len(), 1);
    assert_eq!(s.requests[0].0, claimed[0].event_id, "the same event, by its id");
    assert_eq!(s.requests[0].2["suggestion"]["receipt_code"], code);
}

#[tokio::test]
async fn a_receiver_that_never_answers_gets_dead_letters_and_a_resend() {
    let app = common::app().await;
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    server::webhooks::add(&app.db, "down", &url, None, &["created"])
        .await
        .unwrap()
        .unwrap();
    file(&app, "路灯不亮", (30.6401, 104.0501)).await;
    file(&app, "再加一盏灯", (30.6420, 104.0500)).await;
    let settings = Settings { attempts: 3, ..fast() };
    let dead = || async { app.db.webhooks().await.unwrap()[0].dead };
    let client = server::webhooks::client(&settings);
    for _ in 0..200 {
        run_once(&app.db, &client, &settings).await.unwrap();
        if dead().await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let h = &app.db.webhooks().await.unwrap()[0];
    assert_eq!((h.delivered, h.pending, h.dead), (0, 0, 2));
    assert!(h.last_error.contains("could not connect"), "{}", h.last_error);
    // Dead events are not tried any more…
    assert!(app.db.claim_deliveries(1000, 10).await.unwrap().is_empty());
    // The admin area shows them; only an admin may send them again.
    user(&app, "chief", Role::Admin, None).await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let admin = sign_in(&app, "chief").await;
    let page = app.send(common::get("/review/accounts", Some(&admin))).await.text;
    assert!(page.contains(&url) && page.contains("未能送达 2"), "dead events shown");
    let member = sign_in(&app, "member-a").await;
    let token = csrf(&app, &member).await;
    let r = app
        .send(form("/review/webhooks/down/resend", Some(&member), &[("csrf", &token)]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // …until an admin resends them, once the receiver is up again.
    let secret = Arc::new(Mutex::new(String::new()));
    let (_, seen) = receiver_on(port, secret, 0, 0).await;
    let token = csrf(&app, &admin).await;
    let r = app
        .send(form("/review/webhooks/down/resend", Some(&admin), &[("csrf", &token)]))
        .await;
    assert_eq!(r.headers[header::LOCATION], "/review/accounts?done=resent&who=down&n=2");
    let h = &app.db.webhooks().await.unwrap()[0];
    assert_eq!((h.pending, h.dead), (2, 0));
    deliver_until(&app, &settings, || seen.lock().unwrap().requests.len() == 2).await;
    let h = &app.db.webhooks().await.unwrap()[0];
    assert_eq!((h.delivered, h.pending, h.dead), (2, 0, 0));
    assert_eq!(app.db.resend_dead("down").await.unwrap(), 0, "nothing dead any more");
    // A name is one webhook.
    assert_eq!(
        server::webhooks::add(&app.db, "down", &url, None, &["created"])
            .await
            .unwrap(),
        Err(WebhookProblem::Taken)
    );
}

#[tokio::test]
async fn an_admin_adds_a_webhook_in_the_browser_sees_its_secret_once_and_stops_it() {
    let app = common::app().await;
    user(&app, "chief", Role::Admin, None).await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let admin = sign_in(&app, "chief").await;
    let token = csrf(&app, &admin).await;
    let secret = Arc::new(Mutex::new(String::new()));
    let (url, seen) = receiver(secret.clone(), 0, 0).await;
    let add = |fields: &[(&str, &str)]| {
        let mut all = fields.to_vec();
        all.push(("csrf", token.as_str()));
        form("/review/webhooks", Some(&admin), &all)
    };

    // Mistakes come back to the form, marked, with what was typed.
    let r = app
        .send(add(&[
            ("hook_name", "hotline"),
            ("hook_url", "ftp://x"),
            ("hook_community", "test-a"),
            ("hook_events", "created"),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let back = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(
        back.starts_with("/review/accounts?hook_error=url&hook_name=hotline&"),
        "{back}"
    );
    let page = app.send(common::get(&back, Some(&admin))).await.text;
    assert!(
        common::marked_wrong(&page, r#"id="h-url""#, true),
        "the address is marked"
    );
    assert!(page.contains("请填写以 https:// 或 http:// 开头的地址。"));
    assert!(common::tag_of(&page, r#"id="h-name""#).contains(r#"value="hotline""#));
    assert!(common::tag_of(&page, r#"id="h-ev-created""#).contains("checked"));
    assert!(!common::tag_of(&page, r#"id="h-ev-replied""#).contains("checked"));
    for (fields, code) in [
        (
            vec![
                ("hook_name", "hot line"),
                ("hook_url", url.as_str()),
                ("hook_events", "created"),
            ],
            "name",
        ),
        (vec![("hook_name", "hotline"), ("hook_url", url.as_str())], "events"),
        (
            vec![
                ("hook_name", "hotline"),
                ("hook_url", url.as_str()),
                ("hook_events", "deleted"),
            ],
            "events",
        ),
        (
            vec![
                ("hook_name", "hotline"),
                ("hook_url", url.as_str()),
                ("hook_community", "nowhere"),
                ("hook_events", "created"),
            ],
            "community",
        ),
    ] {
        let r = app.send(add(&fields)).await;
        let to = r.headers[header::LOCATION].to_str().unwrap();
        assert!(
            to.starts_with(&format!("/review/accounts?hook_error={code}&")),
            "{fields:?}: {to}"
        );
    }
    assert!(
        app.db.webhooks().await.unwrap().is_empty(),
        "nothing added by a mistake"
    );

    // Added: the answer shows the secret, once; the receiver checks
    // signatures with it.
    let r = app
        .send(add(&[
            ("hook_name", "hotline"),
            ("hook_url", &url),
            ("hook_community", "test-a"),
            ("hook_events", "created"),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let tag = r.text.find(r#"id="hook-secret""#).expect("the secret is shown");
    let at = tag + r.text[tag..].find('>').unwrap() + 1;
    let shown = r.text[at..at + 64].to_string();
    assert!(shown.bytes().all(|b| b.is_ascii_hexdigit()), "{shown}");
    *secret.lock().unwrap() = shown.clone();
    let later = app.send(common::get("/review/accounts", Some(&admin))).await.text;
    assert!(!later.contains(&shown), "shown only on the answer that made it");
    assert!(later.contains(&url) && later.contains("新建议"));
    let again = app
        .send(add(&[
            ("hook_name", "hotline"),
            ("hook_url", &url),
            ("hook_events", "created"),
        ]))
        .await;
    assert!(again.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/review/accounts?hook_error=taken&"));
    file(&app, "路灯不亮", (30.6401, 104.0501)).await;
    deliver_until(&app, &fast(), || !seen.lock().unwrap().requests.is_empty()).await;
    assert!(seen.lock().unwrap().requests[0].3, "signed with the secret shown");

    // Only an admin adds or stops one; the form needs its CSRF token.
    let member = sign_in(&app, "member-a").await;
    let member_token = csrf(&app, &member).await;
    let r = app
        .send(form(
            "/review/webhooks",
            Some(&member),
            &[
                ("hook_name", "mine"),
                ("hook_url", &url),
                ("hook_events", "created"),
                ("csrf", &member_token),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(form(
            "/review/webhooks/hotline/remove",
            Some(&member),
            &[("csrf", &member_token)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(form(
            "/review/webhooks",
            Some(&admin),
            &[("hook_name", "forged"), ("hook_url", &url), ("hook_events", "created")],
        ))
        .await;
    assert!(r.status.is_client_error(), "no token: {}", r.status);
    assert_eq!(app.db.webhooks().await.unwrap().len(), 1);

    // Stopped: gone from the list, and nothing more is sent.
    let r = app
        .send(form(
            "/review/webhooks/hotline/remove",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(
        r.headers[header::LOCATION],
        "/review/accounts?done=hook_removed&who=hotline"
    );
    let page = app
        .send(common::get(
            "/review/accounts?done=hook_removed&who=hotline",
            Some(&admin),
        ))
        .await
        .text;
    assert!(page.contains("hotline 不再接收事件。") && !page.contains(&url));
    let r = app
        .send(form(
            "/review/webhooks/hotline/remove",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    file(&app, "再加一盏灯", (30.6420, 104.0500)).await;
    deliver_for(&app, &fast(), Duration::from_millis(400), || false).await;
    assert_eq!(seen.lock().unwrap().requests.len(), 1);
}
