//! Nothing acknowledged is lost when the server is killed: a real `server
//! serve` process is SIGKILLed at random moments while clients submit
//! suggestions (some with photos, each with its own Idempotency-Key) and a
//! committee member changes statuses; it is restarted each time and the
//! clients retry whatever got no answer, as the app does. Afterwards every
//! acknowledged suggestion is stored once with its photos, every
//! acknowledged status change is in the audit trail once, and the database
//! passes its integrity check. On SQLite, or on PostgreSQL when
//! `LINLI_TEST_POSTGRES` is set.
//!
//! The size is bounded for the test suite; `scripts/crash.sh` runs a larger
//! one through the same test (`LINLI_CRASH_SUBMISSIONS`, `LINLI_CRASH_KILLS`,
//! `LINLI_CRASH_CLIENTS`, `LINLI_CRASH_SEED`).

mod common;

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::suggestion::{ReceiptCode, Status};
use app::server::photos::samples::jpeg;
use app::server::Db;

const PASSWORD: &str = "a long enough password";
const COMMUNITY: &str = "wuhou-yulin";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A small, seeded generator: the run prints its seed, and
/// `LINLI_CRASH_SEED` repeats the kill moments.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The server under test: the same database, port and photo folder on
/// every restart.
struct Target {
    database_url: String,
    port: u16,
    photo_dir: Option<std::path::PathBuf>,
    child: Mutex<Option<Child>>,
}

impl Target {
    fn spawn(&self) {
        let mut command = common::serve_command(&self.database_url, self.port);
        // Not a test of the rate limits: every client is 127.0.0.1.
        command
            .env("LINLI_WRITE_BURST", "1000000")
            .env("LINLI_WRITE_PERIOD_MS", "1");
        match &self.photo_dir {
            Some(dir) => command.env("LINLI_PHOTO_DIR", dir),
            None => command.env_remove("LINLI_PHOTO_DIR"),
        };
        *self.child.lock().unwrap() = Some(command.spawn().expect("the server starts"));
    }

