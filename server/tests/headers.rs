//! The headers that protect residents in the browser: a Content-Security-
//! Policy on every page whose nonce is the one on the page's own inline
//! script, and the framing, sniffing, referrer, permission and transport
//! headers on every answer.

mod common;

use axum::body::Body;
use axum::http::{header, Request};

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_string()
}

#[tokio::test]
async fn pages_carry_a_policy_that_admits_only_their_own_scripts() {
    let app = common::app().await;
    let mut nonces = Vec::new();
    for url in [
        "/",
        "/nearby?lat=30.64&lng=104.05",
        "/sorting?q=电池",
        "/suggest",
        "/login",
        "/no-such-page",
    ] {
        let page = app.get(&url.replace("电池", "%E7%94%B5%E6%B1%A0")).await;
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{url}: {csp}"
        );
        let nonce = nonce_of(&csp);
        assert!(nonce.len() >= 16, "{url}: a real nonce, {nonce}");
        // Every script is this site's file or carries the nonce; nothing
        // inline that the policy would block (no style attributes, no
        // event handler attributes).
        let scripts: Vec<&str> = page
            .text
            .split("<script")
            .skip(1)
            .map(|s| s.split('>').next().unwrap())
            .collect();
        assert!(!scripts.is_empty(), "{url}");
        for tag in &scripts {
            let own_file = tag.contains("src=\"/");
            assert!(
                own_file || tag.contains(&format!("nonce=\"{nonce}\"")),
                "{url}: <script{tag}>"
            );
        }
        assert!(
            !page.text.contains(" style=\""),
            "{url}: an inline style the policy blocks"
        );
        assert!(!page.text.contains(" onclick="), "{url}");
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 6, "a new nonce for every answer");
}

#[tokio::test]
async fn every_answer_refuses_framing_sniffing_and_leaking_the_address() {
    let app = common::app().await;
    for url in [
        "/",
        "/api/v1/facilities/nearby?lat=30.64&lng=104.05",
        "/manifest.webmanifest",
        "/sw.js",
    ] {
        let r = app.get(url).await;
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(h("x-content-type-options"), "nosniff", "{url}");
        assert_eq!(h("x-frame-options"), "DENY", "{url}");
        assert_eq!(h("referrer-policy"), "strict-origin-when-cross-origin", "{url}");
        assert!(h("permissions-policy").contains("geolocation=(self)"), "{url}");
        assert!(h("permissions-policy").contains("camera=()"), "{url}");
        assert_eq!(h("strict-transport-security"), "", "{url}: not over plain HTTP");
    }
    let api = app.get("/api/v1/facilities/nearby?lat=30.64&lng=104.05").await;
    assert!(
        api.headers.get(header::CONTENT_SECURITY_POLICY).is_none(),
        "JSON is no page"
    );
}

#[tokio::test]
async fn hsts_only_when_a_trusted_proxy_says_https() {
    let app = common::app().await.behind("127.0.0.1");
    let over = |proto: &'static str| {
        Request::get("/")
            .header("x-forwarded-proto", proto)
            .body(Body::empty())
            .unwrap()
    };
    let https = app.send(over("https")).await;
    assert_eq!(https.headers["strict-transport-security"], "max-age=31536000");
    let http = app.send(over("http")).await;
    assert!(http.headers.get("strict-transport-security").is_none());
    // From an address that is not the proxy, the header is not believed.
    let mut forged = over("https");
    forged
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [198, 51, 100, 7],
            5000,
        ))));
    assert!(app
        .send(forged)
        .await
        .headers
        .get("strict-transport-security")
        .is_none());
}
