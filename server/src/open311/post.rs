//! `POST /open311/v2/requests.{json,xml}`: a city system files a
//! suggestion with its API key (`server api-key create`). The suggestion
//! enters the committee's inbox like any other, marked as coming through
//! Open311 from that key; the caller gets its receipt code as the
//! `service_request_id`.
//!
//! Fields (form-encoded): `api_key`; `service_code`; `lat` and `long`, or
//! `address_string` (with `jurisdiction_id`, or a key of one community);
//! `description`; `attribute[title]`; `first_name`, `last_name`, `phone`
//! and `email`, private to the committee like a resident's contact;
//! `media_url`, for the committee only (it is not fetched). `device_id`
//! and `account_id` are accepted and ignored.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::Extension;
use serde::Serialize;
use utoipa::ToSchema;

use app::domain::suggestion::draft::TITLE_MAX;
use app::domain::suggestion::{Category, Draft, FieldError, FieldErrors, SuggestionField};
use app::server::suggestions::{self, resolve_community, CreateError, Submission};

use super::{error, format_of, locale, not_found, unavailable, Answer, Format, Open311Error};
use crate::forwarded::Client;
use crate::state::ServerState;

/// The answer to a filing: the new request's id (it is `realtime`).
#[derive(Serialize, ToSchema)]
pub struct Filed {
    pub service_request_id: String,
    /// Where the request's progress is shown to the public.
    pub service_notice: String,
    pub account_id: Option<String>,
}

/// The form's fields as GeoReport v2 names them.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FilingForm {
    api_key: String,
    service_code: String,
    lat: Option<f64>,
    long: Option<f64>,
    address_string: Option<String>,
    jurisdiction_id: Option<String>,
    /// Up to 2 000 characters.
    description: Option<String>,
    #[schema(rename = "attribute[title]")]
    title: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    media_url: Option<String>,
}

/// File a suggestion as a service request.
#[utoipa::path(
    post,
    path = "/open311/v2/requests.{format}",
    tag = "open311",
    params(("format" = Format, Path)),
    request_body(content = FilingForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Filed", content(
            (Vec<Filed> = "application/json"),
            (String = "text/xml")
        )),
        (status = 400, description = "A field is missing or wrong (each named)", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 403, description = "No api_key, or one that is unknown, revoked, or of another community", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 404, description = "No such service_code or jurisdiction_id", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 429, description = "Over the key's (or the address's) rate limit; see Retry-After", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
        (status = 503, description = "The database is briefly unreachable", content(
            (Vec<Open311Error> = "application/json"),
            (String = "text/xml")
        )),
    )
)]
pub async fn create(
    State(state): State<ServerState>,
    uri: Uri,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let format = format_of(&uri);
    match file(&state, format, &client, &headers, &body).await {
        Ok(a) | Err(a) => a,
    }
}

fn too_many(format: Format, wait: std::time::Duration) -> Answer {
    let secs = crate::limits::retry_after_secs(wait);
    let mut a = error(
        format,
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many requests; retry after {secs} s"),
    );
    a.retry_after = Some(secs);
    a
}