    /// SIGKILL: no drain, no clean-up, no flush.
    fn kill(&self) {
        if let Some(mut child) = self.child.lock().unwrap().take() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the server exited by itself ({status}) before it was killed");
            }
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        // Never panics: this may run while a failed assertion unwinds.
        if let Some(mut child) = self.child.get_mut().ok().and_then(Option::take) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What one submission sent and what its acknowledgement said.
struct Filed {
    key: String,
    title: String,
    photos: usize,
    code: String,
    photo_urls: Vec<String>,
}

/// Counts of what the clients went through.
#[derive(Default)]
struct Tally {
    unanswered: AtomicUsize,
    unavailable: AtomicUsize,
    replayed: AtomicUsize,
}

fn submission(title: &str, photos: usize) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new()
        .text("category", "seating")
        .text("title", title.to_string())
        .text("description", "崩溃测试：请保留这条建议")
        .text("lat", "30.6291")
        .text("lng", "104.0591");
    for i in 0..photos {
        form = form.part(
            "photos",
            reqwest::multipart::Part::bytes(jpeg(320 + 16 * i as u32, 240))
                .file_name(format!("p{i}.jpg"))
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    form
}

/// How long a client keeps retrying one request before the test fails
/// (instead of hanging): far more than a restart takes.
const GIVE_UP: Duration = Duration::from_secs(120);

/// Sends one submission until it is answered, as a phone's outbox does.
async fn file(http: &reqwest::Client, base: &str, key: String, title: String, photos: usize, tally: &Tally) -> Filed {
    let deadline = Instant::now() + GIVE_UP;
    loop {
        assert!(Instant::now() < deadline, "{title}: no answer for {GIVE_UP:?}");
        let sent = http
            .post(format!("{base}/api/v1/suggestions"))
            .header("idempotency-key", &key)
            .multipart(submission(&title, photos))
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(_) => {
                tally.unanswered.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let status = response.status().as_u16();
        if status == 503 {
            tally.unavailable.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        // The body may be cut off by a kill too.
        let Ok(body) = response.json::<serde_json::Value>().await else {
            tally.unanswered.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        assert!(status == 201 || status == 200, "{title}: {status} {body}");
        if status == 200 {
            tally.replayed.fetch_add(1, Ordering::Relaxed);
        }
        let photo_urls: Vec<String> = body["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["url"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(photo_urls.len(), photos, "{title}: acknowledged with every photo");
        return Filed {
            key,
            title,
            photos,
            code: body["receipt_code"].as_str().unwrap().to_string(),
            photo_urls,
        };
    }
}

/// A signed-in committee member, across restarts (sessions are rows).
struct Member {
    cookie: String,
    csrf: String,
}

async fn sign_in(http: &reqwest::Client, base: &str) -> Member {
    let deadline = Instant::now() + GIVE_UP;
    loop {
        assert!(Instant::now() < deadline, "could not sign in for {GIVE_UP:?}");
        let Ok(r) = http
            .post(format!("{base}/login"))
            .form(&[("username", "crash-1"), ("password", PASSWORD), ("next", "/review")])
            .send()
            .await
        else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        if r.status() != 303 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let cookie = r.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_string();
        let Ok(page) = http
            .get(format!("{base}/review"))
            .header("cookie", &cookie)
            .send()
            .await
        else {
            continue;
        };
        let Ok(html) = page.text().await else { continue };
        let Some(at) = html.find("name=\"csrf\" value=\"") else {
            continue;
        };
        let csrf = html[at + 19..at + 19 + 64].to_string();
        return Member { cookie, csrf };
    }
}

/// How one status change ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Answered "done".
    Acknowledged,
    /// Refused because it had already moved: an earlier try, unanswered
    /// because of a kill, went through.
    AlreadyMoved,
}

async fn mark_reviewing(http: &reqwest::Client, base: &str, member: &Member, code: &str) -> Outcome {
    let reply = format!("已收到 {code}");
    let deadline = Instant::now() + GIVE_UP;
    loop {
        assert!(
            Instant::now() < deadline,
            "status change of {code}: no answer for {GIVE_UP:?}"
        );
        let Ok(r) = http
            .post(format!("{base}/review/s/{code}/status"))
            .header("cookie", &member.cookie)
            .form(&[("csrf", member.csrf.as_str()), ("to", "reviewing"), ("reply", &reply)])
            .send()
            .await
        else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        match r.status().as_u16() {
            303 => {
                let to = r.headers()["location"].to_str().unwrap();
                return if to.ends_with("done=1") {
                    Outcome::Acknowledged
                } else {
                    assert!(to.ends_with("error=status") || to.ends_with("error=conflict"), "{to}");
                    Outcome::AlreadyMoved
                };
            }
            503 => tokio::time::sleep(Duration::from_millis(50)).await,
            other => panic!("status change of {code}: {other}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_acknowledged_is_lost_when_the_server_is_killed() {
    let submissions = setting("LINLI_CRASH_SUBMISSIONS", 90) as usize;
    let kills = setting("LINLI_CRASH_KILLS", 4) as usize;
    let clients = setting("LINLI_CRASH_CLIENTS", 6) as usize;
    let seed = setting(
        "LINLI_CRASH_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    let backend = if common::postgres_server().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    eprintln!("crash run on {backend}: {submissions} submissions, {kills} kills, {clients} clients, seed {seed}");
    let mut rng = Rng(seed);

    let dir = tempfile::tempdir().unwrap();
    let database_url = common::database_url(dir.path()).await;
    let target = Arc::new(Target {
        database_url: database_url.clone(),
        port: common::free_port(),
        photo_dir: (backend == "sqlite").then(|| dir.path().join("photos")),
        child: Mutex::new(None),
    });
    let base = target.base();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    target.spawn();
    common::healthy(&http, &base).await;
    let created = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "create-user",
            "--username",
            "crash-1",
            "--role",
            "committee",
            "--community",
            COMMUNITY,
        ])
        .env("DATABASE_URL", &database_url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes())?;
            c.wait()
        })
        .unwrap();
    assert!(created.success());
    let member = sign_in(&http, &base).await;

    // Kills at random points of the work, each a few milliseconds after it
    // is reached: during uploads, photo processing, commits and start-ups.
    let mut kill_at: Vec<usize> = (0..kills)
        .map(|_| submissions / 20 + rng.below((submissions * 17 / 20) as u64) as usize)
        .collect();
    kill_at.sort_unstable();
    let kill_delays: Vec<u64> = (0..kills).map(|_| rng.below(40)).collect();

    let started = Instant::now();
    let progress = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Tally::default());
    let (acknowledged, mut to_review) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut workers = Vec::new();
    for client in 0..clients {
        let (http, base, progress, tally, acknowledged) = (
            http.clone(),
            base.clone(),
            progress.clone(),
            tally.clone(),
            acknowledged.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut filed = Vec::new();
            for n in (client..submissions).step_by(clients) {
                let key = format!("crash-{seed}-{n}");
                let title = format!("崩溃测试 {n}");
                let photos = [0, 0, 1, 0, 2][n % 5];
                let f = file(&http, &base, key, title, photos, &tally).await;
                progress.fetch_add(1, Ordering::Relaxed);
                // Every third acknowledged suggestion gets a status change.
                if n % 3 == 0 {
                    acknowledged.send(f.code.clone()).unwrap();
                }
                filed.push(f);
            }
            filed
        }));
    }
    drop(acknowledged);
    let reviewer = {
        let (http, base) = (http.clone(), base.clone());
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            while let Some(code) = to_review.recv().await {
                let outcome = mark_reviewing(&http, &base, &member, &code).await;
                outcomes.push((code, outcome));
            }
            outcomes
        })
    };
    let killer = {
        let (target, progress) = (target.clone(), progress.clone());
        tokio::spawn(async move {
            for (at, delay) in kill_at.into_iter().zip(kill_delays) {
                while progress.load(Ordering::Relaxed) < at {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                tokio::time::sleep(Duration::from_millis(delay)).await;
                target.kill();
                target.spawn();
            }
        })
    };
    let mut filed = Vec::new();
    for w in workers {
        filed.extend(w.await.expect("a client"));
    }
    killer.await.unwrap();
    let outcomes = reviewer.await.unwrap();
    let elapsed = started.elapsed();
    let replayed = tally.replayed.load(Ordering::Relaxed);
    common::healthy(&http, &base).await;

    // Every submission was acknowledged once, under its own code.
    assert_eq!(filed.len(), submissions);
    let codes: HashSet<&str> = filed.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes.len(), submissions, "one receipt code per submission");
    for f in &filed {
        let r = http
            .get(format!("{base}/api/v1/suggestions/{}", f.code))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{} ({}) is stored", f.code, f.title);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["title"], f.title.as_str());
        let stored: Vec<&str> = v["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["url"].as_str().unwrap())
            .collect();
        assert_eq!(stored, f.photo_urls, "{}: the acknowledged photos", f.code);
        for url in &stored {
            let photo = http.get(format!("{base}{url}")).send().await.unwrap();
            assert_eq!(photo.status(), 200, "{url}");
            assert!(
                photo.bytes().await.unwrap().starts_with(&[0xff, 0xd8]),
                "{url} is a JPEG"
            );
        }
    }
    // A retry now still finds the same suggestion.
    let last = filed.last().unwrap();
    let again = file(&http, &base, last.key.clone(), last.title.clone(), last.photos, &tally).await;
    assert_eq!(again.code, last.code);

    let db = Db::connect(&database_url).await.unwrap();
    assert_eq!(
        db.suggestion_count().await.unwrap(),
        submissions as i64,
        "none stored twice"
    );
    // Every status change that was asked for is in the audit trail once,
    // with its actor and reply; the acknowledged ones among them certainly.
    let mut moved = HashMap::new();
    for (code, outcome) in &outcomes {
        let s = db
            .reviewed_suggestion(&ReceiptCode::parse(code).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.status, Status::Reviewing, "{code} ({outcome:?})");
        let changes: Vec<_> = s
            .events
            .iter()
            .filter(|e| e.to_status == Some(Status::Reviewing))
            .collect();
        assert_eq!(changes.len(), 1, "{code}: one status change in the trail");
        assert_eq!(changes[0].actor.as_deref(), Some("crash-1"));
        assert_eq!(changes[0].public_text, format!("已收到 {code}"));
        *moved.entry(format!("{outcome:?}")).or_insert(0) += 1;
    }
    assert_eq!(outcomes.len(), submissions.div_ceil(3));
    db.close().await;
    target.kill();
    integrity_check(&database_url).await;

    let photos: usize = filed.iter().map(|f| f.photos).sum();
    eprintln!(
        "crash run on {backend}: {submissions} suggestions ({photos} photos) and {} status changes {moved:?} \
         acknowledged through {kills} SIGKILLs in {:.1} s; {} requests unanswered and retried, {} answered 503, \
         {} retries answered as replays; all stored once, integrity check ok",
        outcomes.len(),
        elapsed.as_secs_f64(),
        tally.unanswered.load(Ordering::Relaxed),
        tally.unavailable.load(Ordering::Relaxed),
        replayed,
    );
}

/// SQLite's own check of the file (pages, indexes, foreign keys);
/// PostgreSQL's amcheck over every B-tree index of the database.
async fn integrity_check(database_url: &str) {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(database_url).await.unwrap();
    if database_url.starts_with("sqlite:") {
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let verdict: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        assert_eq!(verdict, ["ok"], "SQLite integrity check");
        let orphans = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert!(orphans.is_empty(), "{} rows break a foreign key", orphans.len());
    } else {
        sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
            .execute(&mut conn)
            .await
            .unwrap();
        let checked = sqlx::query(
            "SELECT count(*) FROM (SELECT bt_index_check(c.oid, true) FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE a.amname = 'btree' AND n.nspname = 'public') checked",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("amcheck: {e}"));
        let indexes: i64 = checked.get(0);
        assert!(indexes > 10, "checked {indexes} indexes");
    }
    conn.close().await.unwrap();
}
