//! Webhooks across a server's death: a real `server serve` process is
//! SIGKILLed while its worker waits on a receiver for an event, and the
//! workflow goes on through other processes (a restarted one on SQLite;
//! two more on one PostgreSQL database when `LINLI_TEST_POSTGRES` is set).
//! The receiver, over real HTTP, verifies every signature and fails every
//! event's first arrival; after de-duplication by event id it has seen
//! every event of the workflow exactly once, in order per suggestion,
//! including the one that was in flight when its sender died.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use app::domain::review::Role;
use app::server::auth::hash_password;
use app::server::Db;
use common::ServerProcess;
use server::webhooks::verify;

const PHONE: &str = "13912345678";
const MEMBER: &str = "yulin-hooks";

/// What the receiver saw, in arrival order: event id, `X-Linli-Event`,
/// body, whether the signature held.
#[derive(Default)]
struct Seen {
    requests: Vec<common::HookRequest>,
    secret: String,
    /// Told (once) when the first request arrives, which is never answered.
    first: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A receiver whose very first request hangs (its sender is killed
/// meanwhile); every other event's first arrival gets a 500, a later one
/// a 204.
async fn receiver(first: tokio::sync::oneshot::Sender<()>) -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen {
        first: Some(first),
        ..Seen::default()
    }));
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let s = s.clone();
            async move {
                let text = String::from_utf8_lossy(&body).to_string();
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                let (hang, status) = {
                    let mut s = s.lock().unwrap();
                    let ok = verify(
                        &s.secret,
                        &header("x-linli-signature"),
                        &text,
                        chrono::Utc::now().timestamp(),
                        300,
                    );
                    let id = header("x-linli-event-id");
                    let again = s.requests.iter().any(|r| r.0 == id);
                    s.requests.push((
                        id,
                        header("x-linli-event"),
                        serde_json::from_str(&text).unwrap_or(Value::Null),
                        ok,
                    ));
                    let hang = s.first.take();
                    let status = if again {
                        StatusCode::NO_CONTENT
                    } else {
                        StatusCode::INTERNAL_SERVER_ERROR
                    };
                    (hang, status)
                };
                if let Some(told) = hang {
                    let _ = told.send(());
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

/// A `server serve` process with quick webhook pacing: looks every 50 ms,
/// retries after 100 ms, gives a receiver 1 s (so a dead server's claim
/// lapses after 8 s).
async fn start(http: &reqwest::Client, url: &str) -> ServerProcess {
    let port = common::free_port();
    let child = common::serve_command(url, port)
        .env("LINLI_WEBHOOK_POLL_MS", "50")
        .env("LINLI_WEBHOOK_RETRY_MS", "100")
        .env("LINLI_WEBHOOK_TIMEOUT_MS", "1000")
        .env_remove("LINLI_PHOTO_DIR")
        .spawn()
        .expect("the server starts");
    let server = ServerProcess {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    common::healthy(http, &server.base).await;
    server
}

async fn file(http: &reqwest::Client, server: &ServerProcess, title: &str) -> String {
    let r = http
        .post(format!("{}/api/v1/suggestions", server.base))
        .json(
            &json!({"category": "lighting", "title": title, "lat": 30.6291, "lng": 104.0591,
                      "contact_phone": PHONE, "contact_name": "王阿姨"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Signs the member in on `server`: the session cookie and a CSRF token.
async fn sign_in(http: &reqwest::Client, server: &ServerProcess) -> (String, String) {
    let signed = http
        .post(format!("{}/login", server.base))
        .form(&[
            ("username", MEMBER),
            ("password", common::PASSWORD),
            ("next", "/review"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let cookie = signed.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let page = http
        .get(format!("{}/review", server.base))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    (cookie, page[at..at + 64].to_string())
}

/// A committee member moves `code` on, through `server`'s review form.
async fn change(http: &reqwest::Client, server: &ServerProcess, code: &str, fields: &[(&str, &str)]) {
    let (cookie, csrf) = sign_in(http, server).await;
    let mut all = fields.to_vec();
    all.push(("csrf", csrf.as_str()));
    let r = http
        .post(format!("{}/review/s/{code}/status", server.base))
        .header("cookie", cookie)
        .form(&all)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{fields:?} on {}", server.base);
}

#[tokio::test]
async fn an_event_in_flight_when_its_server_dies_arrives_once_after_dedup_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(dir.path()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut a = start(&http, &url).await;
    let db = Db::connect(&url).await.unwrap();
    let hash = hash_password(common::PASSWORD).unwrap();
    assert!(db
        .create_user(MEMBER, &hash, Role::Committee, Some("wuhou-yulin"))
        .await
        .unwrap());
    let (told, first_arrived) = tokio::sync::oneshot::channel();
    let (hook, seen) = receiver(told).await;
    let secret = server::webhooks::add(&db, "city", &hook, None, &["created", "status_changed", "replied"])
        .await
        .unwrap()
        .unwrap();
    seen.lock().unwrap().secret = secret;

    // A sends the first event; the receiver holds it; A dies.
    let first = file(&http, &a, "路灯不亮").await;
    tokio::time::timeout(Duration::from_secs(30), first_arrived)
        .await
        .expect("A sends the event")
        .unwrap();
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let in_flight = seen.lock().unwrap().requests[0].0.clone();

    // The workflow goes on elsewhere: a restarted server on SQLite; on
    // PostgreSQL two servers, sharing the work.
    let b = start(&http, &url).await;
    let other = match common::postgres_server() {
        Some(_) => Some(start(&http, &url).await),
        None => None,
    };
    let c = other.as_ref().unwrap_or(&b);
    let second = file(&http, c, "再加一盏灯").await;
    change(
        &http,
        &b,
        &first,
        &[("to", "accepted"), ("reply", "已纳入本月维修计划。")],
    )
    .await;
    change(&http, c, &first, &[("to", "in_progress")]).await;
    change(&http, c, &second, &[("to", "reviewing")]).await;
    // 2 created, accepted (status and reply), in progress, reviewing.
    let expected: i64 = 6;

    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let hooks = db.webhooks().await.unwrap();
        let city = hooks.iter().find(|h| h.name == "city").unwrap();
        if (city.delivered, city.pending) == (expected, 0) {
            assert_eq!(city.dead, 0);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "delivered {}, pending {}, dead {}: {}",
            city.delivered,
            city.pending,
            city.dead,
            city.last_error
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let requests = seen.lock().unwrap().requests.clone();
    assert!(requests.iter().all(|r| r.3), "every signature holds");
    assert!(
        requests.iter().filter(|r| r.0 == in_flight).count() >= 2,
        "the event in flight was sent again"
    );
    let firsts = common::first_arrivals(&requests);
    assert_eq!(firsts.len(), expected as usize);
    assert!(
        requests.len() >= 2 * expected as usize,
        "each first arrival failed and came again: {}",
        requests.len()
    );
    // Delivered means answered 2xx: a second arrival of each event.
    for f in &firsts {
        assert!(requests.iter().filter(|r| r.0 == f.0).count() >= 2);
    }
    assert_eq!(common::events_of(&firsts, &first), common::WORKFLOW_FIRST);
    assert_eq!(common::events_of(&firsts, &second), common::WORKFLOW_SECOND);
    for r in &requests {
        let text = r.2.to_string();
        assert!(!text.contains(PHONE) && !text.contains("王阿姨"), "{text}");
    }
}
