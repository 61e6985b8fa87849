//! `/api/v1/suggestions`: file a micro-renewal suggestion (JSON, or
//! multipart with photos), read its public view and timeline, list a
//! community's suggestions, and support one.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::domain::suggestion::draft::MAX_PHOTOS;
use app::domain::suggestion::{
    Category, Draft, FieldError, FieldErrors, PublicSuggestion, ReceiptCode, SuggestionField, SuggestionSummary,
};
use app::server::photos::PhotoError;
use app::server::suggestions::{self, CreateError, Submission};
use app::server::AppState;

use super::error::{ApiError, ApiQuery};
use crate::device;
use crate::intake::{self, IntakeError};
use crate::limits::{client_ip, retry_after_secs};
use crate::state::ServerState;

/// A new suggestion as JSON. With photos, send the same fields as
/// `multipart/form-data` plus up to three files named `photos`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SuggestionRequest {
    /// `seating`, `lighting`, `greenery`, `accessibility`, `sanitation`,
    /// `traffic`, `play` or `other` (spaces around it are forgiven).
    #[schema(
        required = true,
        pattern = "^\\s*(seating|lighting|greenery|accessibility|sanitation|traffic|play|other)\\s*$"
    )]
    pub category: String,
    /// 2–80 characters, not counting spaces around them.
    #[schema(required = true, min_length = 2)]
    pub title: String,
    /// Up to 2 000 characters.
    pub description: String,
    /// WGS-84; give both or neither. Without a position, `community` and
    /// `location_text` are required.
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A community code (`server communities`); found from the position
    /// when omitted.
    pub community: String,
    /// Up to 200 characters, e.g. "the corner of Yulin North Road".
    pub location_text: String,
    /// Optional and private: only the community's committee sees them.
    /// Sending them means the resident agreed to be contacted.
    pub contact_name: String,
    pub contact_phone: String,
}

impl SuggestionRequest {
    fn into_draft(self) -> Draft {
        Draft {
            category: self.category,
            lat: self.lat.map(|v| v.to_string()).unwrap_or_default(),
            lng: self.lng.map(|v| v.to_string()).unwrap_or_default(),
            community: self.community,
            location_text: self.location_text,
            title: self.title,
            description: self.description,
            consent: true,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            website: String::new(),
        }
    }
}

/// The public view of a suggestion; never contains contact details.
#[derive(Serialize, ToSchema)]
pub struct SuggestionResponse {
    pub receipt_code: String,
    /// `received`, `reviewing`, `accepted`, `in_progress`, `done`,
    /// `declined` or `duplicate`.
    pub status: String,
    pub category: String,
    pub community: String,
    /// Hidden by the committee: title, description, place and photos are
    /// withheld.
    pub hidden: bool,
    pub title: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub location_text: String,
    /// How many devices support it.
    pub supports: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub photos: Vec<PhotoResponse>,
    /// Status changes and the committee's public replies, oldest first.
    pub timeline: Vec<EventResponse>,
    pub duplicate_of: Option<String>,
    /// The resident's tracking page.
    pub tracking_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct PhotoResponse {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Serialize, ToSchema)]
