//! What differs between SQLite and PostgreSQL and must not show: search
//! case, sort order, number precision and unique-key races. The suite runs
//! on both (`LINLI_TEST_POSTGRES`, see `common`); the throwaway PostgreSQL
//! of `scripts/test.sh` sorts Chinese by pinyin by default, so an order that
//! only holds on SQLite fails here.

mod common;

use app::domain::coords::Crs;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

use app::domain::review::{InboxFilter, Role};
use server::import::{import_communities, Format};

async fn file(app: &common::TestApp, title: &str, description: &str, lat: f64, key: Option<&str>) -> common::Reply {
    let mut req = Request::post("/api/v1/suggestions").header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    app.send(
        req.body(Body::from(
            json!({"category": "seating", "title": title, "description": description,
                   "lat": lat, "lng": 104.0501})
            .to_string(),
        ))
        .unwrap(),
    )
    .await
}

#[tokio::test]
async fn inbox_search_ignores_ascii_case_and_takes_wildcards_literally() {
    let app = common::app().await;
    for (title, description) in [
        ("Broken BENCH by the gate", ""),
        ("长椅坏了", "the bench near the Gate is broken"),
        ("50% of the lamps are out", ""),
        ("路灯不亮", "under_score"),
    ] {
        let r = file(&app, title, description, 30.6401, None).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let titles = |search: &str| {
        let db = app.db.clone();
        let filter = InboxFilter {
            search: search.to_string(),
            ..InboxFilter::default()
        };
        async move {
            let mut t: Vec<String> = db
                .inbox(None, &filter, 100)
                .await
                .unwrap()
                .into_iter()
                .map(|i| i.title)
                .collect();
            t.sort();
            t
        }
    };
    let both = vec!["Broken BENCH by the gate".to_string(), "长椅坏了".to_string()];
    assert_eq!(titles("bench").await, both, "lower case finds upper case");
    assert_eq!(titles("BeNcH").await, both);
    assert_eq!(titles("GATE").await, both, "in the description too");
    assert_eq!(titles("长椅").await, vec!["长椅坏了".to_string()]);
    assert_eq!(
        titles("%").await,
        vec!["50% of the lamps are out".to_string()],
        "% is a character"
    );
    assert_eq!(titles("_").await, vec!["路灯不亮".to_string()], "_ is a character");
    assert!(titles("bench%gate").await.is_empty());
}

#[tokio::test]
async fn text_sorts_by_code_point_whatever_the_database_locale() {
    let app = common::app().await;
    // Pinyin order would be 成华 (cheng), 锦江 (jin), 武侯 (wu); code point
    // order (SQLite's, and ours on PostgreSQL) is 成 U+6210, 武 U+6B66,
    // 锦 U+9526.
    let csv = "code,name_zh,name_en,district_zh,district_en,lat,lng\n\
        z-jin,锦一,,锦江区,,30.66,104.08\n\
        z-wu,武一,,武侯区,,30.64,104.05\n\
        z-cheng,成一,,成华区,,30.67,104.10\n\
        Z-upper,武二,,武侯区,,30.64,104.05\n";
    import_communities(&app.db, csv, Format::Csv, Crs::Wgs84, false)
        .await
        .unwrap();
    let order: Vec<String> = app
        .db
        .communities()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.code.to_ascii_lowercase().starts_with("z-"))
        .map(|c| c.code)
        .collect();
    // Within 武侯区, "Z-upper" before "z-wu": upper case first, by code point.
    assert_eq!(order, ["z-cheng", "Z-upper", "z-wu", "z-jin"]);

    for name in ["wang-b", "wang.a", "wanga"] {
        let hash = app::server::auth::hash_password("a long enough password").unwrap();
        assert!(app
            .db
            .create_user(name, &hash, Role::Committee, Some("test-a"))
            .await
            .unwrap());
    }
    let members: Vec<String> = app
        .db
        .community_members("test-a")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.username)
        .collect();
    assert_eq!(members, ["wang-b", "wang.a", "wanga"], "'-' < '.' < 'a'");
}

