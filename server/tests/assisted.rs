//! Filing for a resident who phoned or came in, on the real router and
//! database: the slip with the receipt code, the mark in the committee's
//! view and audit trail, the contact kept private, one suggestion for a
//! resent form, mistakes named, and no filing without a session or token.

mod common;

use axum::http::{header, StatusCode};

use app::domain::review::Role;
use app::domain::suggestion::{ReceiptCode, Source};
use common::{csrf, form, get, marked_wrong, sign_in, tag_of, user, Reply, TestApp};

async fn member(app: &TestApp) -> (String, String) {
    user(app, "member-a", Role::Committee, Some("test-a")).await;
    let cookie = sign_in(app, "member-a").await;
    let token = csrf(app, &cookie).await;
    (cookie, token)
}

async fn file(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Reply {
    let mut req = form("/review/new", Some(cookie), fields);
    req.headers_mut().insert(header::HOST, "linli.example".parse().unwrap());
    app.send(req).await
}

fn code_on(slip: &Reply) -> ReceiptCode {
    let at = slip
        .text
        .find("id=\"slip-code\"")
        .unwrap_or_else(|| panic!("no slip: {}", slip.text));
    let start = at + slip.text[at..].find('>').unwrap() + 1;
    let end = start + slip.text[start..].find('<').unwrap();
    ReceiptCode::parse(&slip.text[start..end]).expect("a receipt code")
}

#[tokio::test]
async fn a_member_files_for_a_resident_who_phoned_and_prints_the_slip() {
    let app = common::app().await;
    let (cookie, token) = member(&app).await;
    let page = app.send(get("/review/new", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    let key_at = page.text.find("name=\"key\" value=\"").unwrap() + 18;
    let key = page.text[key_at..key_at + 32].to_string();
    let fields = [
        ("csrf", token.as_str()),
        ("key", key.as_str()),
        ("channel", "phone"),
        ("category", "seating"),
        ("title", "公交站旁加一张长椅"),
        ("description", "老人等车时没有地方坐。"),
        ("location_text", "甲路5号公交站"),
        ("coords", "30.6450, 104.0500"),
        ("contact_name", "王奶奶"),
        ("contact_phone", "13800138000"),
        ("consent", "1"),
    ];
    let slip = file(&app, &cookie, &fields).await;
    assert_eq!(slip.status, StatusCode::OK, "{}", slip.text);
    let code = code_on(&slip);
    assert!(slip.text.contains(&format!("http://linli.example/track/{code}")));
    assert!(slip.text.contains("print-button"), "a button to print it");

    // Resent (a reload of the answer): the same suggestion, not a second.
    let again = file(&app, &cookie, &fields).await;
    assert_eq!(code_on(&again), code);

    // The committee sees it marked, with who filed it, and the contact.
    let detail = app.send(get(&format!("/review/s/{code}"), Some(&cookie))).await;
    assert!(detail.text.contains("id=\"assisted\""));
    assert!(detail.text.contains("由 member-a 代居民登记（电话）"));
    assert!(detail.text.contains("13800138000"));
    let reviewed = app.db.reviewed_suggestion(&code).await.unwrap().unwrap();
    assert_eq!(
        (reviewed.source, reviewed.filed_by.as_deref()),
        (Source::Phone, Some("member-a"))
    );
    assert_eq!(
        reviewed.events[0].actor.as_deref(),
        Some("member-a"),
        "the audit trail says who"
    );
    assert_eq!(reviewed.community, "test-a");

    // The resident's tracking page works, without the contact.
    let track = app.get(&format!("/track/{code}")).await;
    assert_eq!(track.status, StatusCode::OK);
    assert!(track.text.contains("公交站旁加一张长椅"));
    assert!(!track.text.contains("13800138000") && !track.text.contains("王奶奶"));
    let api = app.get(&format!("/api/v1/suggestions/{code}")).await;
    assert!(!api.text.contains("13800138000") && !api.text.contains("member-a"));
}

#[tokio::test]
async fn mistakes_are_named_and_nothing_is_filed() {
    let app = common::app().await;
    let (cookie, token) = member(&app).await;
    let r = file(
        &app,
        &cookie,
        &[
            ("csrf", &token),
            ("key", "k1"),
            ("category", "seating"),
            ("title", "x"),
            ("contact_phone", "call me"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("id=\"assist-error\""));
    assert!(r.text.contains("请选择打电话或来居委会"), "the channel");
    assert!(r.text.contains("id=\"title-error\""));
    assert!(r.text.contains("id=\"contact_phone-error\""));
    // The channel comes first in the form: the cursor starts there; the
    // other wrong fields are marked and described by their messages.
    assert!(tag_of(&r.text, r#"name="channel""#).contains("autofocus"));
    assert!(marked_wrong(&r.text, r#"name="title""#, false));
    assert!(marked_wrong(&r.text, r#"name="contact_phone""#, false));
    assert!(!tag_of(&r.text, r#"name="description""#).contains("aria-invalid"));
    assert!(r.text.contains("value=\"call me\""), "kept as typed");
    let inbox = app.db.export(Some("test-a"), &Default::default()).await.unwrap();
    assert!(inbox.is_empty(), "nothing filed");
}

#[tokio::test]
async fn filing_needs_a_session_and_its_token() {
    let app = common::app().await;
    let (cookie, _) = member(&app).await;
    let fields = [("channel", "visit"), ("category", "seating"), ("title", "加长椅")];
    let forged = app.send(form("/review/new", Some(&cookie), &fields)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let anonymous = app.send(form("/review/new", None, &fields)).await;
    assert!(anonymous.status.is_redirection());
    assert!(app.send(get("/review/new", None)).await.status.is_redirection());
    assert!(app.db.export(None, &Default::default()).await.unwrap().is_empty());
}
