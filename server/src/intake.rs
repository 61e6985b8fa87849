//! Reading a suggestion out of a request body: JSON, a urlencoded form or a
//! multipart form with photos. Photos are checked and re-encoded as they
//! arrive, one at a time, each bounded in bytes before it is decoded.

use axum::extract::multipart::{Field, Multipart, MultipartError};

use app::domain::suggestion::draft::MAX_PHOTOS;
use app::domain::suggestion::Draft;
use app::server::photos::{process::MAX_UPLOAD_BYTES, PhotoError, PhotoStore};

use crate::state::TEXT_FIELD_MAX_BYTES;
use app::server::store::StoredPhoto;
use app::server::suggestions::{store_photo, UploadError};

/// What could be read. Reading goes on past a refused photo, so a form
/// can come back with everything else the resident typed.
#[derive(Debug, Default)]
pub struct Intake {
    /// Text fields in arrival order; repeated names are kept.
    pub fields: Vec<(String, String)>,
    pub photos: Vec<StoredPhoto>,
    /// Photos refused, in order.
    pub rejected: Vec<PhotoError>,
    /// More photos were sent than allowed; the extra ones were not read.
    pub too_many: bool,
    /// Reading stopped here (malformed or oversized body).
    pub error: Option<IntakeError>,
}

impl Intake {
    /// The first problem, for callers (the API) that refuse on any.
    pub fn first_problem(&mut self) -> Option<IntakeError> {
        if let Some(e) = self.error.take() {
            return Some(e);
        }
        if let Some(p) = self.rejected.first() {
            return Some(IntakeError::Photo(*p));
        }
        self.too_many.then_some(IntakeError::TooManyPhotos)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("photo: {0}")]
    Photo(PhotoError),
    #[error("more than {MAX_PHOTOS} photos")]
    TooManyPhotos,
    #[error("field `{0}` is too long")]
    FieldTooLong(String),
    #[error("malformed multipart body: {0}")]
    Malformed(String),
    #[error("storing a photo: {0}")]
    Io(#[from] std::io::Error),
}

impl From<MultipartError> for IntakeError {
    fn from(e: MultipartError) -> Self {
        IntakeError::Malformed(e.body_text())
    }
}

/// Is this multipart part a photo? File parts named `photos` or `photo`.
fn is_photo(field: &Field<'_>) -> bool {
    matches!(field.name(), Some("photos" | "photo")) && field.file_name().is_some()
}

/// Reads every part. At most `max_photos` photos are decoded and stored
/// (none when it is 0, e.g. for a rate-limited client), minus the photos the
/// form already carries (`photo` fields not ticked in `remove_photo`).
pub async fn read_multipart(multipart: Multipart, store: &PhotoStore, max_photos: usize) -> Intake {
    let mut intake = Intake::default();
    if let Err(e) = read_parts(multipart, store, max_photos, &mut intake).await {
        intake.error = Some(e);
    }
    intake
}

async fn read_parts(
    mut multipart: Multipart,
    store: &PhotoStore,
    max_photos: usize,
    intake: &mut Intake,
) -> Result<(), IntakeError> {
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if is_photo(&field) {
            let kept = fields(&intake.fields, "photo").count()
                - fields(&intake.fields, "remove_photo")
                    .count()
                    .min(fields(&intake.fields, "photo").count());
            if kept + intake.photos.len() + intake.rejected.len() >= max_photos {
                // Not read: an empty file input sends an empty part, which
                // is not "too many", so peek at one chunk.
                if field.chunk().await?.is_some_and(|c| !c.is_empty()) {
                    intake.too_many = true;
                }
                continue;
            }
            let Some(bytes) = read_limited(&mut field, MAX_UPLOAD_BYTES).await? else {
                intake.rejected.push(PhotoError::TooManyBytes);
                continue;
            };
            // A form with an empty file input still sends an empty part.
            if bytes.is_empty() {
                continue;
            }
            match store_photo(store, bytes).await {
                Ok(photo) => intake.photos.push(photo),
                Err(UploadError::Photo(p)) => intake.rejected.push(p),
                Err(UploadError::Io(e)) => return Err(IntakeError::Io(e)),
            }
        } else {
            let bytes = read_limited(&mut field, TEXT_FIELD_MAX_BYTES)
                .await?
                .ok_or_else(|| IntakeError::FieldTooLong(name.clone()))?;
            let text =
                String::from_utf8(bytes).map_err(|_| IntakeError::Malformed(format!("`{name}` is not UTF-8")))?;
            intake.fields.push((name, text));
        }
    }
    Ok(())
}

/// The part's bytes, or `None` as soon as it exceeds `max`.
async fn read_limited(field: &mut Field<'_>, max: usize) -> Result<Option<Vec<u8>>, IntakeError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        if bytes.len() + chunk.len() > max {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// The request's media type, lower-case, without parameters checked.
pub fn content_type(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The first value of a field, or "".
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

/// Every value of a repeated field.
pub fn fields<'a>(all: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    all.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// A draft from form fields named as in the API.
pub fn draft_from_fields(f: &[(String, String)]) -> Draft {
    Draft {
        category: field(f, "category").to_string(),
        lat: field(f, "lat").to_string(),
        lng: field(f, "lng").to_string(),
        community: field(f, "community").to_string(),
        location_text: field(f, "location_text").to_string(),
        title: field(f, "title").to_string(),
        description: field(f, "description").to_string(),
        contact_name: field(f, "contact_name").to_string(),
        contact_phone: field(f, "contact_phone").to_string(),
        consent: matches!(field(f, "consent"), "on" | "true" | "1" | "yes"),
        website: field(f, "website").to_string(),
    }
}