pub struct EventResponse {
    pub at: String,
    pub status: Option<String>,
    pub reply: String,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionListResponse {
    pub community: String,
    pub suggestions: Vec<SummaryResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct SummaryResponse {
    pub receipt_code: String,
    pub category: String,
    pub status: String,
    pub title: String,
    pub supports: i64,
    pub created_at: String,
    pub tracking_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct SupportResponse {
    pub receipt_code: String,
    pub supports: i64,
    /// False when this device had already supported it.
    pub counted: bool,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl From<PublicSuggestion> for SuggestionResponse {
    fn from(s: PublicSuggestion) -> Self {
        Self {
            tracking_url: format!("/track/{}", s.receipt_code),
            receipt_code: s.receipt_code.to_string(),
            status: s.status.as_str().to_string(),
            category: s.category.as_str().to_string(),
            community: s.community,
            hidden: s.hidden,
            title: s.title,
            description: s.description,
            lat: s.location.map(|p| p.lat),
            lng: s.location.map(|p| p.lng),
            location_text: s.location_text,
            supports: s.supports,
            created_at: rfc3339(s.created_at),
            photos: s
                .photos
                .into_iter()
                .map(|p| PhotoResponse {
                    url: p.url,
                    width: p.width,
                    height: p.height,
                })
                .collect(),
            timeline: s
                .timeline
                .into_iter()
                .map(|e| EventResponse {
                    at: rfc3339(e.at),
                    status: e.status.map(|s| s.as_str().to_string()),
                    reply: e.reply,
                })
                .collect(),
            duplicate_of: s.duplicate_of.map(|c| c.to_string()),
        }
    }
}

impl From<SuggestionSummary> for SummaryResponse {
    fn from(s: SuggestionSummary) -> Self {
        Self {
            tracking_url: format!("/track/{}", s.receipt_code),
            receipt_code: s.receipt_code.to_string(),
            category: s.category.as_str().to_string(),
            status: s.status.as_str().to_string(),
            title: s.title,
            supports: s.supports,
            created_at: rfc3339(s.created_at),
        }
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::Photo(p) => photo_error(p),
            IntakeError::TooManyPhotos => {
                let mut errors = FieldErrors::default();
                errors.add(SuggestionField::Photos, FieldError::TooMany { max: MAX_PHOTOS });
                ApiError::InvalidFields(errors)
            }
            IntakeError::FieldTooLong(name) => ApiError::TooLarge {
                code: "field_too_large",
                message: format!(
                    "the field `{name}` is larger than {} bytes",
                    crate::state::TEXT_FIELD_MAX_BYTES
                ),
            },
            IntakeError::Malformed(m) => ApiError::BadRequest {
                code: "malformed_body",
                message: m,
            },
            // The photo store failing (a full disk, an unreachable
            // database) is not the client's fault: try again later.
            IntakeError::Io(e) => ApiError::Unavailable(e.into()),
        }
    }
}

pub fn photo_error(p: PhotoError) -> ApiError {
    let message = p.to_string();
    match p {
        PhotoError::TooManyBytes | PhotoError::TooManyPixels => ApiError::TooLarge {
            code: p.code(),
            message,
        },
        PhotoError::UnsupportedFormat => ApiError::UnsupportedMediaType {
            code: p.code(),
            message,
        },
        PhotoError::Corrupt => ApiError::Unprocessable {
            code: p.code(),
            message,
        },
    }
}

impl From<CreateError> for ApiError {
    fn from(e: CreateError) -> Self {
        match e {
            CreateError::Fields(errors) => ApiError::InvalidFields(errors),
            CreateError::KeyReused => ApiError::Unprocessable {
                code: "idempotency_key_reused",
                message: "this Idempotency-Key was already used for a different suggestion".into(),
            },
            CreateError::Store(e) => e.into(),
            e => ApiError::Internal(e.into()),
        }
    }
}

async fn check_rate(state: &ServerState, client: std::net::IpAddr) -> Result<(), ApiError> {
    state
        .limits
        .check(client)
        .await
        .map_err(|wait| ApiError::TooManyRequests(retry_after_secs(wait)))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if suggestions::valid_idempotency_key(key) => Ok(Some(key.to_string())),
        _ => Err(ApiError::BadRequest {
            code: "invalid_idempotency_key",
            message: format!(
                "Idempotency-Key must be 1–{} visible ASCII characters",
                suggestions::IDEMPOTENCY_KEY_MAX
            ),
        }),
    }
}

/// File a suggestion.
#[utoipa::path(
    post,
    path = "/api/v1/suggestions",
    tag = "suggestions",
    request_body(content(
        (SuggestionRequest = "application/json"),
        (SuggestionRequest = "multipart/form-data")
    )),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Any unique string (a UUID). A retry with the same key returns the same suggestion with 200.")),
    responses(
        (status = 201, description = "Filed", body = SuggestionResponse),
        (status = 200, description = "Already filed with this Idempotency-Key", body = SuggestionResponse),
        (status = 400, description = "Malformed body or key", body = super::error::ErrorBody),
        (status = 413, description = "Too large (body, a field or a photo, or a photo with too many pixels)", body = super::error::ErrorBody),
        (status = 415, description = "Not JSON or multipart, or a photo that is not JPEG/PNG/WebP", body = super::error::ErrorBody),
        (status = 422, description = "Invalid fields (listed), damaged photo or reused key", body = super::error::ErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = super::error::ErrorBody),
    )
)]
pub async fn create(State(state): State<ServerState>, req: Request) -> Result<Response, ApiError> {
    check_rate(&state, client_ip(req.extensions())).await?;
    let (headers, extensions) = (req.headers().clone(), req.extensions().clone());
    let key = idempotency_key(req.headers())?;
    let content_type = intake::content_type(req.headers());
    let app = state.app.clone();
    let (draft, photos) = if content_type.starts_with("application/json") {
        let Json(body) = Json::<SuggestionRequest>::from_request(req, &state)
            .await
            .map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge {
                    code: "body_too_large",
                    message: e.body_text(),
                },
                _ => ApiError::BadRequest {
                    code: "invalid_json",
                    message: e.body_text(),
                },
            })?;
        (body.into_draft(), Vec::new())
    } else if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(req, &state)
            .await
            .map_err(|e| ApiError::BadRequest {
                code: "malformed_body",
                message: e.body_text(),
            })?;
        let mut intake = intake::read_multipart(multipart, &app.photos, MAX_PHOTOS).await;
        if let Some(problem) = intake.first_problem() {
            return Err(problem.into());
        }
        let mut draft = intake::draft_from_fields(&intake.fields);
        draft.consent = true;
        (draft, intake.photos)
    } else {
        return Err(ApiError::UnsupportedMediaType {
            code: "unsupported_content_type",
            message: "send application/json, or multipart/form-data with photos".into(),
        });
    };
    let valid = draft.validate().map_err(ApiError::InvalidFields)?;
    let snapshot = app.catalog.snapshot();
    let submission = Submission {
        photos,
        staged_tokens: Vec::new(),
        idempotency_key: key,
        assisted: None,
        api_key: None,
        note: String::new(),
    };
    let filed = suggestions::file(&app.db, &snapshot.communities, &valid, &submission).await?;
    let view = public_view(&app, &filed.receipt_code).await?;
    let status = if filed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let location = format!("/api/v1/suggestions/{}", filed.receipt_code);
    let steps = app::server::mine::steps(&view);
    let mut response = (
        status,
        [(header::LOCATION, location)],
        Json(SuggestionResponse::from(view)),
    )
        .into_response();
    // Sent from a phone (the app's outbox, the offline form): remembered on
    // it, in its "my suggestions" cookie. Other clients ignore the cookie.
    crate::mine::remember_seen(&headers, &extensions, &filed.receipt_code, steps, &mut response);
    Ok(response)
}

