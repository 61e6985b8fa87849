//! `GET /api/v1/sorting/search?q=` and the dictionary download the browser
//! searches offline.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::domain::facility::WasteCategory;
use app::domain::sorting::normalize::normalize;
use app::prefs::Prefs;
use app::server::AppState;

use super::error::{ApiError, ApiQuery};

/// Longest accepted `q`, in characters, before normalisation.
pub const MAX_Q_CHARS: usize = 200;
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 50;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look up: Chinese characters, pinyin (full or initials) or
    /// English; 1–200 characters, not only spaces or control characters.
    #[param(
        required = true,
        min_length = 1,
        max_length = 200,
        pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
    )]
    q: Option<String>,
    /// At most this many results, 1–50; default 10.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// Best match first.
    pub results: Vec<SearchItem>,
    /// Near misses when there is no result ("did you mean").
    pub did_you_mean: Vec<SearchItem>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchItem {
    /// In the language of `Accept-Language` (Chinese by default).
    pub name: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: WasteCategory,
    pub tip: String,
}

/// Which bin an item goes in, under Chengdu's rules.
#[utoipa::path(
    get,
    path = "/api/v1/sorting/search",
    tag = "sorting",
    params(SearchParams),
    responses(
        (status = 200, description = "Matching items, best first", body = SearchResponse),
        (status = 400, description = "`q` missing, empty or too long, or `limit` invalid", body = super::error::ErrorBody)
    )
)]
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let raw = params.q.unwrap_or_default();
    if raw.chars().count() > MAX_Q_CHARS {
        return Err(ApiError::BadRequest {
            code: "q_too_long",
            message: format!("`q` must be at most {MAX_Q_CHARS} characters"),
        });
    }
    if normalize(&raw).is_empty() {
        return Err(ApiError::BadRequest {
            code: "missing_q",
            message: "`q` is required".into(),
        });
    }
    let limit = match params.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or(ApiError::BadRequest {
                code: "invalid_limit",
                message: format!("`limit` must be a whole number from 1 to {MAX_LIMIT}"),
            })?,
    };
    let al = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let english = Prefs::from_headers(None, al).english();
    let snapshot = state.catalog.snapshot();
    let index = &snapshot.sorting;
    let outcome = index.search(&raw, limit);
    let item = |i: u32| {
        let it = index.item(i);
        SearchItem {
            name: it.name(english).to_string(),
            name_zh: it.name_zh.clone(),
            name_en: it.name_en.clone(),
            category: it.category,
            tip: it.tip(english).to_string(),
        }
    };
    Ok(Json(SearchResponse {
        results: outcome.matches.iter().map(|m| item(m.item)).collect(),
        did_you_mean: outcome.did_you_mean.iter().map(|&i| item(i)).collect(),
    }))
}

/// The whole dictionary as tab-separated text (the columns of
/// `seeds/sorting.csv`), for searching in the browser and offline.
pub async fn dictionary(State(state): State<AppState>, headers: HeaderMap) -> Response {
    super::download(
        &state.catalog.snapshot().sorting_download,
        &headers,
        super::DOWNLOAD_CACHE,
    )
}
