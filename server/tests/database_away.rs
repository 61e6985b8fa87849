//! The database going away: PostgreSQL stopped and started again, and a
//! SQLite disk that fills up. Meanwhile residents get a "try again" page
//! (503) and API clients a 503 JSON error with `Retry-After`, promptly and
//! in their language, the suggestion form keeps what was typed, what lives
//! in memory (the facility search) goes on working, and nothing panics.
//! When the database is back the server carries on by itself, and nothing
//! acknowledged before is lost. Real `server serve` processes; PostgreSQL
//! is a throwaway server of this test's own (`scripts/postgres.sh`), the
//! full disk a small tmpfs in a mount namespace of the server's own
//! (`unshare`), so neither touches anything else.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const TITLE: &str = "停电时提交的建议";

struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // "Never a hang": a request that takes this long fails the test.
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

fn suggestion(n: usize) -> serde_json::Value {
    serde_json::json!({
        "category": "seating",
        "title": format!("长椅 {n}"),
        "description": "门口的长椅坏了，".repeat(60),
        "lat": 30.6291,
        "lng": 104.0591,
    })
}

async fn submit(http: &reqwest::Client, base: &str, key: &str, body: &serde_json::Value) -> reqwest::Response {
    http.post(format!("{base}/api/v1/suggestions"))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .expect("an answer, not a dropped connection")
}

/// A 503 JSON error with `Retry-After`.
async fn assert_unavailable(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), 503, "{what}");
    assert_eq!(response.headers()["retry-after"], "5", "{what}");
    assert_eq!(response.headers()["content-type"], "application/json", "{what}");
    let v: serde_json::Value = response.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unavailable", "{what}: {v}");
}

/// The final step of the suggestion form, as a browser without
/// JavaScript posts it.
fn form_fields(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("step", "5".into()),
        ("action", "submit".into()),
        ("category", "seating".into()),
        ("community", "wuhou-yulin".into()),
        ("location_text", "玉林路口".into()),
        ("title", TITLE.into()),
        ("consent", "on".into()),
        ("idempotency_key", key.into()),
    ]
}

/// The form's last step, sent while nothing can be saved: "could not
/// save", with everything typed and its key kept (so the retry is the same
/// suggestion).
async fn form_is_kept(http: &reqwest::Client, base: &str, key: &str) {
    let form = http
        .post(format!("{base}/suggest"))
        .form(&form_fields(key))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 503);
    assert_eq!(form.headers()["retry-after"], "5");
    let html = form.text().await.unwrap();
    assert!(html.contains("暂时无法保存"), "{html}");
    assert!(html.contains(&format!("value=\"{TITLE}\"")), "the title is kept");
    assert!(html.contains(&format!("value=\"{key}\"")), "and its key");
}