async fn public_view(app: &AppState, code: &ReceiptCode) -> Result<PublicSuggestion, ApiError> {
    app.db
        .public_suggestion(code)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no suggestion {code}")))
}

fn parse_code(code: &str) -> Result<ReceiptCode, ApiError> {
    ReceiptCode::parse(code).ok_or_else(|| ApiError::NotFound("no such receipt code".into()))
}

/// A suggestion's public view and timeline.
#[utoipa::path(
    get,
    path = "/api/v1/suggestions/{receipt_code}",
    tag = "suggestions",
    params(("receipt_code" = String, Path, description = "e.g. WH-7K3Q; case and dashes are forgiven")),
    responses(
        (status = 200, body = SuggestionResponse),
        (status = 404, body = super::error::ErrorBody),
    )
)]
pub async fn show(State(app): State<AppState>, Path(code): Path<String>) -> Result<Json<SuggestionResponse>, ApiError> {
    let code = parse_code(&code)?;
    Ok(Json(public_view(&app, &code).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A community code (an unknown one is a 404).
    community: String,
    /// Only this category; empty means every category.
    #[param(pattern = "^(seating|lighting|greenery|accessibility|sanitation|traffic|play|other)?$")]
    category: Option<String>,
    /// 1–100, default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// How many to skip, from 0 (the default).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// A community's public suggestions, newest first (hidden ones left out).
#[utoipa::path(
    get,
    path = "/api/v1/suggestions",
    tag = "suggestions",
    params(ListQuery),
    responses(
        (status = 200, body = SuggestionListResponse),
        (status = 400, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody),
    )
)]
pub async fn list(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<SuggestionListResponse>, ApiError> {
    if app.catalog.snapshot().community(&q.community).is_none() {
        return Err(ApiError::NotFound(format!("no community `{}`", q.community)));
    }
    let category = match q.category.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(Category::parse(c).ok_or_else(|| ApiError::BadRequest {
            code: "invalid_category",
            message: format!("unknown category `{c}`"),
        })?),
    };
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    if !(1..=100).contains(&limit) || offset < 0 {
        return Err(ApiError::BadRequest {
            code: "invalid_limit",
            message: "limit must be 1–100 and offset at least 0".into(),
        });
    }
    let found = app
        .db
        .community_suggestions(&q.community, category, limit, offset)
        .await?;
    Ok(Json(SuggestionListResponse {
        community: q.community,
        suggestions: found.into_iter().map(Into::into).collect(),
    }))
}

/// Support (+1) a suggestion, once per device (the `linli_device` cookie,
/// set on first use).
#[utoipa::path(
    post,
    path = "/api/v1/suggestions/{receipt_code}/support",
    tag = "suggestions",
    params(("receipt_code" = String, Path)),
    responses(
        (status = 200, body = SupportResponse),
        (status = 404, body = super::error::ErrorBody),
        (status = 429, body = super::error::ErrorBody),
    )
)]
pub async fn support(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    check_rate(&state, client_ip(req.extensions())).await?;
    let code = parse_code(&code)?;
    let (device, new_cookie) = match device::device_id(req.headers()) {
        Some(id) => (id, None),
        None => {
            let id = suggestions::random_token();
            let cookie = device::device_cookie(&id, device::is_https(req.extensions()));
            (id, Some(cookie))
        }
    };
    let (supports, counted) = state
        .app
        .db
        .add_support(&code, &suggestions::device_hash(&device))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no suggestion {code}")))?;
    let mut response = Json(SupportResponse {
        receipt_code: code.to_string(),
        supports,
        counted,
    })
    .into_response();
    if let Some(cookie) = new_cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}
