//! The HTTP stack: the Leptos pages, the REST API, static files, and the
//! tower-http layers every response passes through.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::time::Duration;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use app::app::{shell, App};
use app::server::AppState;

use crate::forwarded::TrustedProxies;
use crate::limits::{WriteLimiter, WriteQuota};
use crate::state::{Compression, RequestTimeouts, ServerState, Shared, BODY_LIMIT_BYTES, UPLOAD_BODY_LIMIT};

pub fn router(app_state: AppState, leptos_options: LeptosOptions) -> Router {
    router_with(
        app_state,
        leptos_options,
        WriteLimiter::new(WriteQuota::default()),
        TrustedProxies::default(),
        RequestTimeouts::default(),
        Compression::default(),
    )
}

/// The app's routes, listed once per process. Listing renders the app
/// with resources switched off by a process-wide flag (leptos_server's
/// `SuppressResourceLoad`), so a page that another router of the same
/// process renders meanwhile would wait forever for its data (tests build
/// many routers in parallel: `server/tests/parallel_routers.rs`). Once is
/// enough for any number of routers.
fn route_list() -> &'static Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

pub fn router_with(
    app_state: AppState,
    leptos_options: LeptosOptions,
    limits: WriteLimiter,
    proxies: TrustedProxies,
    timeouts: RequestTimeouts,
    compression: Compression,
) -> Router {
    let state = ServerState::new(Shared {
        app: app_state.clone(),
        leptos_options: leptos_options.clone(),
        limits,
        service_worker: crate::pwa::ServiceWorker::new(&leptos_options.site_root),
        proxies: proxies.clone(),
    });
    let routes = route_list().clone();
    let context = {
        let app_state = app_state.clone();
        move || provide_context(app_state.clone())
    };
    let render = {
        let options = leptos_options.clone();
        move || shell(options.clone())
    };
    let site_root = leptos_options.site_root.to_string();
    // With content-hashed names (cargo-leptos `hash-files`) a /pkg file
    // never changes: browsers keep it for a year. Without (a dev build),
    // a day.
    let pkg_cache = if leptos_options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(format!("{site_root}/pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ));
    let not_found = {
        let options = leptos_options.clone();
        let app_state = app_state.clone();
        leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            move || provide_context(app_state.clone()),
            move |_| shell(options.clone()),
        )
    };
    // The API's uploads take a large body and more time; everything else
    // is small and quick (`api::router` sets both). The forms set their
    // own limits.
    let api = Router::new()
        .nest(
            "/api/v1",
            crate::api::router(timeouts).layer(RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT)),
        )
        .layer(DefaultBodyLimit::disable());
    let site = Router::new()
        .route("/healthz", get(healthz))
        .route("/sw.js", get(crate::pwa::service_worker))
        .route("/pwa.js", get(crate::pwa::page_script))
        .route("/photos/{file}", get(crate::photos::public_photo))
        .route("/facility/{id}/go/{app}", get(crate::navigation::directions))
        .route("/suggest/photos/{token}", get(crate::photos::staged_photo))
        .merge(crate::open311::router())
        .nest_service("/pkg", pkg)
        .leptos_routes_with_context(&state, routes, context, render)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ));
    Router::new()
        .merge(api)
        .merge(crate::forms::router(timeouts))
        .merge(site)
        .fallback_service(ServeDir::new(site_root).fallback(get(not_found).with_state(state.clone())))
        .with_state(state)
        .layer(middleware::from_fn(same_origin_writes))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(proxies, crate::forwarded::identify))
        .layer(middleware::map_response(api_errors_as_json))
        .layer(middleware::map_response(committee_pages_not_stored))
        .layer(middleware::from_fn_with_state(
            compression,
            crate::compression::pages_whole,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(i32::from(compression.quality))))
        .layer(TraceLayer::new_for_http())
}

