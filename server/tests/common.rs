//! Shared set-up for the integration tests: a real temporary database and
//! the real router, driven in-process with `tower::ServiceExt::oneshot`.
//!
//! The database is a new SQLite file, or, when `LINLI_TEST_POSTGRES` names a
//! PostgreSQL server (`scripts/test.sh` starts a throwaway one), a new
//! database on it: every test runs the same on both backends.

#![allow(dead_code)]

use app::domain::coords::Crs;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};

use app::domain::review::Role;
use app::server::auth::hash_password;
use axum::Router;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

use app::server::{AppState, Catalog, Db};
use server::import::{import_communities, import_facilities, Format};
use server::limits::{WriteLimiter, WriteQuota};

pub const COMMUNITIES: &str = "code,name_zh,name_en,district_zh,district_en,lat,lng\n\
    test-a,甲街道,A Subdistrict,武侯区,Wuhou District,30.6400,104.0500\n\
    test-b,乙街道,B Subdistrict,锦江区,Jinjiang District,30.6600,104.0800\n";

/// The columns of a facility file.
pub const HEADER: &str = "ref,kind,name_zh,name_en,address_zh,address_en,lat,lng,phone,community,hours,lunch,dinner,price_60,price_80,delivery,children_corner,seats,accepts";

/// Facilities north of (30.64, 104.05), at roughly 0, 111, 222, 556, 778
/// and 1112 m, plus one far away; every day 00:00-24:00 except `r-far`.
pub const FACILITIES: &str = "ref,kind,name_zh,name_en,address_zh,address_en,lat,lng,phone,community,hours,lunch,dinner,price_60,price_80,delivery,children_corner,seats,accepts\n\
    m-0,meal,零号食堂,Canteen Zero,甲路0号,0 A Road,30.6400,104.0500,028-85550000,test-a,Mo-Su 00:00-24:00,1,1,12,10,1,,,\n\
    r-1,reading,一号书屋,Reading Room One,甲路1号,,30.6410,104.0500,,test-a,Mo-Su 00:00-24:00,,,,,,1,20,\n\
    s-2,sorting,二号投放点,Sorting Point Two,甲路2号,,30.6420,104.0500,,test-a,Mo-Su 00:00-24:00,,,,,,,,recyclable|food|residual\n\
    m-5,meal,五号食堂,Canteen Five,甲路5号,,30.6450,104.0500,,test-a,Mo-Su 00:00-24:00,1,0,,,0,,,\n\
    s-7,sorting,七号回收站,Recycling Station Seven,甲路7号,,30.6470,104.0500,,test-a,Mo-Su 00:00-24:00,,,,,,,,recyclable|hazardous\n\
    r-10,reading,十号书屋,,甲路10号,,30.6500,104.0500,,test-a,Mo-Su 00:00-24:00,,,,,,0,,\n\
    r-far,reading,远处书屋,Far Reading Room,乙路99号,,30.7000,104.0500,,test-b,Mo off,,,,,,0,,\n";

pub struct TestApp {
    pub router: Router,
    pub photos: app::server::photos::PhotoStore,
    pub db: Db,
    pub catalog: Catalog,
    _dir: tempfile::TempDir,
}

pub async fn app() -> TestApp {
    // Generous: most tests are not about rate limits.
    app_with_quota(WriteQuota {
        burst: 10_000,
        period: std::time::Duration::from_millis(1),
    })
    .await
}

/// [`app`] with the real sorting dictionary (`seeds/sorting.csv`) loaded.
pub async fn app_with_dictionary() -> TestApp {
    let app = app().await;
    server::import::import_sorting(&app.db, include_str!("../../seeds/sorting.csv"), Format::Csv, false)
        .await
        .unwrap();
    app.catalog.refresh(&app.db).await.unwrap();
    app
}

pub async fn app_with_quota(quota: WriteQuota) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_url(dir.path()).await;
    let db = Db::connect(&url).await.expect("connect");
    import_communities(&db, COMMUNITIES, Format::Csv, Crs::Wgs84, false)
        .await
        .expect("communities");
    import_facilities(&db, FACILITIES, Format::Csv, Crs::Wgs84, false)
        .await
        .expect("facilities");
    app_on(db, dir, quota).await
}

