//! The WASM only for pages that have an island.
//!
//! Leptos's `<HydrationScripts islands=true>` preloads the main WASM module
//! and its JavaScript glue on every page and then hydrates whatever islands
//! it finds. Most resident pages have none (the home page, a facility, a
//! receipt, a category of the sorting guide), and for them that download is
//! most of the first visit: about 100 KB of 110 on a weak 4G phone. So the
//! shell renders Leptos's script without the two preload links, behind a
//! check that the finished page holds a `<leptos-island>`: pages with
//! islands hydrate as before (the loader is a deferred module script, so the
//! whole document is parsed when it runs), pages without download no WASM.
//!
//! Leptos's component still runs, for its side effects (the split manifest
//! that lazy islands read, the hydration flag); only its markup is replaced.
//! Should a Leptos release render that markup in another shape, the page
//! keeps Leptos's own scripts (correct, only heavier) and the test below
//! fails.

use leptos::prelude::*;

/// Loads and hydrates the islands, on pages that have any.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    let leptos_markup = view! { <HydrationScripts options=options.clone() islands=true /> }.to_html();
    match island_loader(&leptos_markup) {
        Some(script) => view! { <script type="module" nonce=nonce()>{script}</script> }.into_any(),
        None => view! { <HydrationScripts options islands=true /> }.into_any(),
    }
}

/// The stylesheet's link. Leptos's `<HashedStylesheet>` reads the build's
/// hash file from disk for every page it draws (with `current_exe`: about
/// 3 % of a results page's samples in `perf`); the name cannot change while
/// the server runs, so its markup is drawn once and its address kept.
#[component]
pub fn SiteStylesheet(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        static HREF: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let href = HREF.get_or_init(|| {
            let markup = view! { <leptos_meta::HashedStylesheet options=options.clone() /> }.to_html();
            stylesheet_href(&markup)
        });
        match href {
            Some(href) => view! { <link rel="stylesheet" href=href.as_str() /> }.into_any(),
            None => view! { <leptos_meta::HashedStylesheet options /> }.into_any(),
        }
    }
    #[cfg(not(feature = "ssr"))]
    view! { <leptos_meta::HashedStylesheet options /> }
}

/// The address in Leptos's stylesheet markup, when it is one plain link.
#[cfg(any(feature = "ssr", test))]
fn stylesheet_href(markup: &str) -> Option<String> {
    let rest = markup.strip_prefix("<link rel=\"stylesheet\" href=\"")?;
    let end = rest.find('"')?;
    (rest[end..] == *"\">").then(|| rest[..end].to_string())
}

/// The page's CSP nonce, for the inline scripts of the shell.
#[cfg(feature = "ssr")]
pub(crate) fn nonce() -> Option<leptos::nonce::Nonce> {
    leptos::nonce::use_nonce()
}

#[cfg(not(feature = "ssr"))]
pub(crate) fn nonce() -> Option<String> {
    None
}

/// When to run the loader: `(go) => …`, a function expression.
const WAKE: &str = include_str!("wake.js");

/// The loader script of Leptos's markup (two preload links and one module
/// script), run only when the page needs it (`wake.js`, without its
/// comments); `None` when the markup is not of that shape.
pub fn island_loader(leptos_markup: &str) -> Option<String> {
    let open = leptos_markup.find("<script")?;
    let body_start = open + leptos_markup[open..].find('>')? + 1;
    let body_len = leptos_markup[body_start..].find("</script>")?;
    let body = leptos_markup[body_start..body_start + body_len].trim();
    if body.is_empty() || !leptos_markup[open..].starts_with("<script type=\"module\"") {
        return None;
    }
    let wake: Vec<&str> = WAKE
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect();
    Some(format!("{}(()=>{{{body}}});", wake.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_waits_for_the_page_to_need_it() {
        let markup = r#"<link rel="modulepreload" href="/pkg/linli.x.js" crossorigin="n"><link rel="preload" href="/pkg/linli.x.wasm" as="fetch" type="application/wasm" crossorigin="n"><script type="module" nonce="n">((root) => { load(root) })("", "pkg");</script>"#;
        let script = island_loader(markup).unwrap();
        assert!(script.starts_with("((go) => {\n"), "{script}");
        assert!(
            script.contains(r#"document.querySelectorAll("leptos-island")"#),
            "{script}"
        );
        assert!(
            script.ends_with(r#"})(()=>{((root) => { load(root) })("", "pkg");});"#),
            "{script}"
        );
        assert!(!script.contains("preload"));
        assert!(!script.contains("//"), "comments are left out: {script}");
    }

    #[test]
    fn the_stylesheet_address_is_read_from_one_plain_link() {
        assert_eq!(
            stylesheet_href(r#"<link rel="stylesheet" href="/pkg/linli.abc.css">"#).as_deref(),
            Some("/pkg/linli.abc.css")
        );
        assert_eq!(stylesheet_href(r#"<link rel="stylesheet" id="x" href="/a.css">"#), None);
        assert_eq!(
            stylesheet_href(r#"<link rel="stylesheet" href="/a.css" media="print">"#),
            None
        );
    }

    /// Leptos's stylesheet markup has the shape [`stylesheet_href`] reads.
    #[cfg(feature = "ssr")]
    #[test]
    fn this_leptos_renders_one_plain_stylesheet_link() {
        let markup = leptos_markup(|options| view! { <leptos_meta::HashedStylesheet options /> }.to_html());
        assert_eq!(stylesheet_href(&markup).as_deref(), Some("/pkg/linli.css"), "{markup}");
    }

    /// What Leptos draws with this project's output name.
    #[cfg(feature = "ssr")]
    fn leptos_markup(draw: impl FnOnce(LeptosOptions) -> String) -> String {
        Owner::new().with(|| draw(LeptosOptions::builder().output_name("linli").build()))
    }

    #[test]
    fn another_shape_keeps_leptos_scripts() {
        assert_eq!(island_loader(r#"<link rel="modulepreload" href="/pkg/x.js">"#), None);
        assert_eq!(island_loader(r#"<script src="/pkg/x.js"></script>"#), None);
        assert_eq!(island_loader(r#"<script type="module"></script>"#), None);
    }

    /// The markup this Leptos renders has the shape [`island_loader`]
    /// reads: a version that changes it fails here, not on phones.
    #[cfg(feature = "ssr")]
    #[test]
    fn this_leptos_renders_the_expected_shape() {
        let markup = leptos_markup(|options| view! { <HydrationScripts options islands=true /> }.to_html());
        let script = island_loader(&markup).expect("Leptos's hydration markup changed shape");
        assert!(script.contains("hydrate"), "{script}");
        assert!(script.contains("linli"), "{script}");
    }
}
