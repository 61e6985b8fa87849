//! Suggestions through the real router and a real temporary SQLite file:
//! the JSON and multipart API, idempotent retries, photos, limits, the
//! no-JavaScript form, supports and privacy.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

use app::domain::suggestion::{Category, ReceiptCode, ValidSuggestion};
use app::server::photos::samples::{jpeg, jpeg_with_gps, png_bomb};
use app::server::suggestions::{file_with_codes, open_nearby, Submission};
use server::limits::WriteQuota;

const CONTACT_NAME: &str = "王秘密";
const CONTACT_PHONE: &str = "13912345678";

fn body() -> Value {
    json!({
        "category": "seating",
        "title": "长椅坏了",
        "description": "玉林北路口的长椅少了一块木板。",
        "lat": 30.6401,
        "lng": 104.0501,
        "location_text": "玉林北路口",
        "contact_name": CONTACT_NAME,
        "contact_phone": CONTACT_PHONE,
    })
}

fn post_json(body: &Value, key: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/api/v1/suggestions").header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

use common::{multipart, FilePart};

fn post_multipart(uri: &str, fields: &[(&str, &str)], files: &[FilePart]) -> Request<Body> {
    let (content_type, bytes) = multipart(fields, files);
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .unwrap()
}

const TEXT_FIELDS: &[(&str, &str)] = &[
    ("category", "lighting"),
    ("title", "路灯不亮"),
    ("lat", "30.6402"),
    ("lng", "104.0502"),
];

#[tokio::test]
async fn a_suggestion_is_filed_and_tracked_without_contact_details() {
    let app = common::app().await;
    let created = app.send(post_json(&body(), None)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let v = created.json();
    let code = v["receipt_code"].as_str().unwrap().to_string();
    assert!(ReceiptCode::parse(&code).is_some(), "{code}");
    assert!(code.starts_with("CD-"), "test-a has no district prefix: {code}");
    assert_eq!(v["status"], "received");
    assert_eq!(v["community"], "test-a", "found from the position");
    assert_eq!(v["tracking_url"], format!("/track/{code}"));
    assert_eq!(created.headers[header::LOCATION], format!("/api/v1/suggestions/{code}"));
    assert_eq!(v["timeline"][0]["status"], "received");

    let fetched = app.get(&format!("/api/v1/suggestions/{}", code.to_lowercase())).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.json()["title"], "长椅坏了");

    let list = app.get("/api/v1/suggestions?community=test-a").await;
    assert_eq!(list.json()["suggestions"][0]["receipt_code"], code.as_str());
    let page = app.get(&format!("/track/{code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("长椅坏了") && page.text.contains(&code));
    let list_page = app.get("/suggestions?community=test-a").await;
    assert!(list_page.text.contains("长椅坏了"));
    for public in [&created.text, &fetched.text, &list.text, &page.text, &list_page.text] {
        assert!(!public.contains(CONTACT_NAME), "contact name leaked");
        assert!(!public.contains(CONTACT_PHONE), "contact phone leaked");
    }
    assert_eq!(
        app.get("/api/v1/suggestions/CD-2222").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/suggestions/not-a-code").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/track/CD-2222").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_retry_with_the_same_key_returns_the_same_suggestion() {
    let app = common::app().await;
    let first = app.send(post_json(&body(), Some("key-1"))).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = app.send(post_json(&body(), Some("key-1"))).await;
    assert_eq!(again.status, StatusCode::OK, "a replay is 200, not 201");
    assert_eq!(again.json()["receipt_code"], first.json()["receipt_code"]);
    assert_eq!(app.db.suggestion_count().await.unwrap(), 1);

    let mut other = body();
    other["title"] = json!("另一件事");
    let reused = app.send(post_json(&other, Some("key-1"))).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.json()["error"]["code"], "idempotency_key_reused");
    let fresh = app.send(post_json(&other, Some("key-2"))).await;
    assert_eq!(fresh.status, StatusCode::CREATED);
    assert_eq!(app.db.suggestion_count().await.unwrap(), 2);

    for bad in ["", "has space", &"k".repeat(101)] {
        let r = app.send(post_json(&body(), Some(bad))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(r.json()["error"]["code"], "invalid_idempotency_key");
    }
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_key_create_one_suggestion() {
    let app = common::app().await;
    let requests = (0..20).map(|_| app.send(post_json(&body(), Some("offline-queue-item-42"))));
    let replies = futures::future::join_all(requests).await;
    let codes: std::collections::HashSet<String> = replies
        .iter()
        .map(|r| r.json()["receipt_code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 1, "one receipt code for all");
    let created = replies.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let replayed = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 19));
    assert_eq!(app.db.suggestion_count().await.unwrap(), 1);
}

#[tokio::test]
async fn concurrent_suggestions_get_distinct_codes() {
    let app = common::app().await;
    let replies = futures::future::join_all((0..40).map(|i| {
        let mut b = body();
        b["title"] = json!(format!("建议 {i}"));
        app.send(post_json(&b, None))
    }))
    .await;
    let codes: std::collections::HashSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.json()["receipt_code"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(codes.len(), 40);
}

#[tokio::test]
async fn a_taken_receipt_code_is_drawn_again() {
    let app = common::app().await;
    let communities = app.catalog.snapshot().communities.clone();
    let valid = ValidSuggestion {
        category: Category::Lighting,
        location: None,
        community: Some("test-a".into()),
        location_text: "甲路口".into(),
        title: "路灯".into(),
        description: String::new(),
        contact_name: String::new(),
        contact_phone: String::new(),
    };
    let fixed = |code: &'static str| move |_: &str| ReceiptCode::parse(code).unwrap();
    let first = file_with_codes(&app.db, &communities, &valid, &Submission::default(), fixed("CD-2222"))
        .await
        .unwrap();
    assert_eq!(first.receipt_code.as_str(), "CD-2222");
    let mut draws = ["CD-2222", "CD-2222", "CD-3333"].into_iter();
    let second = file_with_codes(&app.db, &communities, &valid, &Submission::default(), |_| {
        ReceiptCode::parse(draws.next().unwrap()).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(second.receipt_code.as_str(), "CD-3333");
}

#[tokio::test]
async fn every_invalid_field_is_reported() {
    let app = common::app().await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"category": ""}), "category", "required"),
        (json!({"category": "bench"}), "category", "invalid"),
        (json!({"title": ""}), "title", "required"),
        (json!({"title": "椅".repeat(81)}), "title", "too_long"),
        (json!({"description": "x".repeat(2001)}), "description", "too_long"),
        (json!({"description": "a\u{0007}b"}), "description", "bad_characters"),
        (json!({"lat": 91.0}), "location", "invalid"),
        (json!({"lat": 39.9, "lng": 116.4}), "location", "out_of_area"),
        (
            json!({"lat": null, "lng": null, "community": ""}),
            "community",
            "required",
        ),
        (
            json!({"lat": null, "lng": null, "community": "test-a", "location_text": ""}),
            "location_text",
            "required",
        ),
        (json!({"community": "nowhere"}), "community", "unknown_community"),
        (json!({"location_text": "路".repeat(201)}), "location_text", "too_long"),
        (json!({"contact_name": "名".repeat(41)}), "contact_name", "too_long"),
        (json!({"contact_phone": "call me"}), "contact_phone", "invalid"),
    ];
    for (patch, field, code) in cases {
        let mut b = body();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let r = app.send(post_json(&b, None)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{patch}: {}", r.text);
        let v = r.json();
        assert_eq!(v["error"]["code"], "invalid_fields");
        let fields = v["error"]["fields"].as_array().unwrap();
        assert!(
            fields.iter().any(|f| f["field"] == field && f["code"] == code),
            "{patch}: expected {field}/{code}, got {fields:?}"
        );
    }
    assert_eq!(
        app.db.suggestion_count().await.unwrap(),
        0,
        "nothing invalid was stored"
    );

    let not_json = Request::post("/api/v1/suggestions")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"title\": "))
        .unwrap();
    assert_eq!(app.send(not_json).await.json()["error"]["code"], "invalid_json");
    let text = Request::post("/api/v1/suggestions")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("hello"))
        .unwrap();
    assert_eq!(app.send(text).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn oversized_bodies_get_a_json_413() {
    let app = common::app().await;
    let big = Request::post("/api/v1/suggestions/CD-2222/support")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, (100 * 1024).to_string())
        .body(Body::from(vec![b' '; 100 * 1024]))
        .unwrap();
    let r = app.send(big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "body_too_large");
    let declared = Request::post("/api/v1/suggestions")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "30000000")
        .body(Body::from("{}"))
        .unwrap();
    let r = app.send(declared).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"]["code"], "body_too_large");
}

#[tokio::test]
async fn photos_are_reencoded_without_exif_and_served_publicly() {
    let app = common::app().await;
    let with_gps = jpeg_with_gps(64, 32);
    assert!(with_gps.windows(6).any(|w| w == b"Exif\0\0"));
    let r = app
        .send(post_multipart(
            "/api/v1/suggestions",
            TEXT_FIELDS,
            &[("photos", "bench.jpg", with_gps), ("photos", "b.jpg", jpeg(2000, 1000))],
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json();
    let photos = v["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(
        (photos[0]["width"].as_u64(), photos[0]["height"].as_u64()),
        (Some(32), Some(64)),
        "rotated upright"
    );
    assert_eq!(photos[1]["width"], 1600, "shrunk to the stored size");
    let url = photos[0]["url"].as_str().unwrap();
    let res = app.router.clone();
    let photo = tower::ServiceExt::oneshot(res, Request::get(url).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()[header::CONTENT_TYPE], "image/jpeg");
    let bytes = http_body_util::BodyExt::collect(photo.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&bytes[..2], b"\xFF\xD8", "a JPEG");
    assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "no EXIF served");
    assert_eq!(
        app.get(&format!("/photos/{}.jpg", "0".repeat(64))).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_photos_are_refused_and_their_files_swept() {
    let app = common::app().await;
    let oversize = vec![0xFFu8; 8 * 1024 * 1024 + 1];
    let cases: Vec<(Vec<FilePart>, StatusCode, &str)> = vec![
        (
            vec![("photos", "big.jpg", oversize)],
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
        ),
        (
            vec![("photos", "bomb.png", png_bomb(16_000))],
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_many_pixels",
        ),
        (
            vec![("photos", "notes.pdf", b"%PDF-1.7 a document".to_vec())],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "photo_unsupported",
        ),
        (
            vec![("photos", "broken.jpg", jpeg(64, 64)[..300].to_vec())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo_corrupt",
        ),
        (
            (0..4).map(|_| ("photos", "p.jpg", jpeg(8, 8))).collect(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_fields",
        ),
    ];
    for (files, status, code) in cases {
        let r = app
            .send(post_multipart("/api/v1/suggestions", TEXT_FIELDS, &files))
            .await;
        assert_eq!(r.status, status, "{code}: {}", r.text);
        assert_eq!(r.json()["error"]["code"], code);
    }
    assert_eq!(app.db.suggestion_count().await.unwrap(), 0);
    // The three photos read before the fourth was refused were written;
    // nothing refers to them, so the sweep removes them.
    assert!(app.db.photo_keys().await.unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        app.photos.sweep(&app.db, Duration::from_millis(1)).await.unwrap(),
        1,
        "one distinct file (same content)"
    );
}

#[tokio::test]
async fn a_client_over_the_rate_limit_waits_and_others_do_not() {
    let app = common::app_with_quota(WriteQuota {
        burst: 3,
        period: Duration::from_secs(60),
    })
    .await;
    let from = |ip: [u8; 4], req: Request<Body>| {
        let mut req = req;
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 5000))));
        req
    };
    for _ in 0..3 {
        let r = app.send(from([10, 0, 0, 1], post_json(&body(), None))).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let limited = app.send(from([10, 0, 0, 1], post_json(&body(), None))).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(limited.json()["error"]["retry_after"], wait);
    let support = app
        .send(from(
            [10, 0, 0, 1],
            Request::post("/api/v1/suggestions/CD-2222/support")
                .body(Body::empty())
                .unwrap(),
        ))
        .await;
    assert_eq!(
        support.status,
        StatusCode::TOO_MANY_REQUESTS,
        "supports share the limit"
    );
    let other = app.send(from([10, 0, 0, 2], post_json(&body(), None))).await;
    assert_eq!(other.status, StatusCode::CREATED, "another client is unaffected");
    assert_eq!(app.db.suggestion_count().await.unwrap(), 4);
}

#[tokio::test]
async fn markup_in_a_suggestion_is_shown_as_text() {
    let app = common::app().await;
    let mut b = body();
    b["title"] = json!("</title><script>alert('x')</script>");
    b["description"] = json!("<img src=x onerror=alert(1)> & \"quotes\"");
    let code = app.send(post_json(&b, None)).await.json()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();
    let api = app.get(&format!("/api/v1/suggestions/{code}")).await.json();
    assert_eq!(api["title"], "</title><script>alert('x')</script>", "stored as typed");
    for page in [
        app.get(&format!("/track/{code}")).await.text,
        app.get("/suggestions?community=test-a").await.text,
    ] {
        assert!(page.contains("&lt;script&gt;alert("), "escaped");
        assert!(!page.contains("<script>alert("), "never raw");
        assert!(!page.contains("<img src=x"), "never raw");
    }
}

#[tokio::test]
async fn support_counts_once_per_device() {
    let app = common::app().await;
    let code = app.send(post_json(&body(), None)).await.json()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();
    let first = app
        .send(
            Request::post(format!("/track/{code}/support"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.headers[header::LOCATION], format!("/track/{code}?supported=1"));
    let cookie = first.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let device = cookie.split(';').next().unwrap().to_string();
    let again = app
        .send(
            Request::post(format!("/track/{code}/support"))
                .header(header::COOKIE, &device)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        again.headers[header::LOCATION],
        format!("/track/{code}?supported=already")
    );
    let api_same = app
        .send(
            Request::post(format!("/api/v1/suggestions/{code}/support"))
                .header(header::COOKIE, &device)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert_eq!(
        (api_same["supports"].as_i64(), api_same["counted"].as_bool()),
        (Some(1), Some(false))
    );
    let other_device = app
        .send(
            Request::post(format!("/api/v1/suggestions/{code}/support"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
    assert_eq!(other_device["supports"], 2);
    assert_eq!(
        app.get(&format!("/api/v1/suggestions/{code}")).await.json()["supports"],
        2
    );
}

#[tokio::test]
async fn open_suggestions_nearby_are_offered_instead_of_duplicates() {
    let app = common::app().await;
    let near = app.send(post_json(&body(), None)).await.json()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();
    let mut other_category = body();
    other_category["category"] = json!("lighting");
    app.send(post_json(&other_category, None)).await;
    let mut far = body();
    far["lat"] = json!(30.6450);
    app.send(post_json(&far, None)).await;
    let found = open_nearby(
        &app.db,
        Category::Seating,
        app::domain::coords::LatLng::new(30.6405, 104.0501),
    )
    .await
    .unwrap();
    let codes: Vec<String> = found.iter().map(|s| s.receipt_code.to_string()).collect();
    assert_eq!(codes, vec![near.clone()], "same category within 150 m only");
    assert!(found[0].distance_m.unwrap() < 60.0);

    // The form's details step shows it, with a +1 button.
    let step = app
        .send(form_post(&[
            ("step", "2"),
            ("action", "next"),
            ("category", "seating"),
            ("lat", "30.6405"),
            ("lng", "104.0501"),
            ("idempotency_key", "form-dup-1"),
        ]))
        .await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.text);
    assert!(
        step.text.contains(&format!("action=\"/track/{near}/support\"")),
        "offers support"
    );
}

fn form_post(fields: &[(&str, &str)]) -> Request<Body> {
    Request::post("/suggest")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
        .unwrap()
}

fn form_post_lang(fields: &[(&str, &str)], lang: &str) -> Request<Body> {
    let mut req = form_post(fields);
    req.headers_mut().insert(header::ACCEPT_LANGUAGE, lang.parse().unwrap());
    req
}

#[tokio::test]
async fn the_form_works_step_by_step_without_javascript() {
    let app = common::app().await;
    let fresh = app.get("/suggest").await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(fresh.text.contains("name=\"category\""));
    let key_start = fresh.text.find("name=\"idempotency_key\" value=\"").expect("a key") + 30;
    let key = fresh.text[key_start..key_start + 32].to_string();

    // Step 1 without a choice: the same step, the error in Chinese.
    let r = app
        .send(form_post(&[
            ("step", "1"),
            ("action", "next"),
            ("idempotency_key", &key),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("请选择建议的类别"));
    // …and in English.
    let r = app
        .send(form_post_lang(
            &[("step", "1"), ("action", "next"), ("idempotency_key", &key)],
            "en",
        ))
        .await;
    assert!(r.text.contains("Choose what your suggestion is about."));

    // Step 2 with no place: errors, and what was typed stays.
    let r = app
        .send(form_post(&[
            ("step", "2"),
            ("action", "next"),
            ("category", "greenery"),
            ("location_text", "芳草街口"),
            ("idempotency_key", &key),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("请选择社区"));
    assert!(r.text.contains("value=\"芳草街口\""), "typed text kept");

    // Step 3 with an over-long title.
    let long = "树".repeat(81);
    let base = [
        ("category", "greenery"),
        ("community", "test-a"),
        ("location_text", "芳草街口"),
        ("idempotency_key", key.as_str()),
    ];
    let with = |extra: &[(&'static str, &str)]| {
        let mut all: Vec<(&str, String)> = base.iter().map(|(k, v)| (*k, v.to_string())).collect();
        all.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        all
    };
    let fields = with(&[("step", "3"), ("action", "next"), ("title", &long)]);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.send(form_post(&refs)).await;
    assert!(r.text.contains("最多80个字"), "{}", r.text);

    // A phone without consent on step 4.
    let fields = with(&[
        ("step", "4"),
        ("action", "next"),
        ("title", "补种行道树"),
        ("contact_phone", "13800138000"),
    ]);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.send(form_post(&refs)).await;
    assert!(r.text.contains("请勾选同意"));

    // Step 5: submit, answered with a redirect to the receipt.
    let fields = with(&[
        ("step", "5"),
        ("action", "submit"),
        ("title", "补种行道树"),
        ("contact_phone", "13800138000"),
        ("consent", "on"),
    ]);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.send(form_post(&refs)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/track/CD-") && location.ends_with("?new=1"),
        "{location}"
    );
    // Sent again (a double tap): the same suggestion.
    let again = app.send(form_post(&refs)).await;
    assert_eq!(again.headers[header::LOCATION].to_str().unwrap(), location);
    assert_eq!(app.db.suggestion_count().await.unwrap(), 1);
    let receipt = app.get(&location).await;
    assert!(receipt.text.contains("补种行道树"));
    assert!(receipt.text.contains("您的建议已收到"));
    assert!(!receipt.text.contains("13800138000"));
}

#[tokio::test]
async fn the_form_keeps_uploaded_photos_between_steps() {
    let app = common::app().await;
    let r = app
        .send(post_multipart(
            "/suggest",
            &[
                ("step", "3"),
                ("action", "next"),
                ("category", "seating"),
                ("community", "test-a"),
                ("location_text", "甲路口"),
                ("title", "长椅"),
                ("idempotency_key", "form-photos-1"),
            ],
            &[
                ("photos", "a.jpg", jpeg_with_gps(40, 20)),
                ("photos", "b.pdf", b"%PDF".to_vec()),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the PDF is refused");
    assert!(r.text.contains("JPEG、PNG"));
    assert!(r.text.contains("value=\"长椅\""), "the title is kept");
    let token_at = r.text.find("name=\"photo\" value=\"").expect("the good photo is kept") + 20;
    let token = r.text[token_at..token_at + 32].to_string();
    let staged = app.get(&format!("/suggest/photos/{token}")).await;
    assert_eq!(staged.status, StatusCode::OK);

    let r = app
        .send(form_post(&[
            ("step", "5"),
            ("action", "submit"),
            ("category", "seating"),
            ("community", "test-a"),
            ("location_text", "甲路口"),
            ("title", "长椅"),
            ("photo", &token),
            ("idempotency_key", "form-photos-1"),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let code = r.headers[header::LOCATION].to_str().unwrap()[7..14].to_string();
    let v = app.get(&format!("/api/v1/suggestions/{code}")).await.json();
    assert_eq!(v["photos"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&format!("/suggest/photos/{token}")).await.status,
        StatusCode::NOT_FOUND,
        "staging consumed"
    );
}

#[tokio::test]
async fn an_edited_form_sent_again_is_a_new_suggestion() {
    let app = common::app().await;
    let mut fields = vec![
        ("step", "5"),
        ("action", "submit"),
        ("category", "seating"),
        ("community", "test-a"),
        ("location_text", "甲路口"),
        ("title", "第一版"),
        ("idempotency_key", "form-edit-1"),
    ];
    let first = app.send(form_post(&fields)).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    fields[5] = ("title", "改过的第二版");
    let second = app.send(form_post(&fields)).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_ne!(first.headers[header::LOCATION], second.headers[header::LOCATION]);
    assert_eq!(app.db.suggestion_count().await.unwrap(), 2, "the edit is not lost");
    // A forged flood of photo tokens costs nothing and files nothing odd.
    let mut flood: Vec<(&str, &str)> = fields.clone();
    flood[6] = ("idempotency_key", "form-edit-2");
    flood.extend(std::iter::repeat_n(("photo", "0123456789abcdef0123456789abcdef"), 1000));
    let r = app.send(form_post(&flood)).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown photos are reported"
    );
    assert!(r.text.contains("name=\"photos\""), "back on the details step");
}

#[tokio::test]
async fn the_form_is_rate_limited_without_losing_the_text() {
    let app = common::app_with_quota(WriteQuota {
        burst: 1,
        period: Duration::from_secs(60),
    })
    .await;
    let fields = [
        ("step", "3"),
        ("action", "next"),
        ("category", "seating"),
        ("title", "我的长椅建议"),
    ];
    app.send(form_post(&fields)).await;
    let r = app.send(form_post(&fields)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(r.text.contains("提交太频繁"));
    assert!(r.text.contains("value=\"我的长椅建议\""));
}

#[tokio::test]
async fn the_support_button_pressed_too_often_is_answered_429() {
    let app = common::app().await;
    let code = app.send(post_json(&body(), None)).await.json()["receipt_code"]
        .as_str()
        .unwrap()
        .to_string();
    let press = || {
        Request::post(format!("/track/{code}/support"))
            .body(Body::empty())
            .unwrap()
    };
    let mut limited = None;
    for _ in 0..20 {
        let r = app.send(press()).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = limited.expect("a device-less flood of +1s is limited");
    let wait: u64 = r.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    let to = format!("/track/{code}?limited={wait}");
    assert!(r.text.contains(&format!("content=\"0;url={to}\"")), "{}", r.text);
    let page = app.get(&to).await;
    assert!(
        page.text.contains(&format!("请{wait}秒后再试")),
        "the tracking page says how long"
    );
}

#[tokio::test]
async fn a_filled_honeypot_is_refused() {
    let app = common::app().await;
    let r = app
        .send(form_post(&[
            ("step", "4"),
            ("action", "next"),
            ("category", "seating"),
            ("community", "test-a"),
            ("location_text", "甲路口"),
            ("title", "长椅"),
            ("website", "http://spam.example"),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = common::app().await;
    let mut req = post_json(&body(), None);
    req.headers_mut().insert(header::HOST, "linli.example".parse().unwrap());
    req.headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    let mut req = form_post(&[("step", "1")]);
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    // HTTP/2 has no Host header: the authority of the URI counts.
    let h2 = Request::post("http://linli.example/api/v1/suggestions")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, "http://linli.example")
        .body(Body::from(body().to_string()))
        .unwrap();
    assert_eq!(app.send(h2).await.status, StatusCode::CREATED);
    let mut same = post_json(&body(), None);
    same.headers_mut()
        .insert(header::HOST, "linli.example".parse().unwrap());
    same.headers_mut()
        .insert(header::ORIGIN, "https://linli.example".parse().unwrap());
    assert_eq!(app.send(same).await.status, StatusCode::CREATED);
    assert_eq!(app.db.suggestion_count().await.unwrap(), 2);
}

#[tokio::test]
async fn the_openapi_document_describes_suggestions() {
    let app = common::app().await;
    let doc = app.get("/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/suggestions"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/suggestions/{receipt_code}"]["get"].is_object());
    assert!(doc["components"]["schemas"]["SuggestionResponse"].is_object());
    let props = doc["components"]["schemas"]["SuggestionResponse"]["properties"]
        .as_object()
        .unwrap();
    assert!(
        !props.contains_key("contact_phone"),
        "no contact details in the public schema"
    );
}

/// Found by the database-away test on PostgreSQL: a connection that first
/// filed a suggestion without a position (a NULL `lat`) had its statement
/// prepared with an untyped parameter, and a later suggestion with a
/// position on the same connection failed (`incorrect binary data format
/// in bind parameter 8`, a 500). Alternating both through every pooled
/// connection must work.
#[tokio::test]
async fn suggestions_with_and_without_a_position_alternate_on_every_connection() {
    let app = common::app().await;
    let mut without = body();
    without["lat"] = Value::Null;
    without["lng"] = Value::Null;
    without["community"] = json!("test-a");
    for round in 0..24 {
        let sent = if round % 2 == 0 { &without } else { &body() };
        let r = app.send(post_json(sent, None)).await;
        assert_eq!(r.status, StatusCode::CREATED, "round {round}: {}", r.text);
    }
    // Concurrently too, so that several connections see both orders.
    let replies = futures::future::join_all((0..16).map(|i| {
        let sent = if i % 2 == 0 { without.clone() } else { body() };
        let app = &app;
        async move { app.send(post_json(&sent, None)).await }
    }))
    .await;
    for r in replies {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
}

/// The first wrong field of the form is where the cursor starts when it
/// comes back (`autofocus`, no JavaScript needed), marked `aria-invalid`
/// and described by its message.
#[tokio::test]
async fn a_form_with_mistakes_comes_back_with_the_cursor_in_the_first_wrong_field() {
    let app = common::app().await;
    let tag_of = |html: &str, id: &str| -> String {
        let at = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("#{id}"));
        let start = html[..at].rfind('<').unwrap();
        html[start..start + html[start..].find('>').unwrap()].to_string()
    };
    let r = app
        .send(form_post(&[
            ("step", "1"),
            ("action", "next"),
            ("idempotency_key", "focus-1"),
        ]))
        .await;
    let first = tag_of(&r.text, "category-first");
    assert!(first.contains("autofocus"), "{first}");
    assert_eq!(r.text.matches("autofocus").count(), 1);

    let long = "长".repeat(200);
    let r = app
        .send(form_post(&[
            ("step", "3"),
            ("action", "next"),
            ("category", "greenery"),
            ("community", "test-a"),
            ("title", &long),
            ("idempotency_key", "focus-1"),
        ]))
        .await;
    let title = tag_of(&r.text, "title");
    assert!(
        title.contains("autofocus")
            && title.contains(r#"aria-invalid="true""#)
            && title.contains(r#"aria-describedby="title-error""#),
        "{title}"
    );
    assert!(r.text.contains(r#"id="title-error""#));
    let description = tag_of(&r.text, "description");
    assert!(
        !description.contains("aria-invalid") && !description.contains("autofocus"),
        "{description}"
    );

    // Step 2 with no place: the community list, where it is put right.
    let r = app
        .send(form_post(&[
            ("step", "2"),
            ("action", "next"),
            ("category", "greenery"),
            ("idempotency_key", "focus-1"),
        ]))
        .await;
    let community = tag_of(&r.text, "community");
    assert!(
        community.contains("autofocus") && community.contains(r#"aria-invalid="true""#),
        "{community}"
    );

    // Sign-in: both fields marked (which was wrong is not told), the cursor in the first.
    let login = app.get("/login?error=1").await;
    let username = tag_of(&login.text, "username");
    let password = tag_of(&login.text, "password");
    assert!(
        username.contains("autofocus") && username.contains(r#"aria-describedby="login-error""#),
        "{username}"
    );
    assert!(
        password.contains(r#"aria-invalid="true""#) && !password.contains("autofocus"),
        "{password}"
    );
    assert!(!app.get("/login").await.text.contains("aria-invalid"));
}