async fn file(
    state: &ServerState,
    format: Format,
    client: &Client,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Answer, Answer> {
    let bad = |message: String| error(format, StatusCode::BAD_REQUEST, message);
    state
        .limits
        .check(client.ip)
        .await
        .map_err(|wait| too_many(format, wait))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(bad(
            "send the fields form-encoded (application/x-www-form-urlencoded)".into()
        ));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(body).map_err(|_| bad("the body is not form-encoded".into()))?;
    let field = |name: &str| crate::intake::field(&pairs, name).trim();

    let db = &state.app.db;
    let key = match field("api_key") {
        "" => None,
        presented => db
            .use_api_key(&crate::keys::key_hash(presented))
            .await
            .map_err(|e| unavailable(format, e))?,
    };
    let Some(key) = key else {
        return Err(error(
            format,
            StatusCode::FORBIDDEN,
            "a valid api_key is required to file a request",
        ));
    };
    state
        .limits
        .check_api_key(&key)
        .await
        .map_err(|wait| too_many(format, wait))?;

    let category = match field("service_code") {
        "" => return Err(bad("service_code is required".into())),
        code => Category::parse(code).ok_or_else(|| not_found(format, &format!("no service {code}")))?,
    };
    let snapshot = state.app.catalog.snapshot();
    let jurisdiction = match field("jurisdiction_id") {
        "" => None,
        code if snapshot.community(code).is_some() => Some(code.to_string()),
        code => return Err(not_found(format, &format!("no jurisdiction {code}"))),
    };
    let (lat, long) = (field("lat"), field("long"));
    if lat.is_empty() != long.is_empty() {
        return Err(bad("give lat and long together".into()));
    }
    let address = field("address_string");
    if lat.is_empty() && address.is_empty() && field("address_id").is_empty() {
        return Err(bad("a location is required: lat and long, or address_string".into()));
    }
    let description = field("description");
    let title = match field("attribute[title]") {
        "" => title_from(description, category, headers),
        t => t.to_string(),
    };
    let contact_name = [field("first_name"), field("last_name")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let draft = Draft {
        category: category.as_str().into(),
        lat: lat.into(),
        lng: long.into(),
        // Without a position, the community of the request or of the key.
        community: jurisdiction
            .clone()
            .or_else(|| (lat.is_empty()).then(|| key.community.clone()).flatten())
            .unwrap_or_default(),
        location_text: address.into(),
        title,
        description: description.into(),
        contact_name,
        contact_phone: field("phone").into(),
        // The city system collected the contact to pass it on.
        consent: true,
        website: String::new(),
    };
    let valid = draft.validate().map_err(|errors| field_errors(format, &errors))?;
    // A key of one community files only there.
    if let Some(own) = &key.community {
        match resolve_community(&snapshot.communities, &valid) {
            Ok(assigned) if &assigned.code != own => {
                return Err(error(
                    format,
                    StatusCode::FORBIDDEN,
                    format!(
                        "this api_key files only into {own}; the request is in {}",
                        assigned.code
                    ),
                ))
            }
            _ => {}
        }
    }
    let note = [("email", field("email")), ("media_url", field("media_url"))]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {}", v.chars().take(500).collect::<String>()))
        .collect::<Vec<_>>()
        .join("\n");
    let submission = Submission {
        photos: Vec::new(),
        staged_tokens: Vec::new(),
        idempotency_key: None,
        assisted: None,
        api_key: Some(key.id),
        note,
    };
    let filed = suggestions::file(db, &snapshot.communities, &valid, &submission)
        .await
        .map_err(|e| match e {
            CreateError::Fields(errors) => field_errors(format, &errors),
            CreateError::Store(e) => unavailable(format, e),
            e => {
                tracing::error!(error = %e, "open311: filing failed");
                error(format, StatusCode::SERVICE_UNAVAILABLE, "filing failed; try again")
            }
        })?;
    let code = filed.receipt_code.to_string();
    tracing::info!(key = %key.name, receipt = %code, "open311: filed");
    let notice = app::server::open311::tracking_notice(locale(headers), &format!("{}/track/{code}", client.origin()));
    Ok(Answer::ok(
        format,
        "service_requests",
        [Filed {
            service_request_id: code,
            service_notice: notice,
            account_id: None,
        }],
    ))
}

/// A title from the first line of the description, cut to fit; the
/// service's name when there is no description.
fn title_from(description: &str, category: Category, headers: &HeaderMap) -> String {
    let first = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if first.chars().count() >= 2 {
        let cut: String = first.chars().take(TITLE_MAX).collect();
        if cut.chars().count() < first.chars().count() {
            let shorter: String = cut.chars().take(TITLE_MAX - 1).collect();
            return format!("{shorter}…");
        }
        return cut;
    }
    app::components::suggestion_text::category_name(locale(headers), category)
}

/// Each wrong field as its own error, named as the caller sent it.
fn field_errors(format: Format, errors: &FieldErrors) -> Answer {
    let list: Vec<Open311Error> = errors
        .0
        .iter()
        .map(|&(f, e)| Open311Error {
            code: 400,
            description: format!("{}: {}", open311_name(f), explain(e)),
        })
        .collect();
    Answer {
        status: StatusCode::BAD_REQUEST,
        ..Answer::ok(format, "errors", list)
    }
}

fn open311_name(f: SuggestionField) -> &'static str {
    match f {
        SuggestionField::Category => "service_code",
        SuggestionField::Location => "lat/long",
        SuggestionField::Community => "jurisdiction_id",
        SuggestionField::LocationText => "address_string",
        SuggestionField::Title => "attribute[title]",
        SuggestionField::Description => "description",
        SuggestionField::ContactName => "first_name/last_name",
        SuggestionField::ContactPhone => "phone",
        other => other.as_str(),
    }
}

fn explain(e: FieldError) -> String {
    match e {
        FieldError::Required => "required".into(),
        FieldError::TooShort { min } => format!("at least {min} characters"),
        FieldError::TooLong { max } => format!("at most {max} characters"),
        FieldError::Invalid => "not valid".into(),
        FieldError::BadCharacters => "holds control characters".into(),
        FieldError::OutOfArea => "outside every community this server serves".into(),
        FieldError::UnknownCommunity => "no such community".into(),
        FieldError::TooMany { max } => format!("at most {max}"),
    }
}
