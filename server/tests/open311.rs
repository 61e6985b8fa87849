//! Open311 GeoReport v2 through the real router, on whichever database the
//! tests run on: every endpoint in JSON and in XML (read back by a parser
//! into typed records), every filter, every error, the status mapping, and
//! that nothing private ever leaves.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

use app::domain::review::Role;
use app::domain::suggestion::Category;
use app::server::photos::samples::jpeg;
use common::{csrf, form, multipart, sign_in, user, Reply, TestApp};

const PHONE: &str = "13912345678";
const NAME: &str = "王阿姨";
const NOTE: &str = "内部备注：物业电话";
const HOST: &str = "linli.example";

async fn file(app: &TestApp, category: &str, title: &str, at: (f64, f64)) -> String {
    let r = app
        .send(
            Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"category": category, "title": title, "lat": at.0, "lng": at.1,
                           "description": "晚上太暗", "location_text": "甲路口",
                           "contact_name": NAME, "contact_phone": PHONE})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["receipt_code"].as_str().unwrap().to_string()
}

/// A suggestion with a photo, the photo's public URL path.
async fn file_with_photo(app: &TestApp) -> (String, String) {
    let (ct, body) = multipart(
        &[
            ("category", "seating"),
            ("title", "缺少座椅"),
            ("community", "test-b"),
            ("location_text", "乙路"),
            ("contact_phone", PHONE),
        ],
        &[("photos", "p.jpg", jpeg(40, 30))],
    );
    let created = app
        .send(
            Request::post("/api/v1/suggestions")
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .json();
    (
        created["receipt_code"].as_str().unwrap().to_string(),
        created["photos"][0]["url"].as_str().unwrap().to_string(),
    )
}

struct World {
    app: TestApp,
    cookie: String,
    token: String,
    /// test-a: lighting, accepted with a public reply and an internal note.
    accepted: String,
    /// test-a: lighting, declined.
    declined: String,
    /// test-b: seating with a photo, no position.
    pictured: String,
    photo: String,
}

async fn world() -> World {
    let app = common::app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let accepted = file(&app, "lighting", "路灯不亮", (30.6401, 104.0501)).await;
    let declined = file(&app, "lighting", "想加一盏灯", (30.6420, 104.0500)).await;
    let (pictured, photo) = file_with_photo(&app).await;
    let cookie = sign_in(&app, "member-a").await;
    let token = csrf(&app, &cookie).await;
    let w = World {
        app,
        cookie,
        token,
        accepted,
        declined,
        pictured,
        photo,
    };
    w.act(
        &w.accepted,
        "status",
        &[("to", "accepted"), ("reply", "已纳入本月维修计划。")],
    )
    .await;
    w.act(&w.accepted, "note", &[("note", NOTE)]).await;
    w.act(
        &w.declined,
        "status",
        &[("to", "declined"), ("reply", "这里已有两盏灯。")],
    )
    .await;
    w
}

impl World {
    async fn act(&self, code: &str, action: &str, fields: &[(&str, &str)]) {
        let mut all = fields.to_vec();
        all.push(("csrf", &self.token));
        let r = self
            .app
            .send(form(&format!("/review/s/{code}/{action}"), Some(&self.cookie), &all))
            .await;
        assert_eq!(
            r.headers[header::LOCATION],
            format!("/review/s/{code}?done=1"),
            "{action}"
        );
    }

    /// As a client addressing the server by name sees it.
    async fn json(&self, uri: &str) -> Value {
        let r = self.app.get_with(uri, ("host", HOST)).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/json; charset=utf-8");
        r.json()
    }

    async fn xml(&self, uri: &str) -> String {
        let r = self.app.get_with(uri, ("host", HOST)).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text);
        assert_eq!(r.headers[header::CONTENT_TYPE], "text/xml; charset=utf-8");
        assert!(r.text.starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#));
        r.text
    }

    /// The receipt codes a listing answers, in order.
    async fn ids(&self, query: &str) -> Vec<String> {
        let list = self.json(&format!("/open311/v2/requests.json{query}")).await;
        let json: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_string())
            .collect();
        // The XML answer holds the same requests.
        let xml: XmlRequests = quick_xml::de::from_str(&self.xml(&format!("/open311/v2/requests.xml{query}")).await)
            .expect("well-formed XML of requests");
        let xml: Vec<String> = xml.request.into_iter().map(|r| r.service_request_id).collect();
        assert_eq!(json, xml, "{query}");
        json
    }
}