/// Headers every answer carries (pages add their Content-Security-Policy
/// in `app::shell`, with the page's nonce): no content-type guessing, no
/// framing, the address only as an origin to other sites (a search
/// address holds the resident's position), geolocation for this site only
/// and no camera, microphone or payment APIs; over HTTPS, HSTS for a year.
async fn security_headers(req: Request, next: Next) -> Response {
    let https = crate::forwarded::client(req.extensions()).https;
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(self), camera=(), microphone=(), payment=(), usb=()"),
    );
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Committee pages show contact details: no browser or proxy may keep them.
async fn committee_pages_not_stored(uri: axum::http::Uri, mut response: Response) -> Response {
    let path = uri.path();
    if path.starts_with("/review") || path == "/login" {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    response
}

/// The body-limit and timeout layers answer with plain text; under
/// `/api/` every error is the API's JSON error instead.
async fn api_errors_as_json(uri: axum::http::Uri, response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !uri.path().starts_with("/api/") || is_json {
        return response;
    }
    match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => crate::api::ApiError::TooLarge {
            code: "body_too_large",
            message: "the request body is larger than this endpoint accepts".into(),
        }
        .into_response(),
        StatusCode::REQUEST_TIMEOUT => crate::api::ApiError::Timeout.into_response(),
        _ => response,
    }
}

/// CSRF defence for every state-changing request: a browser sends `Origin`
/// (and `Sec-Fetch-Site`) with POSTs, so a form or script on another site
/// is refused. Requests without these headers (curl, the offline queue's
/// same-origin fetches in old browsers) pass; cookies are SameSite=Lax too.
async fn same_origin_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    // The host the browser addressed: `Host` (HTTP/1.1), the URI's
    // authority (HTTP/2), or what a trusted proxy says it forwarded.
    let hosts = crate::forwarded::client(req.extensions()).hosts;
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin == "null" || !hosts.iter().any(|h| h.eq_ignore_ascii_case(origin_host))
        });
    if cross_site || foreign_origin {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    next.run(req).await
}

/// `GET /healthz`: 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let facilities = state.catalog.snapshot().index.len();
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "facilities": facilities})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}

/// What one server lets clients hold.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// To send a request's headers, from the connection's first byte (or
    /// the previous answer on a kept-alive one).
    pub header_timeout: Duration,
    /// Open connections; the next accept waits for one to close.
    pub max_connections: usize,
}

/// How long in-flight requests may run on after SIGTERM.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves until Ctrl-C or SIGTERM, then stops accepting and lets the open
/// requests finish (at most [`DRAIN_TIMEOUT`]).
///
/// hyper's own connection loop, not `axum::serve`: that one sets no timer,
/// so hyper's header timeout never fires and a client dribbling half a
/// header, or sending nothing, keeps its connection forever (400 such
/// stayed open past 35 s). The same timeout closes a kept-alive connection
/// that stays idle that long (nginx's upstream `keepalive_timeout` is
/// shorter, so nginx never reuses one being closed).
/// Accepted sockets get TCP_NODELAY: without it, Nagle's algorithm holds
/// back the small chunks of streamed HTML and throughput drops by more
/// than an order of magnitude.
pub async fn serve(router: Router, addr: std::net::SocketAddr, limits: ConnectionLimits) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    // HTTP/1.1 only: what browsers speak over plain HTTP and what nginx
    // speaks to its upstreams. (hyper-util's HTTP/1-or-2 detection reads
    // the first bytes with no timer, so a silent client held its place.)
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = async {
                let permit = permits.clone().acquire_owned().await;
                (permit, listener.accept().await)
            } => accepted,
            () = &mut shutdown => break,
        };
        let (permit, (tcp, peer)) = match accepted {
            (Ok(permit), Ok(conn)) => (permit, conn),
            (_, Err(e)) => {
                // Out of file descriptors, say: wait instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            (Err(_), _) => break,
        };
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            router.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = graceful.watch(http1.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    // No new connections from here (the listener closes); open ones finish
    // their requests and close.
    drop(listener);
    tracing::info!("draining open connections");
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after {DRAIN_TIMEOUT:?}; stopping anyway");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
