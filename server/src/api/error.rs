//! The one error type of the public API. Every failure becomes
//! `{"error": {"code": "...", "message": "..."}}` with a fitting status;
//! internal details are logged, never sent.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

use app::domain::suggestion::{FieldError, FieldErrors};
use app::server::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: a parameter is missing or invalid; `code` names the problem.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 404: no such resource.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413: the body, or one file in it, is larger than allowed.
    #[error("{message}")]
    TooLarge { code: &'static str, message: String },
    /// 415: a body or file of a type this endpoint does not take.
    #[error("{message}")]
    UnsupportedMediaType { code: &'static str, message: String },
    /// 422: the request is well-formed but fields are invalid; each field's
    /// problem is listed in `fields`.
    #[error("some fields are invalid")]
    InvalidFields(FieldErrors),
    /// 422: a well-formed request that cannot be carried out.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// 409: a concurrent request changed the same thing first; retrying
    /// (with the same `Idempotency-Key`) is safe.
    #[error("{0}")]
    Conflict(String),
    /// 503: the database is unreachable or busy; try again shortly.
    #[error("the service is briefly unavailable; try again")]
    Unavailable(#[source] anyhow::Error),
    /// 408: the request took too long (a slow upload).
    #[error("the request took too long; try again")]
    Timeout,
    /// 429: this client is over its rate limit; `Retry-After` says when to
    /// try again.
    #[error("too many requests; retry after {0} s")]
    TooManyRequests(u64),
    /// 500: logged with its cause; the client sees a generic message.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `invalid_lat`, `not_found`.
    pub code: String,
    /// A human-readable explanation in English.
    pub message: String,
    /// With `invalid_fields`: what is wrong with each field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
    /// With `rate_limited` and `unavailable`: seconds to wait (also in
    /// `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// The request field, e.g. `title`, `lat`/`lng` are reported as `location`.
    pub field: String,
    /// `required`, `too_short`, `too_long`, `invalid`, `bad_characters`,
    /// `out_of_area`, `unknown_community`, `too_many`.
    pub code: String,
    /// The limit that was crossed, for `too_short`, `too_long`, `too_many`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, *code),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::TooLarge { code, .. } => (StatusCode::PAYLOAD_TOO_LARGE, *code),
            ApiError::UnsupportedMediaType { code, .. } => (StatusCode::UNSUPPORTED_MEDIA_TYPE, *code),
            ApiError::InvalidFields(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Unavailable(e) => {
                tracing::warn!(error = ?e, "API request found the database unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            ApiError::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "API request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let fields = match &self {
            ApiError::InvalidFields(errors) => errors
                .0
                .iter()
                .map(|(field, error)| FieldProblem {
                    field: field.as_str().to_string(),
                    code: error.code().to_string(),
                    limit: match error {
                        FieldError::TooShort { min } => Some(*min),
                        FieldError::TooLong { max } | FieldError::TooMany { max } => Some(*max),
                        _ => None,
                    },
                })
                .collect(),
            _ => Vec::new(),
        };
        let retry_after = match &self {
            ApiError::TooManyRequests(secs) => Some(*secs),
            ApiError::Unavailable(_) => Some(app::pages::error::UNAVAILABLE_RETRY_SECS),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: self.to_string(),
                fields,
                retry_after,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Storage errors at the API boundary: a unique key taken by a concurrent
/// request is a 409 on every backend, an unreachable database a 503, and
/// anything else a logged 500.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_unique_violation() {
            ApiError::Conflict("a concurrent request changed this first; try again".into())
        } else if e.is_unavailable() {
            ApiError::Unavailable(e.into())
        } else {
            ApiError::Internal(e.into())
        }
    }
}

/// A query string whose rejection is the API's JSON 400 (`invalid_query`),
/// not axum's plain text.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(value) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::BadRequest {
                code: "invalid_query",
                message: e.body_text(),
            })?;
        Ok(ApiQuery(value))
    }
}