#[derive(Debug, Deserialize)]
struct XmlRequests {
    #[serde(default)]
    request: Vec<XmlRequest>,
}

#[derive(Debug, Deserialize)]
struct XmlRequest {
    service_request_id: String,
    status: String,
    status_notes: Option<String>,
    service_code: String,
    service_name: String,
    description: String,
    agency_responsible: String,
    requested_datetime: String,
    lat: Option<String>,
    long: Option<String>,
    media_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct XmlFilings {
    request: Vec<XmlFiled>,
}

#[derive(Debug, Deserialize)]
struct XmlFiled {
    service_request_id: String,
    service_notice: String,
}

#[derive(Debug, Deserialize)]
struct XmlServices {
    service: Vec<XmlService>,
}

#[derive(Debug, Deserialize)]
struct XmlService {
    service_code: String,
    service_name: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
struct XmlErrors {
    error: Vec<XmlError>,
}

#[derive(Debug, Deserialize)]
struct XmlError {
    code: u16,
    description: String,
}

fn json_error(r: &Reply, status: StatusCode) -> String {
    assert_eq!(r.status, status, "{}", r.text);
    let body = r.json();
    assert_eq!(body[0]["code"], status.as_u16(), "{body}");
    body[0]["description"].as_str().unwrap().to_string()
}

fn xml_error(r: &Reply, status: StatusCode) -> String {
    assert_eq!(r.status, status, "{}", r.text);
    let errors: XmlErrors = quick_xml::de::from_str(&r.text).expect("an <errors> document");
    assert_eq!(errors.error[0].code, status.as_u16());
    errors.error[0].description.clone()
}

#[tokio::test]
async fn discovery_and_services_are_there_in_both_formats() {
    let w = world().await;
    let discovery = w.json("/open311/v2/discovery.json").await;
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], "http://linli.example/open311/v2");
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    for field in ["changeset", "contact", "key_service"] {
        assert!(discovery[field].as_str().is_some_and(|s| !s.is_empty()), "{field}");
    }
    let xml = w.xml("/open311/v2/discovery.xml").await;
    assert!(xml.contains("<discovery><") && xml.contains("<formats><format>text/xml</format>"));

    let codes: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let services = w.json("/open311/v2/services.json").await;
    let listed: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert_eq!(listed, codes);
    assert_eq!(services[1]["service_name"], "照明");
    assert_eq!(services[1]["metadata"], true);
    assert_eq!(services[1]["type"], "realtime");
    let english = w
        .app
        .get_with("/open311/v2/services.json", ("accept-language", "en"))
        .await
        .json();
    assert_eq!(english[1]["service_name"], "Lighting");
    let xml: XmlServices = quick_xml::de::from_str(&w.xml("/open311/v2/services.xml").await).unwrap();
    assert_eq!(
        xml.service.iter().map(|s| s.service_code.as_str()).collect::<Vec<_>>(),
        codes
    );
    assert!(xml
        .service
        .iter()
        .all(|s| s.metadata && s.kind == "realtime" && !s.service_name.is_empty()));

    let definition = w.json("/open311/v2/services/lighting.json").await;
    assert_eq!(definition["service_code"], "lighting");
    let title = &definition["attributes"][0];
    assert_eq!(
        (
            &title["code"],
            &title["datatype"],
            &title["required"],
            &title["variable"],
            &title["order"]
        ),
        (
            &json!("title"),
            &json!("string"),
            &json!(false),
            &json!(true),
            &json!(1)
        )
    );
    let xml = w.xml("/open311/v2/services/lighting.xml").await;
    assert!(xml.contains("<service_code>lighting</service_code>") && xml.contains("<attributes><attribute><"));