/// The real router on an existing database, with photos where `server
/// serve` keeps them: files in `dir/photos` with SQLite, rows with
/// PostgreSQL.
pub async fn app_on(db: Db, dir: tempfile::TempDir, quota: WriteQuota) -> TestApp {
    let catalog = Catalog::load(&db).await.expect("catalog");
    let photos = match db.backend() {
        app::server::store::Backend::Sqlite => app::server::photos::PhotoStore::new(dir.path().join("photos")),
        app::server::store::Backend::Postgres => app::server::photos::PhotoStore::in_database(db.clone()),
    };
    let router = router(&db, &catalog, &photos, quota, Default::default());
    TestApp {
        router,
        photos,
        db,
        catalog,
        _dir: dir,
    }
}

/// A new, empty database: a SQLite file in `dir`, or a fresh database on
/// the server `LINLI_TEST_POSTGRES` names.
pub async fn database_url(dir: &std::path::Path) -> String {
    let Some(server) = postgres_server() else {
        return format!("sqlite://{}", dir.join("test.db").display());
    };
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let name = format!("linli_test_{}", rand_suffix());
    let mut admin = sqlx::AnyConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("connecting to {server}: {e}"));
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database");
    admin.close().await.ok();
    let (base, _) = server.rsplit_once('/').expect("a database URL");
    format!("{base}/{name}")
}

/// The PostgreSQL server the tests use, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("LINLI_TEST_POSTGRES").ok().filter(|v| !v.is_empty())
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    format!("{}_{}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
    /// The body as sent (for downloads).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

fn router(
    db: &Db,
    catalog: &Catalog,
    photos: &app::server::photos::PhotoStore,
    quota: WriteQuota,
    proxies: server::forwarded::TrustedProxies,
) -> Router {
    let options = LeptosOptions::builder()
        .output_name("linli")
        // The static files (manifest, icons) as cargo-leptos copies them.
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .build();
    server::http::router_with(
        AppState {
            db: db.clone(),
            catalog: catalog.clone(),
            photos: photos.clone(),
        },
        options,
        WriteLimiter::for_backend(quota, db),
        proxies,
        Default::default(),
        Default::default(),
    )
}

impl TestApp {
    /// A new router over the same state, as another test would build one.
    pub fn another_router(&self) -> Router {
        router(
            &self.db,
            &self.catalog,
            &self.photos,
            WriteQuota::default(),
            Default::default(),
        )
    }

    /// The same app behind reverse proxies at `proxies`
    /// (`LINLI_TRUSTED_PROXIES`' syntax).
    pub fn behind(mut self, proxies: &str) -> Self {
        let proxies = proxies.parse().expect("proxy list");
        self.router = router(&self.db, &self.catalog, &self.photos, WriteQuota::default(), proxies);
        self
    }

    /// Sends a request as if from 127.0.0.1 (unless the request says
    /// otherwise with its own `ConnectInfo`).
    pub async fn send(&self, mut req: Request<Body>) -> Reply {
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        }
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    pub async fn get_with(&self, uri: &str, header: (&str, &str)) -> Reply {
        self.send(
            Request::get(uri)
                .header(header.0, header.1)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("its address")
        .port()
}

/// `server serve` (the binary under test) on `database_url` and
/// 127.0.0.1:`port`, with the repository's static files and quiet logs.
pub fn serve_command(database_url: &str, port: u16) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "linli")
        .env("LEPTOS_SITE_ROOT", concat!(env!("CARGO_MANIFEST_DIR"), "/../public"))
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null());
    command
}

/// A `server serve` process, killed when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- Webhook receivers ----

/// A request a test's webhook receiver saw: the event id, `X-Linli-Event`,
/// the body, whether the signature held.
pub type HookRequest = (String, String, serde_json::Value, bool);

