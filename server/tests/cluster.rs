//! Two app servers on one PostgreSQL behave as one: real `server serve`
//! processes, real HTTP, started together on an empty database. Runs when
//! `LINLI_TEST_POSTGRES` names a server (`scripts/test.sh` does); SQLite
//! serves one process, so there is nothing to share there.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::domain::suggestion::ReceiptCode;
use app::server::photos::samples::jpeg;
use app::server::Db;

const PASSWORD: &str = "a long enough password";

/// One at a time: each test runs several servers (and nginx) and times
/// what they do, and the suite runs tests in parallel on two cores.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

use common::ServerProcess as Server;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(database_url: &str) -> Server {
    start_with(database_url, &[])
}

fn start_with(database_url: &str, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .envs(env.iter().copied())
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "linli")
        .env("LEPTOS_SITE_ROOT", concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .env("LINLI_CATALOG_POLL_MS", "250")
        .env("RUST_LOG", "warn")
        // Photos in PostgreSQL itself: no shared disk.
        .env_remove("LINLI_PHOTO_DIR")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

fn cli(database_url: &str, args: &[&str], stdin: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "server {args:?}");
}

async fn healthy(http: &reqwest::Client, s: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(r) = http.get(format!("{}/healthz", s.base)).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(s.child.try_wait().unwrap().is_none(), "{} exited", s.base);
        assert!(Instant::now() < deadline, "{} never became healthy", s.base);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn suggestion(title: &str) -> serde_json::Value {
    serde_json::json!({"category": "seating", "title": title, "lat": 30.6291, "lng": 104.0591})
}

async fn sign_in(http: &reqwest::Client, s: &Server, username: &str, password: &str) -> reqwest::Response {
    http.post(format!("{}/login", s.base))
        .form(&[("username", username), ("password", password), ("next", "/review")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn two_servers_on_one_database_behave_as_one() {
    let _one = SERIAL.lock().await;
    let Some(_) = common::postgres_server() else {
        eprintln!("skipped: set LINLI_TEST_POSTGRES (scripts/test.sh does)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(dir.path()).await;
    // Started at once on an empty database: one migrates and seeds, the
    // other waits for it; neither fails.
    let mut a = start(&url);
    let mut b = start(&url);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    healthy(&http, &mut a).await;
    healthy(&http, &mut b).await;
    let db = Db::connect(&url).await.unwrap();
    let seeded = db.fingerprint().await.unwrap();
    let seed_rows = include_str!("../../seeds/facilities.csv").lines().count() as i64 - 1;
    assert_eq!(seeded.facilities, seed_rows, "the demo data once");

    // One Idempotency-Key, sent to A and retried on B: one suggestion.
    let first = http
        .post(format!("{}/api/v1/suggestions", a.base))
        .header("idempotency-key", "cluster-key-1")
        .json(&suggestion("两台服务器"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let code = first.json::<serde_json::Value>().await.unwrap()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();
    let retry = http
        .post(format!("{}/api/v1/suggestions", b.base))
        .header("idempotency-key", "cluster-key-1")
        .json(&suggestion("两台服务器"))
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), 200, "B replays A's suggestion");
    assert_eq!(retry.json::<serde_json::Value>().await.unwrap()["receipt_code"], code);
    assert_eq!(db.suggestion_count().await.unwrap(), 1);

    // A photo uploaded through A is served by B.
    let photo = jpeg(64, 48);
    let form = reqwest::multipart::Form::new()
        .text("category", "lighting")
        .text("title", "照片")
        .text("lat", "30.6291")
        .text("lng", "104.0591")
        .part(
            "photos",
            reqwest::multipart::Part::bytes(photo)
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let with_photo = http
        .post(format!("{}/api/v1/suggestions", a.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(with_photo.status(), 201);
    let v: serde_json::Value = with_photo.json().await.unwrap();
    let url_path = v["photos"][0]["url"].as_str().unwrap().to_string();
    let served = http.get(format!("{}{url_path}", b.base)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let bytes = served.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xff, 0xd8]), "a JPEG");
    let via_a = http.get(format!("{}{url_path}", a.base)).send().await.unwrap();
    assert_eq!(via_a.bytes().await.unwrap(), bytes);

    // A member signs in on A and changes a status on B.
    cli(
        &url,
        &[
            "create-user",
            "--username",
            "yulin-1",
            "--role",
            "committee",
            "--community",
            "wuhou-yulin",
        ],
        &format!("{PASSWORD}\n"),
    );
    let signed = sign_in(&http, &a, "yulin-1", PASSWORD).await;
    assert_eq!(signed.status(), 303);
    assert_eq!(signed.headers()["location"], "/review");
    let cookie = signed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = http
        .get(format!("{}/review/s/{code}", b.base))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "B knows A's session");
    let html = page.text().await.unwrap();
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    let csrf = html[at..at + 64].to_string();
    let changed = http
        .post(format!("{}/review/s/{code}/status", b.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("to", "reviewing"), ("reply", "我们在看")])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 303);
    let reviewed = db
        .reviewed_suggestion(&ReceiptCode::parse(&code).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reviewed.status.as_str(), "reviewing");
    assert_eq!(reviewed.events.last().unwrap().actor.as_deref(), Some("yulin-1"));

    // An import through the command line reaches both within two seconds.
    let csv = dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "ref,kind,name_zh,name_en,address_zh,address_en,lat,lng,phone,community,hours,lunch,dinner,price_60,price_80,delivery,children_corner,seats,accepts\n\
         cluster-new,reading,集群书屋,Cluster Reading Room,玉林路1号,,30.62905,104.05905,,wuhou-yulin,Mo-Su 09:00-18:00,,,,,,1,12,\n",
    )
    .unwrap();
    cli(&url, &["import", csv.to_str().unwrap()], "");
    // Committed when the command returns.
    let imported = Instant::now();
    for s in [&a, &b] {
        loop {
            let nearby: serde_json::Value = http
                .get(format!(
                    "{}/api/v1/facilities/nearby?lat=30.62905&lng=104.05905&kind=reading&limit=3",
                    s.base
                ))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if nearby["results"][0]["name"] == "集群书屋" {
                break;
            }
            assert!(
                imported.elapsed() < Duration::from_secs(2),
                "{} did not see the import in 2 s",
                s.base
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // Five failed sign-ins spread over A and B lock the account on both.
    cli(
        &url,
        &[
            "create-user",
            "--username",
            "yulin-2",
            "--role",
            "committee",
            "--community",
            "wuhou-yulin",
        ],
        &format!("{PASSWORD}\n"),
    );
    for i in 0..5 {
        let s = if i % 2 == 0 { &a } else { &b };
        let r = sign_in(&http, s, "yulin-2", "wrong password here").await;
        assert_eq!(
            r.headers()["location"].to_str().unwrap().split('&').next(),
            Some("/login?error=1")
        );
    }
    for s in [&a, &b] {
        let r = sign_in(&http, s, "yulin-2", PASSWORD).await;
        assert_eq!(r.status(), 429, "locked on {}", s.base);
        assert!(r.headers().contains_key("retry-after"));
    }
}

/// nginx with `deploy/nginx.conf`, in front of `upstreams`.
struct Nginx {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM, so the master takes its workers with it.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn nginx(upstreams: &[&Server]) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let servers: String = upstreams
        .iter()
        .map(|s| format!("server {};\n        ", s.base.trim_start_matches("http://")))
        .collect();
    let mut conf = include_str!("../../deploy/nginx.conf")
        .replace("@UPSTREAMS@", servers.trim_end())
        .replace("@LISTEN@", &format!("127.0.0.1:{port}"))
        .replace("@PREFIX@", &dir.path().display().to_string());
    // Workers of a root master run as `nobody`, who cannot enter the
    // temporary folder.
    if is_root() {
        conf = format!("user root;\n{conf}");
    }
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new("nginx")
        .args([
            "-p",
            &dir.path().display().to_string(),
            "-c",
            &path.display().to_string(),
        ])
        .args(["-g", "daemon off;"])
        .spawn()
        .expect("nginx runs (scripts/setup.sh --test installs it)");
    Nginx {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn behind_nginx_the_client_is_who_nginx_saw() {
    let _one = SERIAL.lock().await;
    let Some(_) = common::postgres_server() else {
        eprintln!("skipped: set LINLI_TEST_POSTGRES (scripts/test.sh does)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = common::database_url(dir.path()).await;
    let env = [
        ("LINLI_TRUSTED_PROXIES", "127.0.0.1"),
        ("LINLI_WRITE_BURST", "4"),
        ("LINLI_WRITE_PERIOD_MS", "600000"),
    ];
    let mut a = start_with(&url, &env);
    let mut b = start_with(&url, &env);
    let http = reqwest::Client::new();
    healthy(&http, &mut a).await;
    healthy(&http, &mut b).await;
    let proxy = nginx(&[&a, &b]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while http
        .get(format!("{}/healthz", proxy.base))
        .send()
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true)
    {
        assert!(Instant::now() < deadline, "nginx never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A suggestion filed straight to A by a client a trusted proxy named.
    let filed = http
        .post(format!("{}/api/v1/suggestions", a.base))
        .header("x-forwarded-for", "198.51.100.50")
        .json(&suggestion("门口的长椅"))
        .send()
        .await
        .unwrap();
    assert_eq!(filed.status(), 201);
    let code = filed.json::<serde_json::Value>().await.unwrap()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();
    let support = |base: &str, forged: &str, proto: &str| {
        http.post(format!("{base}/api/v1/suggestions/{code}/support"))
            .header("x-forwarded-for", forged.to_string())
            .header("x-forwarded-proto", proto.to_string())
            .send()
    };
    // Through nginx, a forged X-Forwarded-For is replaced by the address
    // nginx saw: four writes spread over both servers use up one shared
    // bucket, whatever each request claims.
    for i in 0..4 {
        let r = support(&proxy.base, &format!("203.0.113.{i}"), "https").await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            !r.headers()["set-cookie"].to_str().unwrap().contains("Secure"),
            "nginx says http: no Secure cookie"
        );
    }
    let limited = support(&proxy.base, "203.0.113.99", "https").await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    // Directly from a trusted proxy's address, the forwarded headers count:
    // another client, and HTTPS.
    let direct = support(&b.base, "198.51.100.7", "https").await.unwrap();
    assert_eq!(direct.status(), 200);
    assert!(direct.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
}