    // What is not there is a 404, in the format asked for.
    assert!(json_error(
        &w.app.get("/open311/v2/services/potholes.json").await,
        StatusCode::NOT_FOUND
    )
    .contains("potholes"));
    xml_error(
        &w.app.get("/open311/v2/services/potholes.xml").await,
        StatusCode::NOT_FOUND,
    );
    xml_error(&w.app.get("/open311/v2/nothing.xml").await, StatusCode::NOT_FOUND);
    json_error(&w.app.get("/open311/v2/services.html").await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_carry_public_fields_and_the_status_mapping() {
    let w = world().await;
    let list = w.json("/open311/v2/requests.json").await;
    let list = list.as_array().unwrap();
    // Newest first.
    let ids: Vec<&str> = list.iter().map(|r| r["service_request_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [w.pictured.as_str(), w.declined.as_str(), w.accepted.as_str()]);
    let accepted = &list[2];
    let mut keys: Vec<&str> = accepted.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "address",
            "address_id",
            "agency_responsible",
            "description",
            "expected_datetime",
            "lat",
            "long",
            "media_url",
            "requested_datetime",
            "service_code",
            "service_name",
            "service_notice",
            "service_request_id",
            "status",
            "status_notes",
            "updated_datetime",
            "zipcode"
        ]
    );
    assert_eq!(accepted["status"], "open");
    assert_eq!(accepted["status_notes"], "已纳入本月维修计划。");
    assert_eq!(accepted["service_code"], "lighting");
    assert_eq!(accepted["description"], "路灯不亮\n\n晚上太暗");
    assert_eq!(accepted["address"], "甲路口");
    assert_eq!(accepted["agency_responsible"], "甲街道居民委员会");
    assert_eq!(
        (accepted["lat"].as_f64(), accepted["long"].as_f64()),
        (Some(30.6401), Some(104.0501))
    );
    assert!(accepted["requested_datetime"].as_str().unwrap().ends_with("+08:00"));
    assert!(accepted["updated_datetime"].as_str().unwrap() >= accepted["requested_datetime"].as_str().unwrap());
    assert_eq!(accepted["media_url"], Value::Null);
    assert_eq!(list[1]["status"], "closed");
    assert_eq!(list[1]["status_notes"], "这里已有两盏灯。");
    // The photo by its whole public address; no position, so no lat/long.
    let pictured = &list[0];
    assert_eq!((&pictured["lat"], &pictured["long"]), (&Value::Null, &Value::Null));
    let media = pictured["media_url"].as_str().unwrap();
    assert_eq!(media, format!("http://{HOST}{}", w.photo));
    assert_eq!(w.app.get(&w.photo).await.status, StatusCode::OK);

    // The same in XML, read by a parser.
    let xml: XmlRequests = quick_xml::de::from_str(&w.xml("/open311/v2/requests.xml").await).unwrap();
    let a = &xml.request[2];
    assert_eq!(
        (a.service_request_id.as_str(), a.status.as_str()),
        (w.accepted.as_str(), "open")
    );
    assert_eq!(a.status_notes.as_deref(), Some("已纳入本月维修计划。"));
    assert_eq!((a.service_code.as_str(), a.service_name.as_str()), ("lighting", "照明"));
    assert_eq!(a.description, "路灯不亮\n\n晚上太暗");
    assert_eq!(a.agency_responsible, "甲街道居民委员会");
    assert_eq!(a.requested_datetime, accepted["requested_datetime"].as_str().unwrap());
    assert_eq!(
        (a.lat.as_deref(), a.long.as_deref()),
        (Some("30.6401"), Some("104.0501"))
    );
    assert_eq!(xml.request[1].status, "closed");
    assert_eq!(xml.request[0].media_url.as_deref(), Some(media));
    assert_eq!(xml.request[0].lat.as_deref().unwrap_or(""), "");

    // One request: a list of one, as the specification shows it.
    let one = w.json(&format!("/open311/v2/requests/{}.json", w.accepted)).await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0], list[2]);
    let lower = w
        .json(&format!("/open311/v2/requests/{}.json", w.accepted.to_lowercase()))
        .await;
    assert_eq!(lower[0]["service_request_id"], w.accepted.as_str());
    let xml: XmlRequests =
        quick_xml::de::from_str(&w.xml(&format!("/open311/v2/requests/{}.xml", w.declined)).await).unwrap();
    assert_eq!(xml.request.len(), 1);
    assert_eq!(xml.request[0].status, "closed");
    json_error(
        &w.app.get("/open311/v2/requests/WH-2222.json").await,
        StatusCode::NOT_FOUND,
    );
    xml_error(
        &w.app.get("/open311/v2/requests/not-a-code!.xml").await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn every_filter_narrows_the_listing() {
    let w = world().await;
    let (a, d, p) = (w.accepted.as_str(), w.declined.as_str(), w.pictured.as_str());
    assert_eq!(w.ids("?status=open").await, [p, a]);
    assert_eq!(w.ids("?status=closed").await, [d]);
    assert_eq!(w.ids("?status=open,closed").await, [p, d, a]);
    assert_eq!(w.ids("?service_code=seating").await, [p]);
    assert_eq!(w.ids("?service_code=seating,lighting").await, [p, d, a]);
    assert_eq!(w.ids("?jurisdiction_id=test-b").await, [p]);
    assert_eq!(w.ids("?jurisdiction_id=test-a&status=open").await, [a]);
    // An empty parameter is the same as none.
    assert_eq!(w.ids("?jurisdiction_id=&status=").await, [p, d, a]);
    // Within 100 m of the first one; the second is 200 m north.
    assert_eq!(w.ids("?lat=30.6401&long=104.0501&radius=100").await, [a]);
    assert_eq!(w.ids("?lat=30.6401&long=104.0501&radius=300").await, [d, a]);
    // Naming requests overrides every other parameter; unknown ones are left out.
    assert_eq!(
        w.ids(&format!(
            "?service_request_id={a},{p},WH-2222&jurisdiction_id=test-b&status=closed"
        ))
        .await,
        [a, p]
    );
    // Dates: the future holds nothing, a range around now holds them all.
    let now = chrono::Utc::now();
    let day = chrono::Duration::days(1);
    let tomorrow = (now + day).to_rfc3339();
    assert!(w.ids(&format!("?start_date={}", urlencode(&tomorrow))).await.is_empty());
    let range = format!(
        "?start_date={}&end_date={}",
        urlencode(&(now - day).to_rfc3339()),
        urlencode(&tomorrow)
    );
    assert_eq!(w.ids(&range).await, [p, d, a]);
    assert!(w.ids("?end_date=2020-01-01").await.is_empty());
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn bad_parameters_are_refused_as_the_specification_shows() {
    let w = world().await;
    for (query, word) in [
        ("start_date=yesterday", "start_date"),
        ("start_date=2026-01-01&end_date=2026-12-01", "90 days"),
        ("start_date=2026-12-01&end_date=2026-11-01", "before"),
        ("status=pending", "status"),
        ("service_code=potholes", "potholes"),
        ("lat=30.6", "together"),
        ("lat=30.6&long=104&radius=-5", "radius"),
        ("lat=north&long=104", "lat"),
    ] {
        let json = json_error(
            &w.app.get(&format!("/open311/v2/requests.json?{query}")).await,
            StatusCode::BAD_REQUEST,
        );
        assert!(json.contains(word), "{query}: {json}");
        let xml = xml_error(
            &w.app.get(&format!("/open311/v2/requests.xml?{query}")).await,
            StatusCode::BAD_REQUEST,
        );
        assert_eq!(xml, json);
    }
    let r = w.app.get("/open311/v2/requests.xml?jurisdiction_id=nowhere").await;
    assert!(xml_error(&r, StatusCode::NOT_FOUND).contains("nowhere"));
}

#[tokio::test]
async fn nothing_private_leaves_and_hidden_suggestions_are_absent() {
    let w = world().await;
    w.act(&w.declined, "hide", &[("hidden", "1"), ("reason", "重复提交")])
        .await;
    let mut answers = Vec::new();
    for format in ["json", "xml"] {
        for path in [
            format!("requests.{format}"),
            format!(
                "requests.{format}?service_request_id={},{},{}",
                w.accepted, w.declined, w.pictured
            ),
            format!("requests/{}.{format}", w.accepted),
            format!("requests/{}.{format}", w.pictured),
            format!("services.{format}"),
            format!("discovery.{format}"),
        ] {
            let r = w.app.get(&format!("/open311/v2/{path}")).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            answers.push((path, r.text));
        }
        let hidden = w
            .app
            .get(&format!("/open311/v2/requests/{}.{format}", w.declined))
            .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    }
    for (path, text) in &answers {
        for private in [PHONE, NAME, NOTE, "重复提交", "member-a"] {
            assert!(!text.contains(private), "{path} holds {private}");
        }
        assert!(!text.contains(&w.declined), "{path} holds the hidden suggestion");
    }
    assert_eq!(w.ids("").await, [w.pictured.as_str(), w.accepted.as_str()]);
}

#[tokio::test]
async fn a_hidden_photo_is_not_the_media_url() {
    let w = world().await;
    let first = w.json(&format!("/open311/v2/requests/{}.json", w.pictured)).await;
    assert!(first[0]["media_url"].as_str().is_some());
    user(&w.app, "member-b", Role::Committee, Some("test-b")).await;
    let cookie = sign_in(&w.app, "member-b").await;
    let token = csrf(&w.app, &cookie).await;
    let r = w
        .app
        .send(form(
            &format!("/review/s/{}/photos/0/hide", w.pictured),
            Some(&cookie),
            &[("hidden", "1"), ("reason", "拍到了行人的脸"), ("csrf", &token)],
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], format!("/review/s/{}?done=1", w.pictured));
    let after = w.json(&format!("/open311/v2/requests/{}.json", w.pictured)).await;
    assert_eq!(after[0]["media_url"], Value::Null);
}

async fn key(app: &TestApp, name: &str, community: Option<&str>, per_minute: u32) -> String {
    server::keys::create(&app.db, name, community, per_minute)
        .await
        .unwrap()
}

async fn post(app: &TestApp, format: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(
        Request::post(format!("/open311/v2/requests.{format}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, HOST)
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

async fn count(app: &TestApp) -> usize {
    app.get("/open311/v2/requests.json")
        .await
        .json()
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_city_system_files_and_the_committee_sees_it_from_that_key() {
    let w = world().await;
    let k = key(&w.app, "city-hotline", None, 60).await;
    let r = post(
        &w.app,
        "json",
        &[
            ("api_key", k.as_str()),
            ("service_code", "lighting"),
            ("lat", "30.6405"),
            ("long", "104.0502"),
            ("description", "路口的灯坏了\n晚上很暗，老人看不清台阶"),
            ("first_name", "王"),
            ("last_name", "阿姨"),
            ("phone", PHONE),
            ("email", "wang@example.cn"),
            ("media_url", "https://city.example/p/1.jpg"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let answer = r.json();
    let code = answer[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(answer[0]["service_notice"]
        .as_str()
        .unwrap()
        .contains(&format!("http://{HOST}/track/{code}")));
    // The public read: open, the first line as its title, nothing private.
    let public = w.json(&format!("/open311/v2/requests/{code}.json")).await;
    assert_eq!(public[0]["status"], "open");
    assert_eq!(public[0]["service_code"], "lighting");
    assert_eq!(
        public[0]["description"],
        "路口的灯坏了\n\n路口的灯坏了\n晚上很暗，老人看不清台阶"
    );
    assert_eq!(public[0]["agency_responsible"], "甲街道居民委员会");
    let text = public.to_string();
    for private in [PHONE, "wang@example.cn", "city.example", "阿姨", "city-hotline"] {
        assert!(!text.contains(private), "{private}");
    }
    // The committee's inbox has it; its page says where it came from and
    // holds the contact and what has no field of its own.
    let inbox = w.app.send(common::get("/review", Some(&w.cookie))).await.text;
    assert!(inbox.contains(&code));
    let page = w
        .app
        .send(common::get(&format!("/review/s/{code}"), Some(&w.cookie)))
        .await
        .text;
    assert!(
        page.contains("Open311") && page.contains("city-hotline"),
        "the source is shown"
    );
    for detail in [PHONE, "王 阿姨", "wang@example.cn", "https://city.example/p/1.jpg"] {
        assert!(page.contains(detail), "{detail} is shown to the committee");
    }

    // XML, with a title of its own and a place in words.
    let r = post(
        &w.app,
        "xml",
        &[
            ("api_key", k.as_str()),
            ("service_code", "seating"),
            ("jurisdiction_id", "test-b"),
            ("address_string", "乙路3号门口"),
            ("attribute[title]", "门口需要一条长椅"),
            ("description", "等公交的老人没地方坐"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/xml; charset=utf-8");
    let filed: XmlFilings = quick_xml::de::from_str(&r.text).expect("a <service_requests> answer");
    let code = &filed.request[0].service_request_id;
    assert!(filed.request[0].service_notice.contains(&format!("/track/{code}")));
    let public = w.app.get(&format!("/api/v1/suggestions/{code}")).await.json();
    assert_eq!(
        (&public["title"], &public["location_text"], &public["community"]),
        (&json!("门口需要一条长椅"), &json!("乙路3号门口"), &json!("test-b"))
    );
}

#[tokio::test]
async fn keys_are_checked_scoped_and_revoked_at_once() {
    let w = world().await;
    let before = count(&w.app).await;
    let in_a = [
        ("service_code", "lighting"),
        ("lat", "30.6405"),
        ("long", "104.0502"),
        ("description", "灯不亮"),
    ];
    let with = |key: &str| {
        let mut f = vec![("api_key", key.to_string())];
        f.extend(in_a.iter().map(|(k, v)| (*k, v.to_string())));
        f
    };
    let send = |fields: Vec<(&'static str, String)>, format: &'static str| {
        let app = &w.app;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(app, format, &refs).await
        }
    };
    // No key, a made-up key: 403, in the format asked for.
    let r = send(in_a.iter().map(|(k, v)| (*k, v.to_string())).collect(), "json").await;
    assert!(json_error(&r, StatusCode::FORBIDDEN).contains("api_key"));
    let r = send(
        with("linli_0000000000000000000000000000000000000000000000000000000000000000"),
        "xml",
    )
    .await;
    xml_error(&r, StatusCode::FORBIDDEN);
    // A key of test-b files only there.
    let b = key(&w.app, "b-app", Some("test-b"), 60).await;
    let r = send(with(&b), "json").await;
    assert!(json_error(&r, StatusCode::FORBIDDEN).contains("test-b"));
    let r = send(
        vec![
            ("api_key", b.clone()),
            ("service_code", "greenery".into()),
            ("address_string", "乙路花坛".into()),
            ("description", "花坛没人管".into()),
        ],
        "json",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let code = r.json()[0]["service_request_id"].as_str().unwrap().to_string();
    assert_eq!(
        w.app.get(&format!("/api/v1/suggestions/{code}")).await.json()["community"],
        "test-b"
    );
    // Revoked: refused from the next request on.
    let all = key(&w.app, "all", None, 60).await;
    assert_eq!(send(with(&all), "json").await.status, StatusCode::OK);
    assert!(w.app.db.revoke_api_key("all").await.unwrap());
    json_error(&send(with(&all), "json").await, StatusCode::FORBIDDEN);
    // Only the two accepted filings were stored.
    assert_eq!(count(&w.app).await, before + 2);
}

#[tokio::test]
async fn bad_filings_are_refused_field_by_field_and_store_nothing() {
    let w = world().await;
    let k = key(&w.app, "city", None, 1000).await;
    let before = count(&w.app).await;
    let long = "很".repeat(2001);
    for (fields, status, word) in [
        (
            vec![("lat", "30.6405"), ("long", "104.0502")],
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            vec![("service_code", "potholes"), ("lat", "30.6405"), ("long", "104.0502")],
            StatusCode::NOT_FOUND,
            "potholes",
        ),
        (
            vec![
                ("service_code", "play"),
                ("jurisdiction_id", "nowhere"),
                ("address_string", "x路"),
            ],
            StatusCode::NOT_FOUND,
            "nowhere",
        ),
        (
            vec![("service_code", "play"), ("lat", "30.6405")],
            StatusCode::BAD_REQUEST,
            "together",
        ),
        (
            vec![("service_code", "play"), ("description", "没有位置")],
            StatusCode::BAD_REQUEST,
            "location",
        ),
        (
            vec![("service_code", "play"), ("address_string", "甲路")],
            StatusCode::BAD_REQUEST,
            "jurisdiction_id",
        ),
        (
            vec![
                ("service_code", "play"),
                ("lat", "0"),
                ("long", "0"),
                ("description", "很远"),
            ],
            StatusCode::BAD_REQUEST,
            "outside",
        ),
        (
            vec![
                ("service_code", "play"),
                ("lat", "30.6405"),
                ("long", "104.0502"),
                ("description", long.as_str()),
            ],
            StatusCode::BAD_REQUEST,
            "description: at most 2000",
        ),
        (
            vec![
                ("service_code", "play"),
                ("lat", "30.6405"),
                ("long", "104.0502"),
                ("description", "秋千坏了"),
                ("phone", "call me"),
            ],
            StatusCode::BAD_REQUEST,
            "phone",
        ),
    ] {
        let mut all = vec![("api_key", k.as_str())];
        all.extend(fields.iter().copied());
        let r = post(&w.app, "json", &all).await;
        let said = json_error(&r, status);
        assert!(said.contains(word), "{fields:?}: {said}");
        let r = post(&w.app, "xml", &all).await;
        xml_error(&r, status);
    }
    // A JSON body is not what the specification sends.
    let r = w
        .app
        .send(
            Request::post("/open311/v2/requests.json")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({"api_key": k, "service_code": "play"}).to_string()))
                .unwrap(),
        )
        .await;
    assert!(json_error(&r, StatusCode::BAD_REQUEST).contains("form-encoded"));
    assert_eq!(count(&w.app).await, before);
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit() {
    let w = world().await;
    let slow = key(&w.app, "slow", None, 2).await;
    let other = key(&w.app, "other", None, 60).await;
    let file = |k: &str| {
        let k = k.to_string();
        let app = &w.app;
        async move {
            post(
                app,
                "json",
                &[
                    ("api_key", k.as_str()),
                    ("service_code", "play"),
                    ("lat", "30.6405"),
                    ("long", "104.0502"),
                    ("description", "秋千坏了"),
                ],
            )
            .await
        }
    };
    assert_eq!(file(&slow).await.status, StatusCode::OK);
    assert_eq!(file(&slow).await.status, StatusCode::OK);
    let r = file(&slow).await;
    assert!(json_error(&r, StatusCode::TOO_MANY_REQUESTS).contains("retry after"));
    let wait: u64 = r.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another key is not slowed by it.
    assert_eq!(file(&other).await.status, StatusCode::OK);
}

#[tokio::test]
async fn admins_see_the_keys_and_revoke_them_in_the_browser() {
    let w = world().await;
    let k = key(&w.app, "city-hotline", None, 30).await;
    key(&w.app, "b-app", Some("test-b"), 60).await;
    let filing = [
        ("service_code", "play"),
        ("lat", "30.6405"),
        ("long", "104.0502"),
        ("description", "秋千坏了"),
    ];
    let with_key = |k: &str| {
        let mut f = vec![("api_key", k.to_string())];
        f.extend(filing.iter().map(|(a, b)| (*a, b.to_string())));
        f
    };
    let fields = with_key(&k);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (*a, b.as_str())).collect();
    assert_eq!(post(&w.app, "json", &refs).await.status, StatusCode::OK);

    user(&w.app, "chief", Role::Admin, None).await;
    let admin = sign_in(&w.app, "chief").await;
    let token = csrf(&w.app, &admin).await;
    let page = w.app.send(common::get("/review/accounts", Some(&admin))).await.text;
    for shown in ["city-hotline", "b-app", "test-b", "每分钟最多 30 次", "最近使用"] {
        assert!(page.contains(shown), "{shown} on the admin page");
    }
    assert!(!page.contains(&k), "the key itself is never shown");
    // A committee member may not revoke, even with a valid form.
    let r = w
        .app
        .send(form(
            "/review/api-keys/city-hotline/revoke",
            Some(&w.cookie),
            &[("csrf", &w.token)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(post(&w.app, "json", &refs).await.status, StatusCode::OK);
    // Without the form's token, refused too.
    let r = w
        .app
        .send(form("/review/api-keys/city-hotline/revoke", Some(&admin), &[]))
        .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    let r = w
        .app
        .send(form(
            "/review/api-keys/city-hotline/revoke",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(
        r.headers[header::LOCATION],
        "/review/accounts?done=revoked&who=city%2Dhotline"
    );
    json_error(&post(&w.app, "json", &refs).await, StatusCode::FORBIDDEN);
    let page = w
        .app
        .send(common::get(
            "/review/accounts?done=revoked&who=city-hotline",
            Some(&admin),
        ))
        .await
        .text;
    assert!(page.contains("已于") && page.contains("密钥 city-hotline 已停用"));
    let again = w
        .app
        .send(form(
            "/review/api-keys/city-hotline/revoke",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}
