//! Accounts from the browser on the real router and database: an admin
//! invites, the member sets a password from the one-time link and is signed
//! in; links expire, are single use and are replaced by new ones; disabling
//! ends everything at once; members change their own password and end their
//! own sessions; committee members and strangers can do none of the
//! admin's part.

mod common;

use axum::http::{header, StatusCode};

use app::domain::review::Role;
use app::server::auth::token_hash;
use common::{csrf, form, get, marked_wrong, sign_in, tag_of, user, Reply, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "我的新密码是十个字以上";

async fn admin_app() -> (TestApp, String, String) {
    let app = common::app().await;
    user(&app, "street", Role::Admin, None).await;
    let cookie = sign_in(&app, "street").await;
    let token = csrf(&app, &cookie).await;
    (app, cookie, token)
}

/// The one-time link on the page that answers an invitation or a new link.
fn link_in(page: &Reply) -> String {
    let at = page
        .text
        .find("/review/welcome?token=")
        .unwrap_or_else(|| panic!("no link in: {}", page.text));
    page.text[at..at + "/review/welcome?token=".len() + 64].to_string()
}

fn token_of(link: &str) -> &str {
    link.rsplit('=').next().unwrap()
}

async fn invite(app: &TestApp, cookie: &str, csrf: &str, name: &str, role: &str, community: &str) -> Reply {
    app.send(form(
        "/review/accounts",
        Some(cookie),
        &[
            ("csrf", csrf),
            ("username", name),
            ("role", role),
            ("community", community),
        ],
    ))
    .await
}

async fn welcome(app: &TestApp, token: &str, password: &str, repeat: &str) -> Reply {
    app.send(form(
        "/review/welcome",
        None,
        &[("token", token), ("password", password), ("repeat", repeat)],
    ))
    .await
}

async fn login(app: &TestApp, name: &str, password: &str) -> Reply {
    app.send(form(
        "/login",
        None,
        &[("username", name), ("password", password), ("next", "/review")],
    ))
    .await
}

fn cookie_of(reply: &Reply) -> String {
    let set = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    set.split(';').next().unwrap().to_string()
}

fn location(reply: &Reply) -> &str {
    reply.headers[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn an_invited_member_sets_a_password_from_the_link_and_is_signed_in() {
    let (app, admin, token) = admin_app().await;
    let mut req = form(
        "/review/accounts",
        Some(&admin),
        &[
            ("csrf", &token),
            ("username", "wang.li"),
            ("role", "committee"),
            ("community", "test-a"),
        ],
    );
    req.headers_mut().insert(header::HOST, "linli.example".parse().unwrap());
    let shown = app.send(req).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert_eq!(shown.headers[header::CACHE_CONTROL], "private, no-store");
    assert!(
        shown.text.contains("http://linli.example/review/welcome?token="),
        "a whole link to copy"
    );
    let link = link_in(&shown);
    // The token is never stored: only its hash is.
    assert!(app.db.invitation(&token_hash(token_of(&link))).await.unwrap().is_some());

    // The list shows the account as invited, and never the link again.
    let list = app.send(get("/review/accounts", Some(&admin))).await;
    assert!(list.text.contains("wang.li"));
    assert!(!list.text.contains(token_of(&link)), "the link is shown once");

    // Before a password is set, nobody can sign in as the member.
    assert_eq!(
        location(&login(&app, "wang.li", "").await),
        "/login?error=1&next=%2Freview"
    );

    let page = app.send(get(&link, None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("wang.li") && page.text.contains("test-a"));
    assert_eq!(page.headers[header::CACHE_CONTROL], "private, no-store");

    // Mistakes come back to the same link with the reason.
    let t = token_of(&link);
    let short = welcome(&app, t, "short", "short").await;
    assert_eq!(
        location(&short),
        format!("/review/welcome?error=password_length&token={t}")
    );
    let differ = welcome(&app, t, NEW_PASSWORD, "something else entirely").await;
    assert_eq!(
        location(&differ),
        format!("/review/welcome?error=password_mismatch&token={t}")
    );
    let again = app.send(get(location(&differ), None)).await;
    assert!(again.text.contains("id=\"welcome-error\""), "{}", again.text);

    let done = welcome(&app, t, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/review?welcome=1");
    let member = cookie_of(&done);
    let inbox = app.send(get(location(&done), Some(&member))).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.text.contains("wang.li · test-a"), "signed in as the member");
    assert!(inbox.text.contains("id=\"welcome-done\""));

    // Single use: the link no longer works, by GET or POST.
    let used = app.send(get(&link, None)).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.text.contains("id=\"welcome-error\""));
    let reuse = welcome(&app, t, "another long password", "another long password").await;
    assert_eq!(location(&reuse), "/review/welcome?error=link");
    // And the password set from the link signs in.
    assert_eq!(location(&login(&app, "wang.li", NEW_PASSWORD).await), "/review");

    // What happened is on the account's record.
    let id = app.db.account("wang.li").await.unwrap().unwrap().member.id;
    let kinds: Vec<String> = app
        .db
        .account_history(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(kinds, ["invited", "activated"]);
}

#[tokio::test]
async fn invitations_are_checked_and_mistakes_keep_what_was_typed() {
    let (app, admin, token) = admin_app().await;
    for (name, role, community, code) in [
        ("Wang Li", "committee", "test-a", "username"),
        ("wang", "committee", "", "community_missing"),
        ("wang", "admin", "test-a", "admin_community"),
        ("wang", "committee", "nowhere", "community_unknown"),
        ("wang", "boss", "test-a", "role"),
        ("street", "committee", "test-a", "taken"),
    ] {
        let r = invite(&app, &admin, &token, name, role, community).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}");
        let to = location(&r).to_string();
        assert!(
            to.starts_with(&format!("/review/accounts?error={code}&username=")),
            "{name}: {to}"
        );
        let page = app.send(get(&to, Some(&admin))).await;
        assert!(page.text.contains("id=\"invite-error\""), "{name}");
        let field = match code {
            "username" | "taken" => "username",
            "role" => "role",
            _ => "community",
        };
        let attribute = format!(r#"name="{field}""#);
        assert!(
            marked_wrong(&page.text, &attribute, true),
            "{name}: {}",
            tag_of(&page.text, &attribute)
        );
    }
    assert!(app.db.account("wang").await.unwrap().is_none(), "nothing was created");
    // An admin is invited without a community.
    let r = invite(&app, &admin, &token, "chen.admin", "admin", "").await;
    assert_eq!(r.status, StatusCode::OK);
    let a = app.db.account("chen.admin").await.unwrap().unwrap();
    assert_eq!((a.member.role, a.member.community), (Role::Admin, None));
}

#[tokio::test]
async fn a_new_link_replaces_the_old_one_and_links_expire() {
    let (app, admin, token) = admin_app().await;
    let first = link_in(&invite(&app, &admin, &token, "wang.li", "committee", "test-a").await);
    let renewed = app
        .send(form("/review/accounts/wang.li/link", Some(&admin), &[("csrf", &token)]))
        .await;
    assert_eq!(renewed.status, StatusCode::OK);
    let second = link_in(&renewed);
    assert_ne!(first, second);
    assert_eq!(app.send(get(&first, None)).await.status, StatusCode::GONE, "replaced");
    assert_eq!(app.send(get(&second, None)).await.status, StatusCode::OK);

    // A link past its 72 hours does not work.
    let expired = "e".repeat(64);
    let past = chrono::Utc::now().timestamp_millis() - 1;
    assert!(app
        .db
        .renew_invitation("wang.li", &token_hash(&expired), past, None)
        .await
        .unwrap());
    let page = app.send(get(&format!("/review/welcome?token={expired}"), None)).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert_eq!(
        location(&welcome(&app, &expired, NEW_PASSWORD, NEW_PASSWORD).await),
        "/review/welcome?error=link"
    );
    // Malformed tokens are not even looked up, and never crash.
    for bad in ["", "xyz", "%00", &"g".repeat(64)] {
        let r = app.send(get(&format!("/review/welcome?token={bad}"), None)).await;
        assert_eq!(r.status, StatusCode::GONE, "{bad}");
    }
}

#[tokio::test]
async fn two_tabs_using_one_link_at_once_set_one_password() {
    let (app, admin, token) = admin_app().await;
    let link = link_in(&invite(&app, &admin, &token, "wang.li", "committee", "test-a").await);
    let t = token_of(&link).to_string();
    let (a, b) = tokio::join!(
        welcome(&app, &t, "first long password", "first long password"),
        welcome(&app, &t, "second long password", "second long password"),
    );
    let signed: Vec<&Reply> = [&a, &b]
        .into_iter()
        .filter(|r| location(r) == "/review?welcome=1")
        .collect();
    assert_eq!(signed.len(), 1, "{} / {}", location(&a), location(&b));
    let winner = if location(&a) == "/review?welcome=1" {
        "first"
    } else {
        "second"
    };
    assert_eq!(
        location(&login(&app, "wang.li", &format!("{winner} long password")).await),
        "/review"
    );
}

#[tokio::test]
async fn disabling_ends_every_session_and_a_new_link_brings_the_account_back() {
    let (app, admin, token) = admin_app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    let member = sign_in(&app, "member-a").await;
    let r = app
        .send(form(
            "/review/accounts/member-a/disable",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(location(&r), "/review/accounts?done=disabled&who=member%2Da");
    let page = app.send(get(location(&r), Some(&admin))).await;
    assert!(page.text.contains("member-a"));
    assert!(signed_out(&app, &member).await);
    assert_eq!(
        location(&login(&app, "member-a", PASSWORD).await),
        "/login?error=1&next=%2Freview"
    );

    // An admin cannot lock themselves out.
    let own = app
        .send(form(
            "/review/accounts/street/disable",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(location(&own), "/review/accounts?error=own");
    assert_eq!(app.send(get("/review", Some(&admin))).await.status, StatusCode::OK);

    let link = link_in(
        &app.send(form(
            "/review/accounts/member-a/link",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await,
    );
    let done = welcome(&app, token_of(&link), NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(location(&done), "/review?welcome=1");
    assert_eq!(location(&login(&app, "member-a", NEW_PASSWORD).await), "/review");
    let id = app.db.account("member-a").await.unwrap().unwrap().member.id;
    let history = app.db.account_history(id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(kinds, ["created", "disabled", "linked", "activated"]);
    assert_eq!(history[1].2.as_deref(), Some("street"), "who disabled it");
    assert_eq!(history[0].2, None, "created on the command line");

    // Unknown accounts and actions.
    let ghost = app
        .send(form(
            "/review/accounts/nobody/disable",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(ghost.status, StatusCode::NOT_FOUND);
    let odd = app
        .send(form(
            "/review/accounts/member-a/promote",
            Some(&admin),
            &[("csrf", &token)],
        ))
        .await;
    assert_eq!(odd.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_admins_manage_accounts() {
    let (app, admin, _) = admin_app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    user(&app, "member-b", Role::Committee, Some("test-b")).await;
    let member = sign_in(&app, "member-a").await;
    let member_csrf = csrf(&app, &member).await;

    let page = app.send(get("/review/accounts", Some(&member))).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.text.contains("member-b"), "no other accounts shown");

    let actions: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "/review/accounts",
            vec![("username", "sneaky"), ("role", "admin"), ("community", "")],
        ),
        ("/review/accounts/member-b/link", vec![]),
        ("/review/accounts/member-b/disable", vec![]),
    ];
    for (uri, fields) in &actions {
        // A committee member with a valid form: forbidden.
        let mut with = fields.clone();
        with.push(("csrf", &member_csrf));
        assert_eq!(
            app.send(form(uri, Some(&member), &with)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
        // An admin without the form's token: forbidden.
        assert_eq!(
            app.send(form(uri, Some(&admin), fields)).await.status,
            StatusCode::FORBIDDEN,
            "{uri} without CSRF"
        );
        // Nobody signed in: to the sign-in page.
        let anonymous = app.send(form(uri, None, fields)).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{uri}");
        assert!(
            location(&anonymous).starts_with("/login?next=%2Freview%2Faccounts"),
            "{uri}"
        );
    }
    assert!(app.db.account("sneaky").await.unwrap().is_none());
    let b = app.db.account("member-b").await.unwrap().unwrap();
    assert!(!b.disabled);
    assert_eq!(
        app.db.account_history(b.member.id).await.unwrap().len(),
        1,
        "only its creation"
    );
    assert!(
        app.send(get("/review/accounts", None)).await.status.is_redirection(),
        "signed out: sign in first"
    );
    // The admin's page lists everyone.
    let list = app.send(get("/review/accounts", Some(&admin))).await;
    assert!(list.text.contains("member-a") && list.text.contains("member-b"));
}

#[tokio::test]
async fn members_change_their_own_password_and_end_their_own_sessions() {
    let app = common::app().await;
    user(&app, "member-a", Role::Committee, Some("test-a")).await;
    user(&app, "member-b", Role::Committee, Some("test-a")).await;
    let phone = {
        let mut req = form(
            "/login",
            None,
            &[("username", "member-a"), ("password", PASSWORD), ("next", "/review")],
        );
        req.headers_mut().insert(
            header::USER_AGENT,
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
                .parse()
                .unwrap(),
        );
        cookie_of(&app.send(req).await)
    };
    let office = sign_in(&app, "member-a").await;
    let other_member = sign_in(&app, "member-b").await;
    let token = csrf(&app, &office).await;

    let page = app.send(get("/review/account", Some(&office))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Chrome · Android"), "the phone is named");
    let handles: Vec<String> = page
        .text
        .match_indices("name=\"handle\" value=\"")
        .map(|(i, m)| page.text[i + m.len()..i + m.len() + 16].to_string())
        .collect();
    assert_eq!(handles.len(), 1, "an end button for the other device only");

    // Another member's session cannot be ended from here.
    let b_id = app.db.account("member-b").await.unwrap().unwrap().member.id;
    let b_handle = app.db.member_sessions(b_id).await.unwrap()[0].handle.clone();
    let r = app
        .send(form(
            "/review/account/end",
            Some(&office),
            &[("csrf", &token), ("handle", &b_handle)],
        ))
        .await;
    assert_eq!(location(&r), "/review/account?done=ended");
    assert_eq!(
        app.send(get("/review", Some(&other_member))).await.status,
        StatusCode::OK
    );

    let r = app
        .send(form(
            "/review/account/end",
            Some(&office),
            &[("csrf", &token), ("handle", &handles[0])],
        ))
        .await;
    assert_eq!(location(&r), "/review/account?done=ended");
    assert!(signed_out(&app, &phone).await, "phone signed out");
    assert_eq!(
        app.send(get("/review", Some(&office))).await.status,
        StatusCode::OK,
        "this one stays"
    );

    // Password: the current one is checked, the new one twice.
    let change = |current: &'static str, new: &'static str, repeat: &'static str| {
        let (office, token) = (office.clone(), token.clone());
        let app = &app;
        async move {
            app.send(form(
                "/review/account/password",
                Some(&office),
                &[
                    ("csrf", &token),
                    ("current", current),
                    ("password", new),
                    ("repeat", repeat),
                ],
            ))
            .await
        }
    };
    let wrong = change("not my password", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(location(&wrong), "/review/account?error=password_wrong");
    let short = change(PASSWORD, "short", "short").await;
    assert_eq!(location(&short), "/review/account?error=password_length");
    let tablet = sign_in(&app, "member-a").await;
    let ok = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(location(&ok), "/review/account?done=password");
    assert!(signed_out(&app, &tablet).await, "others end");
    assert_eq!(
        app.send(get("/review", Some(&office))).await.status,
        StatusCode::OK,
        "this one stays"
    );
    assert_eq!(
        location(&login(&app, "member-a", PASSWORD).await),
        "/login?error=1&next=%2Freview"
    );
    assert_eq!(location(&login(&app, "member-a", NEW_PASSWORD).await), "/review");

    // "Sign out all other devices".
    let laptop = sign_in_with(&app, "member-a", NEW_PASSWORD).await;
    let r = app
        .send(form("/review/account/end-others", Some(&office), &[("csrf", &token)]))
        .await;
    assert_eq!(location(&r), "/review/account?done=ended");
    assert!(signed_out(&app, &laptop).await);
    assert_eq!(app.send(get("/review", Some(&office))).await.status, StatusCode::OK);
    // Without the form's token, nothing happens.
    let forged = app.send(form("/review/account/end-others", Some(&office), &[])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn sign_in_with(app: &TestApp, name: &str, password: &str) -> String {
    let r = login(app, name, password).await;
    assert_eq!(location(&r), "/review");
    cookie_of(&r)
}

/// A committee page sends this cookie to sign in.
async fn signed_out(app: &TestApp, cookie: &str) -> bool {
    let r = app.send(get("/review", Some(cookie))).await;
    r.status.is_redirection() && location(&r).starts_with("/login")
}