#[tokio::test]
async fn coordinates_and_times_keep_their_full_precision() {
    let app = common::app().await;
    let r = file(&app, "精确的位置", "", 30.640_123_456_789, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let code = r.json()["receipt_code"].as_str().unwrap().to_string();
    let s = app
        .db
        .public_suggestion(&app::domain::suggestion::ReceiptCode::parse(&code).unwrap())
        .await
        .unwrap()
        .unwrap();
    // A 4-byte float would keep about 7 digits: 30.64012.
    assert_eq!(s.location.unwrap().lat, 30.640_123_456_789);
    // Milliseconds since 1970 are past 2^31 (a 4-byte integer overflows).
    let now = chrono::Utc::now().timestamp_millis();
    assert!(s.created_at > i64::from(i32::MAX) && (now - s.created_at).abs() < 60_000);
}

#[tokio::test]
async fn unique_key_races_end_in_one_row_and_no_error() {
    let app = common::app().await;
    // Twenty retries of one submission at once: one suggestion, one code.
    let replies =
        futures::future::join_all((0..20).map(|_| file(&app, "同时提交", "", 30.6402, Some("race-key-1")))).await;
    let mut codes: Vec<String> = replies
        .iter()
        .map(|r| {
            assert!(
                r.status == StatusCode::CREATED || r.status == StatusCode::OK,
                "{} {}",
                r.status,
                r.text
            );
            r.json()["receipt_code"].as_str().unwrap().to_string()
        })
        .collect();
    codes.dedup();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert_eq!(replies.iter().filter(|r| r.status == StatusCode::CREATED).count(), 1);
    assert_eq!(app.db.suggestion_count().await.unwrap(), 1);

    // Ten accounts of one name at once: one is created, nine are told the
    // name is taken; none is an error.
    let hash = app::server::auth::hash_password("a long enough password").unwrap();
    let created =
        futures::future::join_all((0..10).map(|_| app.db.create_user("same-name", &hash, Role::Admin, None))).await;
    assert_eq!(
        created.iter().filter(|r| matches!(r, Ok(true))).count(),
        1,
        "{created:?}"
    );
    assert!(created.iter().all(|r| r.is_ok()), "{created:?}");
}

/// Facility edits from several writers at once, with a server applying the
/// changed rows as they commit: it ends with the catalogue a fresh load
/// gives. On PostgreSQL this is where a revision taken out of commit order
/// would lose a row.
#[tokio::test]
async fn concurrent_edits_reach_the_index_as_a_fresh_load_would() {
    use app::domain::coords::LatLng;
    use app::domain::facility::{MealServices, Services};
    use app::server::catalog::Catalog;
    use app::server::store::NewFacility;

    let app = common::app().await;
    let catalog = Catalog::load(&app.db).await.unwrap();
    let before = catalog.snapshot().index.len();
    let facility = |writer: usize, i: usize| NewFacility {
        // Writers share half their refs, so rows are updated as well as added.
        source_ref: format!("race-{}", (writer * 10 + i) % 30),
        name_zh: format!("写者{writer}第{i}次"),
        name_en: String::new(),
        address_zh: "某路".into(),
        address_en: String::new(),
        location: LatLng::new(30.6 + 0.001 * (writer * 7 + i) as f64, 104.05),
        phone: String::new(),
        community: String::new(),
        hours: Default::default(),
        services: Services::Meal(MealServices::default()),
    };
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = app.db.clone();
            tokio::spawn(async move {
                for i in 0..15 {
                    db.upsert_facilities(&[facility(w, i)]).await.unwrap();
                }
            })
        })
        .collect();
    let mut refreshes = 0;
    while !writers.iter().all(|w| w.is_finished()) {
        if catalog.refresh(&app.db).await.unwrap() {
            refreshes += 1;
        }
    }
    for w in writers {
        w.await.unwrap();
    }
    catalog.refresh(&app.db).await.unwrap();
    assert!(
        refreshes > 1,
        "changes were applied while writers ran ({refreshes} refreshes)"
    );
    let applied = catalog.snapshot();
    let fresh = Catalog::load(&app.db).await.unwrap().snapshot();
    assert_eq!(applied.index.len(), before + 30);
    assert_eq!(applied.index.len(), fresh.index.len());
    for f in fresh.index.facilities() {
        assert_eq!(applied.index.get(f.id), Some(&**f), "facility {}", f.source_ref);
    }
    let q = app::domain::nearby::NearbyParams {
        lat: Some("30.62".into()),
        lng: Some("104.05".into()),
        minutes: Some("60".into()),
        limit: Some("100".into()),
        ..Default::default()
    }
    .validate()
    .unwrap();
    assert_eq!(applied.index.nearby(&q), fresh.index.nearby(&q));
}

/// A city's database runs on another host: Linli reaches it over TLS and
/// checks its certificate (`sslmode=verify-full`, the CA in `sslrootcert`).
/// `scripts/postgres.sh` serves TLS with a throwaway CA for this.
#[tokio::test]
async fn postgres_is_reached_over_tls_with_its_certificate_checked() {
    use sqlx::{Connection, Row};
    let Some(server) = common::postgres_server() else {
        return; // The SQLite run.
    };
    let ca = std::env::var("LINLI_TEST_POSTGRES_CA")
        .expect("LINLI_TEST_POSTGRES_CA: the CA of the test server (scripts/postgres.sh writes DIR/ca.crt)");
    let dir = tempfile::tempdir().unwrap();
    let base = common::database_url(dir.path()).await;
    let url = format!("{base}?sslmode=verify-full&sslrootcert={ca}");
    let db = app::server::Db::connect(&url)
        .await
        .expect("connects over verified TLS");
    db.migrate().await.unwrap();
    db.ping().await.unwrap();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let ssl: bool = sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .try_get("ssl")
        .unwrap();
    assert!(ssl, "the session is encrypted");
    // Without our CA the certificate is not trusted, and nothing connects.
    let untrusted = format!("{server}?sslmode=verify-full");
    let Err(refused) = app::server::Db::connect(&untrusted).await else {
        panic!("an untrusted certificate was accepted");
    };
    let refused = refused.to_string();
    assert!(refused.to_lowercase().contains("certificate"), "{refused}");
}
