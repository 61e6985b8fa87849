//! The public API against the real router and a real SQLite file.

mod common;

use axum::http::StatusCode;
use serde_json::Value;

const ORIGIN: &str = "lat=30.64&lng=104.05";

fn ids(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn nearby_sorts_by_distance_within_fifteen_minutes() {
    let app = common::app().await;
    let r = app.get(&format!("/api/v1/facilities/nearby?{ORIGIN}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let v = r.json();
    assert_eq!(v["origin"]["lat"], 30.64);
    assert_eq!(v["minutes"], 15);
    // 15 min at 1.2 m/s reaches 831 m: 0, 111, 222, 556 and 778 m, not 1112 m.
    assert_eq!(
        ids(&v),
        ["零号食堂", "一号书屋", "二号投放点", "五号食堂", "七号回收站"]
    );
    let d: Vec<u64> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["distance_m"].as_u64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert!((105..=117).contains(&d[1]), "{d:?}");
    let first = &v["results"][0];
    assert_eq!(first["kind"], "meal");
    assert_eq!(first["walk_minutes"], 1);
    assert_eq!(first["open_now"], true);
    assert_eq!(first["address"], "甲路0号");
    // 778 m × 1.3 / 1.2 m/s = 14.05 min → 15.
    assert_eq!(v["results"][4]["walk_minutes"], 15);
}

#[tokio::test]
async fn filters_radius_pace_and_limit() {
    let app = common::app().await;
    let names = |q: String| {
        let app = &app;
        async move {
            let r = app.get(&format!("/api/v1/facilities/nearby?{ORIGIN}&{q}")).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text);
            ids(&r.json())
        }
    };
    assert_eq!(names("kind=meal".into()).await, ["零号食堂", "五号食堂"]);
    assert_eq!(names("kind=reading".into()).await, ["一号书屋"]);
    assert_eq!(names("kind=all".into()).await.len(), 5);
    // Elderly pace (0.9 m/s) reaches 623 m within 15 minutes.
    assert_eq!(names("pace=elderly".into()).await.len(), 4);
    assert_eq!(names("minutes=30".into()).await.len(), 6);
    assert_eq!(names("minutes=5".into()).await, ["零号食堂", "一号书屋", "二号投放点"]);
    assert_eq!(names("limit=2".into()).await, ["零号食堂", "一号书屋"]);
    assert_eq!(names("accepts=hazardous".into()).await, ["七号回收站"]);
    assert_eq!(names("kind=sorting&accepts=food".into()).await, ["二号投放点"]);
    assert_eq!(names("kind=meal&accepts=food".into()).await, ["零号食堂", "五号食堂"]);
    // The far reading room (6.7 km) is beyond even 60 minutes (3.3 km).
    assert_eq!(names("limit=100&minutes=60".into()).await.len(), 6);
}

#[tokio::test]
async fn english_names_follow_accept_language() {
    let app = common::app().await;
    let r = app
        .get_with(
            &format!("/api/v1/facilities/nearby?{ORIGIN}&limit=3"),
            ("accept-language", "en-US,en;q=0.9"),
        )
        .await;
    let v = r.json();
    assert_eq!(ids(&v), ["Canteen Zero", "Reading Room One", "Sorting Point Two"]);
    assert_eq!(v["results"][0]["address"], "0 A Road");
    // No English address: the Chinese one is given rather than nothing.
    assert_eq!(v["results"][1]["address"], "甲路1号");
}

#[tokio::test]
async fn nothing_inside_the_radius_is_an_empty_list() {
    let app = common::app().await;
    let r = app.get("/api/v1/facilities/nearby?lat=31.5&lng=104.05").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["results"], serde_json::json!([]));
}

#[tokio::test]
async fn every_bad_parameter_is_a_json_400() {
    let app = common::app().await;
    let cases = [
        ("lng=104.05", "missing_lat"),
        ("lat=30.64", "missing_lng"),
        ("lat=&lng=104.05", "missing_lat"),
        ("lat=abc&lng=104.05", "invalid_lat"),
        ("lat=90.5&lng=104.05", "invalid_lat"),
        ("lat=NaN&lng=104.05", "invalid_lat"),
        ("lat=30.64&lng=inf", "invalid_lng"),
        ("lat=30.64&lng=-181", "invalid_lng"),
        ("lat=30.64&lng=104.05&kind=hospital", "invalid_kind"),
        ("lat=30.64&lng=104.05&minutes=0", "invalid_minutes"),
        ("lat=30.64&lng=104.05&minutes=61", "invalid_minutes"),
        ("lat=30.64&lng=104.05&minutes=ten", "invalid_minutes"),
        ("lat=30.64&lng=104.05&pace=sprint", "invalid_pace"),
        ("lat=30.64&lng=104.05&limit=0", "invalid_limit"),
        ("lat=30.64&lng=104.05&limit=101", "invalid_limit"),
        ("lat=30.64&lng=104.05&limit=-5", "invalid_limit"),
        ("lat=30.64&lng=104.05&accepts=glass", "invalid_accepts"),
        ("lat=30.64&lat=31&lng=104.05", "invalid_query"),
        ("lat=%FF&lng=104.05", "invalid_lat"),
        ("", "missing_lat"),
    ];
    for (query, code) in cases {
        let r = app.get(&format!("/api/v1/facilities/nearby?{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.text);
        let v = r.json();
        assert_eq!(v["error"]["code"], code, "{query}: {}", r.text);
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn facility_by_id_with_hours_and_services() {
    let app = common::app().await;
    let list = app
        .get(&format!("/api/v1/facilities/nearby?{ORIGIN}&limit=1"))
        .await
        .json();
    let id = list["results"][0]["id"].as_i64().unwrap();
    let r = app.get(&format!("/api/v1/facilities/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["name_zh"], "零号食堂");
    assert_eq!(v["phone"], "028-85550000");
    assert_eq!(v["community"], "test-a");
    assert_eq!(v["hours"]["text"], "Mo-Su 00:00-24:00");
    assert_eq!(v["hours"]["week"]["Mo"], serde_json::json!(["00:00-24:00"]));
    assert_eq!(v["services"]["meal"]["price_60"], 12.0);
    assert_eq!(v["services"]["meal"]["delivery"], true);

    let r = app.get("/api/v1/facilities/999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = app.get("/api/v1/facilities/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["code"], "invalid_id");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = common::app().await;
    let r = app.get("/api/v1/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    let r = app
        .send(
            axum::http::Request::post("/api/v1/facilities/nearby")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn openapi_describes_the_routes() {
    let app = common::app().await;
    let v = app.get("/api/v1/openapi.json").await.json();
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    let nearby = &v["paths"]["/api/v1/facilities/nearby"]["get"];
    let params: Vec<&str> = nearby["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in ["lat", "lng", "kind", "minutes", "pace", "limit"] {
        assert!(params.contains(&p), "{p} missing from {params:?}");
    }
    assert!(nearby["responses"]["400"].is_object());
    assert!(v["paths"]["/api/v1/facilities/{id}"]["get"]["responses"]["404"].is_object());
    assert!(v["components"]["schemas"]["NearbyResponse"].is_object());
    // Any query can be malformed (a value of the wrong type, a field given
    // twice), and ApiQuery answers 400: every operation that reads one
    // must say so, or schemathesis finds the gap by chance (it did once).
    for (path, item) in v["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let reads_query = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            if reads_query {
                assert!(
                    op["responses"]["400"].is_object(),
                    "{method} {path} does not document 400"
                );
            }
        }
    }
    let twice = app.get("/api/v1/residences?community=a&community=b").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert_eq!(twice.json()["error"]["code"], "invalid_query");
}

#[tokio::test]
async fn health_reports_the_catalogue() {
    let app = common::app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["facilities"], 7);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = common::app().await;
    let body = "lang=en&next=/".to_string() + &"x".repeat(server::state::BODY_LIMIT_BYTES + 1);
    let r = app
        .send(
            axum::http::Request::post("/prefs")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}