/// What residents and clients see while the database is away, for a
/// suggestion `code` filed before.
async fn while_away(http: &reqwest::Client, base: &str, code: &str, round: &str) {
    let (api_key, form_key) = (format!("away-api-{round}"), format!("away-form-{round}"));
    let asked = Instant::now();
    assert_unavailable(
        http.get(format!("{base}/api/v1/suggestions/{code}"))
            .send()
            .await
            .unwrap(),
        "reading a suggestion",
    )
    .await;
    assert_unavailable(
        submit(http, base, &api_key, &suggestion(9000)).await,
        "filing a suggestion",
    )
    .await;

    // The tracking page, in Chinese and in English.
    let page = http.get(format!("{base}/track/{code}")).send().await.unwrap();
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    let html = page.text().await.unwrap();
    assert!(html.contains("服务暂时不可用，请稍后再试。"), "{html}");
    assert!(html.contains("再试一次"));
    let page = http
        .get(format!("{base}/suggestions?community=wuhou-yulin"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    let html = page.text().await.unwrap();
    assert!(html.contains("The service is unavailable for a moment"), "{html}");
    assert!(html.contains("Try again"));

    // The form says "could not save" and keeps everything typed.
    form_is_kept(http, base, &form_key).await;

    // Health says so; the facility search, held in memory, still answers.
    assert_eq!(http.get(format!("{base}/healthz")).send().await.unwrap().status(), 503);
    let nearby = http
        .get(format!("{base}/api/v1/facilities/nearby?lat=30.6291&lng=104.0591"))
        .send()
        .await
        .unwrap();
    assert_eq!(nearby.status(), 200);
    let page = http
        .get(format!("{base}/nearby?lat=30.6291&lng=104.0591"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    // Promptly: each answer within the pool's wait for a connection
    // (ACQUIRE_TIMEOUT, 2 s) once or twice, for all of the above together.
    assert!(asked.elapsed() < Duration::from_secs(30), "{:?}", asked.elapsed());
}

/// Once the database is back: the form's retry goes through (the same
/// key), and what was filed before is there.
async fn after_return(http: &reqwest::Client, base: &str, before: &[String], round: &str) {
    let (api_key, form_key) = (format!("away-api-{round}"), format!("away-form-{round}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = http
            .post(format!("{base}/suggest"))
            .form(&form_fields(&form_key))
            .send()
            .await
            .unwrap();
        if r.status() == 303 {
            let to = r.headers()["location"].to_str().unwrap();
            assert!(to.starts_with("/track/") && to.ends_with("?new=1"), "{to}");
            break;
        }
        assert_eq!(r.status(), 503, "only 'try again' until it is back");
        assert!(Instant::now() < deadline, "the server did not recover by itself");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let again = submit(http, base, &api_key, &suggestion(9000)).await;
    assert_eq!(again.status(), 201, "the API's retry is filed now");
    for code in before {
        let r = http
            .get(format!("{base}/api/v1/suggestions/{code}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{code} is still there");
    }
    let page = http.get(format!("{base}/track/{}", before[0])).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(http.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn postgresql_closing_and_stopping_gives_try_again_then_recovers() {
    if common::postgres_server().is_none() {
        eprintln!("skipped: set LINLI_TEST_POSTGRES (scripts/test.sh does)");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/postgres.sh");
    let pg_dir = tempfile::tempdir().unwrap();
    let pg = |cmd: &str| {
        let out = Command::new(script)
            .args([cmd, pg_dir.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "postgres.sh {cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let admin_url = pg("start");
    /// Stops the throwaway server however the test ends; never panics
    /// (it may run while a failed assertion unwinds).
    struct Stop<'a>(&'a std::path::Path);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/postgres.sh");
            let _ = Command::new(script).arg("stop").arg(self.0).output();
        }
    }
    let _stop = Stop(pg_dir.path());
    use sqlx::{Connection, Executor};
    let admin = || async { sqlx::PgConnection::connect(&admin_url).await.unwrap() };
    admin().await.execute("CREATE DATABASE linli").await.unwrap();
    let url = format!("{}/linli", admin_url.rsplit_once('/').unwrap().0);

    let port = common::free_port();
    let mut served = Served {
        child: common::serve_command(&url, port)
            .env_remove("LINLI_PHOTO_DIR")
            .spawn()
            .unwrap(),
        base: format!("http://127.0.0.1:{port}"),
    };
    let http = client();
    common::healthy(&http, &served.base).await;
    let first = submit(&http, &served.base, "before-1", &suggestion(1)).await;
    assert_eq!(first.status(), 201);
    let code = first.json::<serde_json::Value>().await.unwrap()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();

    // The database closed to connections and every session cut, as an
    // operator does before a restore (SQLSTATE 55000 on connecting).
    let mut conn = admin().await;
    conn.execute("ALTER DATABASE linli ALLOW_CONNECTIONS false")
        .await
        .unwrap();
    conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'linli'")
        .await
        .unwrap();
    while_away(&http, &served.base, &code, "closed").await;
    conn.execute("ALTER DATABASE linli ALLOW_CONNECTIONS true")
        .await
        .unwrap();
    conn.close().await.unwrap();
    after_return(&http, &served.base, std::slice::from_ref(&code), "closed").await;

    // The whole server stopped (connections refused), then started again.
    pg("stop");
    while_away(&http, &served.base, &code, "stopped").await;
    assert!(
        served.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    pg("resume");
    after_return(&http, &served.base, &[code], "stopped").await;
}

/// The control of a server whose SQLite database is on a small disk of
/// its own: commands on stdin, an answer line each.
struct SmallDisk {
    served: Served,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// Runs in a new user and mount namespace (no root needed): a 24 MB tmpfs
/// over `$1/disk`, the server on it, then `fill`, `free` and `stop` (the
/// server drains; its database is copied out for the integrity check).
const SMALL_DISK: &str = r#"
set -e
mount -t tmpfs -o size=24m linli-small-disk "$1/disk"
# The server dies with this shell, however the test ends.
setpriv --pdeathsig KILL "$2" serve &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT
echo started
while read -r command; do
  case "$command" in
    fill) cat /dev/zero > "$1/disk/filler" 2>/dev/null || true; echo filled ;;
    free) rm -f "$1/disk/filler"; echo freed ;;
    stop) kill $pid; wait $pid || true; cp "$1"/disk/linli.db* "$1/"; echo stopped ;;
  esac
done
"#;

impl SmallDisk {
    fn start(dir: &std::path::Path) -> Option<Self> {
        std::fs::create_dir(dir.join("disk")).unwrap();
        let port = common::free_port();
        let template = common::serve_command(&format!("sqlite://{}", dir.join("disk/linli.db").display()), port);
        let mut command = Command::new("unshare");
        command.args(["--user", "--map-root-user", "--mount", "sh", "-c", SMALL_DISK, "sh"]);
        command.arg(dir).arg(env!("CARGO_BIN_EXE_server"));
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                command.env(k, v);
            }
        }
        let mut child = command
            .env("LINLI_PHOTO_DIR", dir.join("disk/photos"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut disk = Self {
            served: Served {
                child,
                base: format!("http://127.0.0.1:{port}"),
            },
            stdin,
            stdout,
        };
        let mut line = String::new();
        disk.stdout.read_line(&mut line).ok()?;
        (line.trim() == "started").then_some(disk)
    }

    fn tell(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let expected = match command {
            "fill" => "filled",
            "free" => "freed",
            _ => "stopped",
        };
        assert_eq!(line.trim(), expected, "{command}");
    }
}

/// A step of the suggestion form with photos: those staged earlier
/// (`photo` tokens) and perhaps a new file.
fn photo_step(step: &str, action: &str, staged: &[&str], new_photo: Option<Vec<u8>>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in form_fields("photo-form") {
        if k != "step" && k != "action" {
            form = form.text(k, v);
        }
    }
    form = form.text("step", step.to_string()).text("action", action.to_string());
    for token in staged {
        form = form.text("photo", token.to_string());
    }
    if let Some(bytes) = new_photo {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name("p.jpg")
            .mime_str("image/jpeg")
            .unwrap();
        form = form.part("photos", part);
    }
    form
}

#[tokio::test]
async fn a_full_disk_under_sqlite_gives_try_again_then_recovers() {
    if common::postgres_server().is_some() {
        eprintln!("skipped: the SQLite pass runs it");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(mut disk) = SmallDisk::start(dir.path()) else {
        panic!("needs unshare(1) with user namespaces (Debian's util-linux; kernel.unprivileged_userns_clone=1)");
    };
    let http = client();
    let base = disk.served.base.clone();
    common::healthy(&http, &base).await;
    let mut filed = Vec::new();
    for n in 0..3 {
        let r = submit(&http, &base, &format!("before-{n}"), &suggestion(n)).await;
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        filed.push(v["receipt_code"].as_str().unwrap().to_string());
    }

    // A photo attached on the form's third step, kept for the last one.
    let step3 = photo_step("3", "next", &[], Some(app::server::photos::samples::jpeg(320, 240)));
    let r = http
        .post(format!("{base}/suggest"))
        .multipart(step3)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let at = html.find("name=\"photo\" value=\"").expect("the photo is staged") + 20;
    let staged = html[at..at + 32].to_string();

    disk.tell("fill");
    // Writes fail once SQLite needs a page the disk no longer has (it
    // may first reuse room its log already holds). Every answer until
    // then is a 201 whose suggestion must survive.
    let mut full = None;
    for n in 3..3000 {
        let r = submit(&http, &base, &format!("filling-{n}"), &suggestion(n)).await;
        match r.status().as_u16() {
            201 => filed.push(
                r.json::<serde_json::Value>().await.unwrap()["receipt_code"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ),
            503 => {
                full = Some(n);
                assert_unavailable(r, "filing on a full disk").await;
                break;
            }
            other => panic!("{other} on a full disk: {}", r.text().await.unwrap()),
        }
    }
    let full = full.expect("the disk filled up");
    eprintln!("disk full after {} more suggestions", full - 3);
    // A photo cannot be stored either.
    let photo = reqwest::multipart::Form::new()
        .text("category", "lighting")
        .text("title", "照片")
        .text("lat", "30.6291")
        .text("lng", "104.0591")
        .part(
            "photos",
            reqwest::multipart::Part::bytes(app::server::photos::samples::jpeg(640, 480))
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let r = http
        .post(format!("{base}/api/v1/suggestions"))
        .multipart(photo)
        .send()
        .await
        .unwrap();
    assert_unavailable(r, "a photo on a full disk").await;
    // Reads still work on a full disk; the rest is as for any outage,
    // except that reading a suggestion succeeds.
    let r = http
        .get(format!("{base}/api/v1/suggestions/{}", filed[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    form_is_kept(&http, &base, "away-form").await;
    // The last step with the staged photo and one more: the new one
    // cannot be stored, so nothing is filed, the staged photo stays in the
    // form, and the resident is told which to choose again.
    let last = photo_step(
        "5",
        "submit",
        &[staged.as_str()],
        Some(app::server::photos::samples::jpeg(300, 200)),
    );
    let r = http
        .post(format!("{base}/suggest"))
        .multipart(last)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    let html = r.text().await.unwrap();
    assert!(html.contains("这张照片暂时没能保存"), "{html}");
    assert!(
        html.contains(&format!("value=\"{staged}\"")),
        "the staged photo is kept"
    );
    assert!(disk.served.child.try_wait().unwrap().is_none(), "still running");

    disk.tell("free");
    let r = submit(&http, &base, &format!("filling-{full}"), &suggestion(full)).await;
    assert_eq!(r.status(), 201, "the refused one goes through when retried");
    filed.push(
        r.json::<serde_json::Value>().await.unwrap()["receipt_code"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = http
            .post(format!("{base}/suggest"))
            .form(&form_fields("away-form"))
            .send()
            .await
            .unwrap();
        if r.status() == 303 {
            break;
        }
        assert!(Instant::now() < deadline, "the form never went through: {}", r.status());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let r = http
        .post(format!("{base}/suggest"))
        .multipart(photo_step("5", "submit", &[staged.as_str()], None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "filed once the disk has room");
    let code = r.headers()["location"].to_str().unwrap()["/track/".len()..]
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let v: serde_json::Value = http
        .get(format!("{base}/api/v1/suggestions/{code}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["photos"].as_array().unwrap().len(),
        1,
        "with the photo kept through the outage"
    );
    for code in &filed {
        let r = http
            .get(format!("{base}/api/v1/suggestions/{code}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{code}, acknowledged, is kept");
    }

    disk.tell("stop");
    use sqlx::{Connection, Row};
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", dir.path().join("linli.db").display()))
        .await
        .unwrap();
    let verdict: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(verdict, "ok");
    let count: i64 = sqlx::query("SELECT count(*) FROM suggestions")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        count as usize,
        filed.len() + 2,
        "every acknowledged one and the form's two, once each"
    );
}
