//! The security rules that several handlers apply, each in exactly one
//! function with its tests: where a redirect may go, how cookies are read
//! and written, what a token must look like before it is looked up, and
//! what a page may load.
//! Plain Rust, no I/O.

/// The Content-Security-Policy of every page. Scripts: this site's files,
/// and inline only with this response's `nonce` (Leptos's hydration
/// script); WASM may be compiled (`wasm-unsafe-eval`), nothing may be
/// `eval`ed. Styles, images (photos), fetches, the service worker and the
/// manifest: this site only (`blob:`/`data:` images for the photo preview
/// drawn on the phone). Never framed, no plugins, forms post here.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// A same-site path to send someone to after a form, or `fallback`: never
/// another host (`//evil`, `/\evil`), and nothing a header or a log line
/// could be split on.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n.to_string()
        }
        _ => fallback.to_string(),
    }
}

/// The value of cookie `name` among a request's `Cookie` headers (HTTP/2
/// may send several).
pub fn cookie<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Whether the request came over HTTPS (directly or through a trusted
/// proxy), as the server worked it out: in the request's extensions, for
/// pages that set a cookie (`Secure` only then).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Https(pub bool);

/// A `Set-Cookie` value. Every cookie of ours is HttpOnly (no script reads
/// it), SameSite=Lax (not sent with other sites' POSTs), for the whole
/// site, and Secure when the request came over HTTPS. `max_age_secs` 0
/// deletes it.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}

/// Whether `token` is exactly `len` lowercase hex digits: the shape of
/// every random token Linli hands out (sessions, devices, photo tokens,
/// photo keys). Anything else is refused before a lookup or a file name.
pub fn is_hex_token(token: &str, len: usize) -> bool {
    token.len() == len && token.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_this_site_and_the_nonce() {
        let p = content_security_policy("abc123");
        let directive = |name: &str| {
            p.split(';')
                .map(str::trim)
                .find(|d| d.split(' ').next() == Some(name))
                .unwrap_or_else(|| panic!("{name} in {p}"))
                .to_string()
        };
        assert_eq!(
            directive("script-src"),
            "script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"
        );
        assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
        assert_eq!(directive("object-src"), "object-src 'none'");
        assert!(!p.contains("unsafe-inline") && !p.contains("'unsafe-eval'") && !p.contains('*'));
        assert!(!p.contains("  "), "one space between parts: {p}");
    }

    #[test]
    fn redirects_stay_on_this_site() {
        for ok in ["/", "/review?status=received", "/track/WH-2222"] {
            assert_eq!(safe_next(Some(ok), "/x"), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/a b",
            "/a\r\nSet-Cookie: x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad), "/review"), "/review", "{bad:?}");
        }
        assert_eq!(safe_next(None, "/"), "/");
    }

    #[test]
    fn cookies_are_read_among_others_and_written_safely() {
        let headers = ["a=b; linli_session=abc", "linli_lang=en"];
        assert_eq!(cookie(headers, "linli_session"), Some("abc"));
        assert_eq!(cookie(headers, "linli_lang"), Some("en"));
        assert_eq!(cookie(headers, "linli"), None);
        assert_eq!(cookie([], "a"), None);
        let c = set_cookie("linli_device", "ff", 60, true);
        assert_eq!(c, "linli_device=ff; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure");
        assert!(!set_cookie("a", "", 0, false).contains("Secure"));
    }

    #[test]
    fn tokens_have_one_shape() {
        assert!(is_hex_token(&"a".repeat(32), 32));
        assert!(is_hex_token(&"0f".repeat(32), 64));
        assert!(!is_hex_token(&"0F".repeat(32), 64), "our tokens are lowercase");
        assert!(!is_hex_token(&"a".repeat(31), 32));
        assert!(!is_hex_token(&"g".repeat(32), 32));
        assert!(!is_hex_token("../../etc/passwd", 16));
    }
}

/// Property tests of the rules that read outside input: any `Cookie`
/// header is read without a panic and finds exactly the pair asked for;
/// any `next` either stays on this site or falls back. Failures proptest
/// finds are kept in `app/proptest-regressions/`.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// Known-nasty inputs, run on every test pass.
    const SEEDS: &[&str] = &[
        "",
        ";",
        "=",
        "==",
        "a",
        "a=",
        "=a",
        " a = b ; a=c",
        "a=b;a=c",
        "\u{0}a=b",
        "a=\r\nSet-Cookie: x",
        "//evil",
        "/\\evil",
        "/\u{3000}x",
        "/%0d%0aSet-Cookie:x",
        "/\u{85}",
    ];

    fn check_cookie(header: &str, name: &str) {
        if let Some(v) = cookie([header], name) {
            assert!(!v.contains(';'), "{header:?}: {v:?}");
            assert!(header.contains(&format!("{name}={v}")), "{header:?}: {v:?}");
        }
    }

    fn check_next(next: &str) {
        let n = safe_next(Some(next), "/fallback");
        assert!(n == "/fallback" || n == next, "{next:?} → {n:?}");
        assert!(n.starts_with('/') && !n.starts_with("//"), "{next:?} → {n:?}");
        assert!(
            !n.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()),
            "{n:?}"
        );
    }

    #[test]
    fn seeds() {
        for seed in SEEDS {
            check_cookie(seed, "a");
            check_cookie(seed, "");
            check_next(seed);
        }
    }

    proptest! {
        #[test]
        fn any_cookie_header_is_read(header in "(?s).{0,120}", name in "[a-z=; ]{0,4}") {
            check_cookie(&header, &name);
        }

        #[test]
        fn the_first_pair_of_a_name_is_found(
            pairs in vec(("[a-c]{1,2}", "[!-:<-~]{0,6}"), 1..8),
            gaps in vec("[ ]{0,2};[ ]{0,2}", 8),
        ) {
            let header: String = pairs
                .iter()
                .zip(&gaps)
                .map(|((n, v), gap)| format!("{n}={v}{gap}"))
                .collect();
            for (name, _) in &pairs {
                let first = pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
                prop_assert_eq!(cookie([header.as_str()], name), first, "{}", header);
            }
        }

        #[test]
        fn redirects_stay_here(next in "(?s)[/\\\\]{0,2}.{0,40}") {
            check_next(&next);
        }
    }
}
