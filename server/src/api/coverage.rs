//! `GET /api/v1/residences`, `GET /api/v1/coverage` and
//! `GET /api/v1/coverage/sites`: who is within a walk of the nearest point
//! of a kind, who is not, and where the next points would help most
//! (`app::domain::coverage` has the model). Aggregate head counts only.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::domain::coverage::{Residence, MAX_SITES};
use app::domain::facility::Kind;
use app::domain::walking::Pace;
use app::server::coverage::{self, Question};
use app::server::AppState;

use super::error::{ApiError, ApiQuery};
use super::facilities::english;

fn bad(code: &'static str, message: &str) -> ApiError {
    ApiError::BadRequest {
        code,
        message: message.to_string(),
    }
}

/// The parameters as sent, checked by hand for precise errors.
#[derive(Debug, Default, Deserialize)]
pub struct CoverageParams {
    kind: Option<String>,
    minutes: Option<String>,
    pace: Option<String>,
    community: Option<String>,
    k: Option<String>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|v| !v.is_empty())
}

impl CoverageParams {
    fn question(&self) -> Result<Question, ApiError> {
        let kind =
            present(&self.kind).ok_or_else(|| bad("missing_kind", "`kind` is required: meal, reading or sorting"))?;
        let kind = Kind::parse(kind).ok_or_else(|| bad("invalid_kind", "`kind` must be meal, reading or sorting"))?;
        let minutes = match present(&self.minutes) {
            None | Some("15") => 15,
            Some("30") => 30,
            Some(_) => return Err(bad("invalid_minutes", "`minutes` must be 15 or 30")),
        };
        let pace = match present(&self.pace) {
            None => Pace::Normal,
            Some(p) => Pace::parse(p).ok_or_else(|| bad("invalid_pace", "`pace` must be normal or elderly"))?,
        };
        Ok(Question { kind, minutes, pace })
    }

    fn k(&self) -> Result<usize, ApiError> {
        present(&self.k)
            .unwrap_or("3")
            .parse::<usize>()
            .ok()
            .filter(|k| (1..=MAX_SITES).contains(k))
            .ok_or_else(|| bad("invalid_k", "`k` must be a whole number from 1 to 10"))
    }
}

