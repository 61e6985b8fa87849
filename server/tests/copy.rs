//! `server copy` from a pilot's SQLite file (suggestions with photos,
//! accounts, templates, an audit trail) onto the city database (PostgreSQL
//! with `LINLI_TEST_POSTGRES`, else another SQLite file): every row and
//! photo arrives, and residents and committee members see the same data.

mod common;

use app::domain::coords::Crs;
use std::process::Command;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use app::domain::review::workflow::Change;
use app::domain::review::{InboxFilter, Role};
use app::domain::suggestion::{ReceiptCode, Status};
use app::server::photos::samples::jpeg;
use app::server::review as actions;
use app::server::Db;
use server::limits::WriteQuota;

fn multipart(fields: &[(&str, &str)], photos: &[Vec<u8>]) -> Request<Body> {
    let files: Vec<common::FilePart> = photos.iter().map(|p| ("photos", "p.jpg", p.clone())).collect();
    let (content_type, body) = common::multipart(fields, &files);
    Request::post("/api/v1/suggestions")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

async fn file(app: &common::TestApp, title: &str, photos: &[Vec<u8>]) -> ReceiptCode {
    let r = app
        .send(multipart(
            &[
                ("category", "greenery"),
                ("title", title),
                ("lat", "30.6403"),
                ("lng", "104.0503"),
                ("contact_phone", "13900000009"),
            ],
            photos,
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    ReceiptCode::parse(r.json()["receipt_code"].as_str().unwrap()).unwrap()
}

fn copy(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("copy")
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_pilot_database_moves_whole_onto_the_city_database() {
    // The pilot: always SQLite, photos in files.
    let pilot_dir = tempfile::tempdir().unwrap();
    let pilot_url = format!("sqlite://{}", pilot_dir.path().join("pilot.db").display());
    let pilot_db = Db::connect(&pilot_url).await.unwrap();
    server::import::import_communities(
        &pilot_db,
        common::COMMUNITIES,
        server::import::Format::Csv,
        Crs::Wgs84,
        false,
    )
    .await
    .unwrap();
    server::import::import_facilities(
        &pilot_db,
        common::FACILITIES,
        server::import::Format::Csv,
        Crs::Wgs84,
        false,
    )
    .await
    .unwrap();
    server::import::import_sorting(
        &pilot_db,
        include_str!("../../seeds/sorting.csv"),
        server::import::Format::Csv,
        false,
    )
    .await
    .unwrap();
    let quota = WriteQuota {
        burst: 10_000,
        period: std::time::Duration::from_millis(1),
    };
    let pilot_photos = pilot_dir.path().join("photos");
    let pilot = common::app_on(pilot_db.clone(), pilot_dir, quota).await;

    let hash = app::server::auth::hash_password("a long enough password").unwrap();
    assert!(pilot_db
        .create_user("member-a", &hash, Role::Committee, Some("test-a"))
        .await
        .unwrap());
    let member = pilot_db.account("member-a").await.unwrap().unwrap().member;
    actions::add_template(&pilot_db, &member, "test-a", "已收到", "谢谢，我们会尽快处理。")
        .await
        .unwrap();
    let first = file(&pilot, "种几棵树", &[jpeg(40, 30), jpeg(50, 20)]).await;
    let second = file(&pilot, "同一处种树", &[jpeg(40, 30)]).await;
    let third = file(&pilot, "花坛缺水", &[]).await;
    actions::change_status(
        &pilot_db,
        &member,
        &first,
        Change {
            to: Status::Reviewing,
            public_reply: "正在看".into(),
            duplicate_of: None,
        },
    )
    .await
    .unwrap();
    actions::change_status(
        &pilot_db,
        &member,
        &second,
        Change {
            to: Status::Duplicate,
            public_reply: String::new(),
            duplicate_of: Some(first.to_string()),
        },
    )
    .await
    .unwrap();
    actions::note(&pilot_db, &member, &third, "内部备注").await.unwrap();
    actions::assign(&pilot_db, &member, &third, "member-a").await.unwrap();
    actions::set_photo_hidden(&pilot_db, &member, &first, 1, true, "拍到了人脸")
        .await
        .unwrap();
    pilot_db.add_support(&third, "device-hash-1").await.unwrap();

    // The city database.
    let city_dir = tempfile::tempdir().unwrap();
    let city_url = common::database_url(city_dir.path()).await;
    let city_photos = city_dir.path().join("photos");
    let mut args = vec![
        "--from".to_string(),
        pilot_url.clone(),
        "--from-photos".into(),
        pilot_photos.display().to_string(),
        "--to".into(),
        city_url.clone(),
    ];
    if common::postgres_server().is_none() {
        args.extend(["--to-photos".into(), city_photos.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = copy(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    for (table, n) in [
        ("suggestions", 3),
        ("suggestion_photos", 3),
        ("users", 1),
        ("reply_templates", 1),
        ("suggestion_supports", 1),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(table))
            .unwrap_or_else(|| panic!("{stdout}"));
        let counts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(counts, [table, &n.to_string(), &n.to_string()], "{line}");
    }
    // Two distinct photos (one shared by two suggestions).
    assert!(
        stdout.contains("photos") && stdout.lines().any(|l| l.split_whitespace().eq(["photos", "2", "2"])),
        "{stdout}"
    );

    let city_db = Db::connect(&city_url).await.unwrap();
    let city = common::app_on(city_db.clone(), city_dir, quota).await;
    // Residents see the same: each suggestion's public view, and its photos.
    for code in [&first, &second, &third] {
        let a = pilot.get(&format!("/api/v1/suggestions/{code}")).await;
        let b = city.get(&format!("/api/v1/suggestions/{code}")).await;
        assert_eq!(b.status, StatusCode::OK);
        assert_eq!(a.json(), b.json(), "{code}");
        for photo in a.json()["photos"].as_array().unwrap() {
            let url = photo["url"].as_str().unwrap();
            let (pa, pb) = (pilot.get(url).await, city.get(url).await);
            assert_eq!(pb.status, StatusCode::OK, "{url}");
            assert_eq!(pa.text, pb.text, "{url}");
        }
    }
    assert_eq!(
        pilot.get("/api/v1/suggestions?community=test-a").await.json(),
        city.get("/api/v1/suggestions?community=test-a").await.json()
    );
    // The committee sees the same: the inbox, and every suggestion with its
    // contact details, photos (hidden ones too) and audit trail.
    let all = InboxFilter::default();
    assert_eq!(
        pilot_db.inbox(None, &all, 100).await.unwrap(),
        city_db.inbox(None, &all, 100).await.unwrap()
    );
    for code in [&first, &second, &third] {
        let a = pilot_db.reviewed_suggestion(code).await.unwrap().unwrap();
        let b = city_db.reviewed_suggestion(code).await.unwrap().unwrap();
        assert_eq!(a, b, "{code}");
        assert!(!b.events.is_empty());
    }
    assert_eq!(
        city_db.reviewed_suggestion(&first).await.unwrap().unwrap().duplicates,
        vec![second.clone()]
    );
    assert_eq!(
        pilot_db.templates("test-a").await.unwrap(),
        city_db.templates("test-a").await.unwrap()
    );
    assert!(city_db.account("member-a").await.unwrap().is_some(), "accounts arrive");
    assert_eq!(
        city.catalog.snapshot().sorting.len(),
        pilot.catalog.snapshot().sorting.len(),
        "the dictionary arrives"
    );

    // New rows get new ids after the copied ones.
    let fourth = file(&city, "复制之后的新建议", &[jpeg(30, 30)]).await;
    assert_eq!(city_db.suggestion_count().await.unwrap(), 4);
    assert!(city.get(&format!("/api/v1/suggestions/{fourth}")).await.status == StatusCode::OK);
    assert!(city_db
        .create_user("member-b", &hash, Role::Committee, Some("test-b"))
        .await
        .unwrap());
    city_db
        .add_event(
            &third,
            app::server::store::EventRecord {
                actor: member.id,
                kind: "note",
                from: None,
                to: None,
                public_text: "",
                private_text: "after the copy",
                detail: String::new(),
            },
        )
        .await
        .unwrap();

    // A target with data is refused, and nothing changes; --replace starts
    // it again from the source.
    let again = copy(&args);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert_eq!(city_db.suggestion_count().await.unwrap(), 4);
    let mut replace = args.clone();
    replace.push("--replace");
    let replaced = copy(&replace);
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    assert_eq!(city_db.suggestion_count().await.unwrap(), 3);
}