/// What a receiver that de-duplicates by event id keeps: each event's
/// first arrival, in arrival order.
pub fn first_arrivals(requests: &[HookRequest]) -> Vec<&HookRequest> {
    let mut firsts: Vec<&HookRequest> = Vec::new();
    for r in requests {
        if !firsts.iter().any(|f| f.0 == r.0) {
            firsts.push(r);
        }
    }
    firsts
}

/// One suggestion's events among `firsts`, as `type:to_status`; each
/// event's headers must agree with its body.
pub fn events_of(firsts: &[&HookRequest], code: &str) -> Vec<String> {
    firsts
        .iter()
        .filter(|r| r.2["suggestion"]["receipt_code"] == code)
        .map(|r| {
            assert_eq!(r.1, r.2["type"], "the header names the body's type");
            assert_eq!(r.0, r.2["id"]);
            format!("{}:{}", r.1, r.2["to_status"].as_str().unwrap_or(""))
        })
        .collect()
}

/// The events of the workflow both webhook tests run: two suggestions;
/// the first accepted with a reply, then in progress; the second under
/// review.
pub const WORKFLOW_FIRST: [&str; 4] = [
    "suggestion.created:received",
    "suggestion.status_changed:accepted",
    "suggestion.replied:accepted",
    "suggestion.status_changed:in_progress",
];
pub const WORKFLOW_SECOND: [&str; 2] = ["suggestion.created:received", "suggestion.status_changed:reviewing"];

/// Waits until the server at `base` answers `/healthz` with 200 (at most
/// two minutes, then the test fails).
pub async fn healthy(http: &reqwest::Client, base: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !matches!(http.get(format!("{base}/healthz")).send().await, Ok(r) if r.status() == 200) {
        assert!(std::time::Instant::now() < deadline, "{base} never became healthy");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

// ---- The committee's side: accounts, sign-in, forms ----

pub const PASSWORD: &str = "a long enough password";

pub async fn user(app: &TestApp, name: &str, role: Role, community: Option<&str>) {
    let hash = hash_password(PASSWORD).unwrap();
    assert!(app.db.create_user(name, &hash, role, community).await.unwrap());
}

pub fn form(uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
        .unwrap()
}

/// The opening tag of the first element with `attribute` (e.g. `id="reply"`)
/// in a page, to check its other attributes; empty when there is none.
pub fn tag_of<'a>(html: &'a str, attribute: &str) -> &'a str {
    let Some(at) = html.find(attribute) else {
        return "";
    };
    let start = html[..at].rfind('<').unwrap_or(at);
    let end = html[at..].find('>').map_or(html.len(), |e| at + e + 1);
    &html[start..end]
}

/// Whether a form's field is marked wrong: `aria-invalid`, described by
/// its message, and (for the first mistake) with the cursor.
pub fn marked_wrong(html: &str, attribute: &str, first: bool) -> bool {
    let tag = tag_of(html, attribute);
    tag.contains(r#"aria-invalid="true""#) && tag.contains("-error") && tag.contains("autofocus") == first
}

/// A GET as a browser sends it (pages redirect only requests that accept HTML).
pub fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri).header(header::ACCEPT, "text/html,*/*");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::empty()).unwrap()
}

/// Signs in; returns the `linli_session=…` cookie.
pub async fn sign_in(app: &TestApp, name: &str) -> String {
    let r = app
        .send(form(
            "/login",
            None,
            &[("username", name), ("password", PASSWORD), ("next", "/review")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.headers[header::LOCATION], "/review");
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_string()
}

/// The CSRF token the pages put in every committee form.
pub async fn csrf(app: &TestApp, cookie: &str) -> String {
    let page = app.send(get("/review", Some(cookie))).await;
    let at = page.text.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page.text[at..at + 64].to_string()
}

/// A file part: field name, file name, bytes.
pub type FilePart = (&'static str, &'static str, Vec<u8>);

/// A multipart body with text fields and files: its content type and bytes.
pub fn multipart(fields: &[(&str, &str)], files: &[FilePart]) -> (String, Vec<u8>) {
    let boundary = "linli-test-boundary-7K3Q";
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (name, filename, bytes) in files {
        out.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        out.extend(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}