/// The compounds asked for: of one community (which must exist), or all.
async fn residences_of(state: &AppState, community: &Option<String>) -> Result<Vec<Residence>, ApiError> {
    let community = present(community);
    if let Some(code) = community {
        if state.catalog.snapshot().community(code).is_none() {
            // As for the suggestions list: an unknown community is a 404.
            return Err(ApiError::NotFound(format!("no community `{code}`")));
        }
    }
    state.db.residences(community).await.map_err(ApiError::from)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ResidencesQueryDoc {
    /// A community's code; omitted: every community.
    community: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResidencesResponse {
    pub residences: Vec<ResidenceItem>,
}

#[derive(Serialize, ToSchema)]
pub struct ResidenceItem {
    pub id: i64,
    /// In the language of `Accept-Language` (Chinese by default).
    pub name: String,
    /// The community's code.
    pub community: String,
    pub lat: f64,
    pub lng: f64,
    pub residents: u32,
    /// Residents aged 60 or more.
    pub elderly: u32,
}

/// Residential compounds with their aggregate head counts.
#[utoipa::path(
    get,
    path = "/api/v1/residences",
    tag = "coverage",
    params(ResidencesQueryDoc),
    responses(
        (status = 200, description = "Compounds by id", body = ResidencesResponse),
        (status = 400, description = "A parameter is invalid or given twice", body = super::error::ErrorBody),
        (status = 404, description = "No such community", body = super::error::ErrorBody)
    )
)]
pub async fn residences(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<CoverageParams>,
) -> Result<Json<ResidencesResponse>, ApiError> {
    let english = english(&headers);
    let residences = residences_of(&state, &params.community).await?;
    Ok(Json(ResidencesResponse {
        residences: residences
            .into_iter()
            .map(|r| ResidenceItem {
                id: r.id,
                name: r.name(english).to_string(),
                community: r.community,
                lat: r.location.lat,
                lng: r.location.lng,
                residents: r.residents,
                elderly: r.elderly,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CoverageQueryDoc {
    /// `meal`, `reading` or `sorting`.
    #[param(pattern = "^(meal|reading|sorting)$")]
    kind: String,
    /// Walking radius: 15 (city, default) or 30 (suburbs).
    #[param(pattern = "^(15|30)?$")]
    minutes: Option<String>,
    /// `normal` (1.2 m/s, default) or `elderly` (0.9 m/s).
    #[param(pattern = "^(normal|elderly)?$")]
    pace: Option<String>,
    /// A community's code; omitted: every community.
    community: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageResponse {
    pub kind: Kind,
    pub minutes: u32,
    pub pace: Pace,
    pub residents: u64,
    pub residents_covered: u64,
    pub elderly: u64,
    pub elderly_covered: u64,
    /// By community code.
    pub communities: Vec<CommunityCoverage>,
    /// Compounds out of reach, most 60+ residents first.
    pub gaps: Vec<GapItem>,
}

#[derive(Serialize, ToSchema)]
pub struct CommunityCoverage {
    pub code: String,
    pub residents: u64,
    pub residents_covered: u64,
    pub elderly: u64,
    pub elderly_covered: u64,
}

#[derive(Serialize, ToSchema)]
pub struct GapItem {
    pub id: i64,
    pub name: String,
    pub community: String,
    pub lat: f64,
    pub lng: f64,
    pub residents: u32,
    pub elderly: u32,
    /// Walking minutes to the nearest point of the kind, as the nearby
    /// search shows them; null when there is none at all.
    pub walk_minutes: Option<u32>,
}

/// How many residents, and how many aged 60+, are within the walking
/// radius of the nearest point of a kind (open or not; the nearby search's
/// walking model), and which compounds are not.
#[utoipa::path(
    get,
    path = "/api/v1/coverage",
    tag = "coverage",
    params(CoverageQueryDoc),
    responses(
        (status = 200, description = "Coverage, per community, and the gaps", body = CoverageResponse),
        (status = 400, description = "A parameter is missing or invalid", body = super::error::ErrorBody),
        (status = 404, description = "No such community", body = super::error::ErrorBody)
    )
)]
pub async fn coverage(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<CoverageParams>,
) -> Result<Json<CoverageResponse>, ApiError> {
    let q = params.question()?;
    let english = english(&headers);
    let residences = residences_of(&state, &params.community).await?;
    let answer = coverage::answer(&state.catalog.snapshot().index, &residences, q);
    Ok(Json(CoverageResponse {
        kind: q.kind,
        minutes: q.minutes,
        pace: q.pace,
        residents: answer.total.residents,
        residents_covered: answer.total.residents_covered,
        elderly: answer.total.elderly,
        elderly_covered: answer.total.elderly_covered,
        communities: answer
            .communities
            .into_iter()
            .map(|c| CommunityCoverage {
                code: c.code,
                residents: c.tally.residents,
                residents_covered: c.tally.residents_covered,
                elderly: c.tally.elderly,
                elderly_covered: c.tally.elderly_covered,
            })
            .collect(),
        gaps: answer
            .gaps
            .into_iter()
            .map(|g| {
                let r = &residences[g.index];
                GapItem {
                    id: r.id,
                    name: r.name(english).to_string(),
                    community: r.community.clone(),
                    lat: r.location.lat,
                    lng: r.location.lng,
                    residents: r.residents,
                    elderly: r.elderly,
                    walk_minutes: g.walk_minutes,
                }
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SitesQueryDoc {
    /// `meal`, `reading` or `sorting`.
    #[param(pattern = "^(meal|reading|sorting)$")]
    kind: String,
    /// Walking radius: 15 (default) or 30.
    #[param(pattern = "^(15|30)?$")]
    minutes: Option<String>,
    /// `normal` (default) or `elderly`.
    #[param(pattern = "^(normal|elderly)?$")]
    pace: Option<String>,
    /// How many sites, 1–10; default 3.
    #[param(minimum = 1, maximum = 10)]
    k: Option<u32>,
    /// A community's code; omitted: every community.
    community: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SitesResponse {
    /// Best first; each gain counts only residents not reached by the
    /// sites before it, so gains never increase.
    pub sites: Vec<SiteItem>,
}

#[derive(Serialize, ToSchema)]
pub struct SiteItem {
    /// The compound whose location the site is.
    pub residence_id: i64,
    pub lat: f64,
    pub lng: f64,
    /// Residents aged 60+ newly within reach.
    pub elderly_gain: u64,
    pub residents_gain: u64,
}

/// Where to open the next `k` points of a kind, chosen greedily among the
/// compounds' locations, each bringing the most 60+ residents newly within
/// reach given the ones before it. Fewer than `k` when nobody is left out.
#[utoipa::path(
    get,
    path = "/api/v1/coverage/sites",
    tag = "coverage",
    params(SitesQueryDoc),
    responses(
        (status = 200, description = "Suggested sites, best first", body = SitesResponse),
        (status = 400, description = "A parameter is missing or invalid", body = super::error::ErrorBody),
        (status = 404, description = "No such community", body = super::error::ErrorBody)
    )
)]
pub async fn sites(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CoverageParams>,
) -> Result<Json<SitesResponse>, ApiError> {
    let q = params.question()?;
    let k = params.k()?;
    let residences = residences_of(&state, &params.community).await?;
    let index = state.catalog.snapshot().index.clone();
    // Thousands of compounds take milliseconds; a whole city's, longer:
    // off the request threads.
    let sites = tokio::task::spawn_blocking(move || {
        coverage::sites(&index, &residences, q, k)
            .into_iter()
            .map(|s| {
                let r = &residences[s.index];
                SiteItem {
                    residence_id: r.id,
                    lat: r.location.lat,
                    lng: r.location.lng,
                    elderly_gain: s.elderly_gain,
                    residents_gain: s.residents_gain,
                }
            })
            .collect()
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(SitesResponse { sites }))
}
