//! "My suggestions" through the real router: a suggestion filed from a
//! phone is remembered in the phone's cookie, listed with its status, a
//! committee reply shows as "new reply" on the list and the home page until
//! the resident has looked, and one tap takes it off the list. The server
//! keeps none of it.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

use app::domain::review::Role;
use common::{csrf, form, get, sign_in, user, Reply};

/// The `linli_mine=…` pair a reply sets, if it sets one.
fn mine_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("linli_mine="))
        .map(|c| {
            assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
            c.split(';').next().unwrap().to_string()
        })
}

fn file(title: &str, cookie: Option<&str>) -> Request<Body> {
    let body = json!({
        "category": "seating",
        "title": title,
        "lat": 30.6401,
        "lng": 104.0501,
        "contact_name": "王秘密",
        "contact_phone": "13912345678",
    });
    let mut req = Request::post("/api/v1/suggestions").header(header::CONTENT_TYPE, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn the_phone_keeps_its_suggestions_and_hears_of_replies() {
    let app = common::app().await;

    // Nothing sent yet: no way in on the home page, and an empty list that
    // says what it is for.
    let home = app.send(get("/", None)).await;
    assert!(!home.text.contains(r#"href="/mine""#));
    let empty = app.send(get("/mine", None)).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.text.contains("这部手机还没有提出过建议"), "{}", empty.text);

    // Two suggestions from the phone: both remembered, newest first.
    let first = app.send(file("长椅坏了", None)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let a = first.json()["receipt_code"].as_str().unwrap().to_string();
    let cookie = mine_cookie(&first).expect("remembered");
    assert_eq!(cookie, format!("linli_mine={a}.1"));
    let second = app.send(file("路灯不亮", Some(&cookie))).await;
    let b = second.json()["receipt_code"].as_str().unwrap().to_string();
    let cookie = mine_cookie(&second).unwrap();
    assert_eq!(cookie, format!("linli_mine={b}.1_{a}.1"));

    let list = app.send(get("/mine", Some(&cookie))).await;
    assert!(list.text.find("路灯不亮").unwrap() < list.text.find("长椅坏了").unwrap());
    assert!(list.text.contains(&format!(r#"href="/track/{a}""#)));
    assert!(list.text.contains("已收到"), "the status");
    assert!(!list.text.contains("有新回复"));
    assert_eq!(mine_cookie(&list), None, "nothing new to mark seen");
    let home = app.send(get("/", Some(&cookie))).await;
    assert!(home.text.contains(r#"href="/mine""#));
    assert!(!home.text.contains("有新回复"));

    // The committee answers the first one in public.
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let member = sign_in(&app, "member-a").await;
    let token = csrf(&app, &member).await;
    let r = app
        .send(form(
            &format!("/review/s/{a}/reply"),
            Some(&member),
            &[("reply", "下周一派人来修。"), ("csrf", &token)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);

    // The home page says so, without marking it seen.
    let home = app.send(get("/", Some(&cookie))).await;
    assert!(home.text.contains("有新回复：1条"), "{}", home.text);
    assert_eq!(mine_cookie(&home), None);
    // The list marks it, with the reply, and remembers that it was seen.
    let list = app.send(get("/mine", Some(&cookie))).await;
    let item = &list.text[list.text.find("长椅坏了").unwrap()..];
    assert!(item.contains("有新回复") && item.contains("下周一派人来修。"), "{item}");
    assert!(
        !list.text[..list.text.find("长椅坏了").unwrap()].contains("有新回复"),
        "only the answered one"
    );
    let seen = mine_cookie(&list).expect("marked seen");
    assert_eq!(seen, format!("linli_mine={b}.1_{a}.2"));
    let home = app.send(get("/", Some(&seen))).await;
    assert!(!home.text.contains("有新回复"));
    assert!(!app.send(get("/mine", Some(&seen))).await.text.contains("有新回复"));

    // One tap takes one off the list; the suggestion itself stays.
    let removed = app.send(form("/mine/remove", Some(&seen), &[("code", &b)])).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(removed.headers[header::LOCATION], "/mine");
    let left = mine_cookie(&removed).unwrap();
    assert_eq!(left, format!("linli_mine={a}.2"));
    assert_eq!(
        app.get(&format!("/api/v1/suggestions/{b}")).await.status,
        StatusCode::OK
    );
    // The last one: the cookie ends.
    let removed = app.send(form("/mine/remove", Some(&left), &[("code", &a)])).await;
    let ended = removed
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("linli_mine="))
        .unwrap()
        .to_string();
    assert!(
        ended.starts_with("linli_mine=;") && ended.contains("Max-Age=0"),
        "{ended}"
    );
    // A code not on the list, or not a code: nothing changes.
    let r = app
        .send(form("/mine/remove", Some(&left), &[("code", "<script>")]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(mine_cookie(&r), None);
}

#[tokio::test]
async fn a_damaged_or_foreign_list_is_read_leniently() {
    let app = common::app().await;
    let filed = app.send(file("长椅坏了", None)).await;
    let a = filed.json()["receipt_code"].as_str().unwrap().to_string();
    // Garbage, an unknown code and a real one: the list shows the real one
    // and forgets the rest.
    let cookie = format!("linli_mine=%%%_ZZ-2345.1_{a}.0_<b>.1");
    let list = app.send(get("/mine", Some(&cookie))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.text.contains("长椅坏了") && list.text.contains("有新回复"),
        "0 steps seen"
    );
    assert_eq!(mine_cookie(&list).unwrap(), format!("linli_mine={a}.1"));
    // The list never shows the contact details given with a suggestion.
    assert!(!list.text.contains("13912345678") && !list.text.contains("王秘密"));
}
