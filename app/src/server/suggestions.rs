//! Filing suggestions: the rules around the store that every entry point
//! (the web form, the JSON API, the offline queue) shares — community
//! resolution, receipt codes, idempotent retries and duplicate hints.

use sha2::{Digest, Sha256};

use crate::domain::coords::LatLng;
use crate::domain::facility::Community;
use crate::domain::suggestion::receipt::{prefix_for_community, RANDOM_LEN};
use crate::domain::suggestion::{
    Category, FieldError, FieldErrors, ReceiptCode, SuggestionField, SuggestionSummary, ValidSuggestion,
};
use crate::domain::walking::haversine_m;
use crate::server::photos::{self, PhotoError, PhotoStore};
use crate::server::store::{Db, Inserted, NewSuggestion, StoreError, StoredPhoto};

/// "Nearby" for duplicate hints.
pub const DUPLICATE_RADIUS_M: f64 = 150.0;
/// A position farther than this from every community centre is outside
/// the area Linli serves.
pub const SERVED_RADIUS_M: f64 = 5_000.0;
/// Idempotency keys are opaque strings of visible ASCII (UUIDs fit).
pub const IDEMPOTENCY_KEY_MAX: usize = 100;
/// How many receipt codes to draw before giving up.
const CODE_ATTEMPTS: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("invalid fields")]
    Fields(FieldErrors),
    #[error("the Idempotency-Key was already used for a different suggestion")]
    KeyReused,
    #[error("no free receipt code after {CODE_ATTEMPTS} attempts")]
    NoFreeCode,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The outcome of a submission: a new suggestion, or the one an earlier
/// request with the same idempotency key created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filed {
    pub receipt_code: ReceiptCode,
    pub replayed: bool,
}

/// What the server needs besides the validated fields.
#[derive(Clone, Debug, Default)]
pub struct Submission {
    pub photos: Vec<StoredPhoto>,
    pub staged_tokens: Vec<String>,
    pub idempotency_key: Option<String>,
    /// Filed by a committee member (their id) for a resident who phoned or
    /// came in; `None`: by the resident.
    pub assisted: Option<(i64, crate::domain::suggestion::Source)>,
    /// Filed by a city system through Open311 with this API key (its id).
    pub api_key: Option<i64>,
    /// For the committee only, on the suggestion's first event (what a city
    /// system sent that has no field of its own, e.g. its photo's address).
    pub note: String,
}

pub fn valid_idempotency_key(key: &str) -> bool {
    (1..=IDEMPOTENCY_KEY_MAX).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The community a suggestion goes to, and whether that is a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigned {
    pub code: String,
    /// No boundary contains the place: the nearest centre was taken, and
    /// the committee is asked to confirm it or hand the suggestion on.
    pub guessed: bool,
}

/// The community whose boundary contains a place. On a shared edge (or
/// where boundaries overlap) one it is inside beats one it is on, then the
/// nearer centre wins.
pub fn community_containing(communities: &[Community], at: LatLng) -> Option<&Community> {
    use crate::domain::boundary::Place;
    communities
        .iter()
        .filter_map(|c| {
            let place = c.boundary.as_ref()?.place_of(at);
            place
                .is_within()
                .then(|| (place != Place::Inside, haversine_m(at, c.centre), c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, _, c)| c)
}

/// The community a place belongs to: the one whose boundary contains it;
/// else the one whose centre is nearest within [`SERVED_RADIUS_M`], `true`
/// as it is a guess; `None` outside the area served. What a suggestion is
/// filed by, and what the resident is told before sending it.
pub fn community_for_place(communities: &[Community], at: LatLng) -> Option<(&Community, bool)> {
    if let Some(c) = community_containing(communities, at) {
        return Some((c, false));
    }
    communities
        .iter()
        .map(|c| (haversine_m(at, c.centre), c))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(d, _)| *d <= SERVED_RADIUS_M)
        .map(|(_, c)| (c, true))
}

/// The community a suggestion belongs to: the one chosen; else the one whose
/// boundary contains the place; else (marked as a guess) the one whose
/// centre is nearest, within [`SERVED_RADIUS_M`].
pub fn resolve_community(communities: &[Community], valid: &ValidSuggestion) -> Result<Assigned, FieldErrors> {
    let mut errors = FieldErrors::default();
    if let Some(code) = &valid.community {
        if communities.iter().any(|c| &c.code == code) {
            return Ok(Assigned {
                code: code.clone(),
                guessed: false,
            });
        }
        errors.add(SuggestionField::Community, FieldError::UnknownCommunity);
        return Err(errors);
    }
    match valid.location {
        Some(at) => match community_for_place(communities, at) {
            Some((c, guessed)) => Ok(Assigned {
                code: c.code.clone(),
                guessed,
            }),
            None => {
                errors.add(SuggestionField::Location, FieldError::OutOfArea);
                Err(errors)
            }
        },
        None => {
            errors.add(SuggestionField::Community, FieldError::Required);
            Err(errors)
        }
    }
}

/// Files a suggestion with receipt codes from the system's secure random
/// generator.
pub async fn file(
    db: &Db,
    communities: &[Community],
    valid: &ValidSuggestion,
    submission: &Submission,
) -> Result<Filed, CreateError> {
    file_with_codes(db, communities, valid, submission, |prefix| {
        ReceiptCode::from_random(prefix, &rand::random::<[u8; RANDOM_LEN]>())
    })
    .await
}

/// [`file`] with the code generator passed in, so tests can force collisions.
pub async fn file_with_codes(
    db: &Db,
    communities: &[Community],
    valid: &ValidSuggestion,
    submission: &Submission,
    mut next_code: impl FnMut(&str) -> ReceiptCode,
) -> Result<Filed, CreateError> {
    let Assigned {
        code: community,
        guessed,
    } = resolve_community(communities, valid).map_err(CreateError::Fields)?;
    let hash = request_hash(valid, &community, &submission.photos, &submission.staged_tokens);
    let key = submission.idempotency_key.as_deref();
    if let Some(key) = key {
        if let Some(filed) = replay(db, key, &hash).await? {
            return Ok(filed);
        }
    }
    let prefix = prefix_for_community(&community);
    for _ in 0..CODE_ATTEMPTS {
        let code = next_code(prefix);
        let new = NewSuggestion {
            valid,
            community: &community,
            community_guessed: guessed,
            receipt_code: &code,
            idempotency_key: key,
            request_hash: &hash,
            photos: &submission.photos,
            staged_tokens: &submission.staged_tokens,
            assisted: submission.assisted,
            api_key: submission.api_key,
            note: &submission.note,
        };
        match db.insert_suggestion(&new).await? {
            Inserted::Created(_) => {
                return Ok(Filed {
                    receipt_code: code,
                    replayed: false,
                })
            }
            Inserted::CodeTaken => continue,
            Inserted::KeyTaken => {
                // A concurrent request with the same key won the race.
                let key = key.expect("KeyTaken only with a key");
                return replay(db, key, &hash).await?.ok_or(CreateError::KeyReused);
            }
        }
    }
    Err(CreateError::NoFreeCode)
}

async fn replay(db: &Db, key: &str, hash: &str) -> Result<Option<Filed>, CreateError> {
    match db.suggestion_by_key(key).await? {
        Some((code, stored)) if stored == hash => Ok(Some(Filed {
            receipt_code: code,
            replayed: true,
        })),
        Some(_) => Err(CreateError::KeyReused),
        None => Ok(None),
    }
}

/// A digest of what was submitted, so a reused idempotency key with other
/// content is refused instead of silently answering with the wrong receipt.
fn request_hash(v: &ValidSuggestion, community: &str, photos: &[StoredPhoto], staged: &[String]) -> String {
    let mut h = Sha256::new();
    let location = v
        .location
        .map(|p| format!("{:.6},{:.6}", p.lat, p.lng))
        .unwrap_or_default();
    for part in [
        v.category.as_str(),
        community,
        &v.title,
        &v.description,
        &location,
        &v.location_text,
        &v.contact_name,
        &v.contact_phone,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    for p in photos {
        h.update(p.key.as_bytes());
    }
    for t in staged {
        h.update(t.as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// Open suggestions of the same category within [`DUPLICATE_RADIUS_M`],
/// nearest first: what the resident may support instead of filing again.
pub async fn open_nearby(db: &Db, category: Category, at: LatLng) -> Result<Vec<SuggestionSummary>, StoreError> {
    open_within(db, Some(category), at, 5).await
}

/// Open suggestions of any category within [`DUPLICATE_RADIUS_M`] of a
/// point, except `own`, nearest first: what the committee checks for
/// duplicates.
pub async fn nearby_any_category(db: &Db, at: LatLng, own: &ReceiptCode) -> Result<Vec<SuggestionSummary>, StoreError> {
    let mut found = open_within(db, None, at, 11).await?;
    found.retain(|s| &s.receipt_code != own);
    found.truncate(10);
    Ok(found)
}

/// One query for a box around `at`, then the exact radius and order.
async fn open_within(
    db: &Db,
    category: Option<Category>,
    at: LatLng,
    limit: usize,
) -> Result<Vec<SuggestionSummary>, StoreError> {
    // Degrees of latitude are ~111 km; longitude shrinks with latitude.
    let dlat = DUPLICATE_RADIUS_M / 111_000.0 * 1.1;
    let dlng = dlat / at.lat.to_radians().cos().max(0.1);
    let mut found: Vec<SuggestionSummary> = db
        .open_suggestions_near(category, at, (dlat, dlng))
        .await?
        .into_iter()
        .filter_map(|mut s| {
            let d = haversine_m(at, s.location?);
            s.distance_m = Some(d);
            (d <= DUPLICATE_RADIUS_M).then_some(s)
        })
        .collect();
    found.sort_by(|a, b| a.distance_m.unwrap_or(0.0).total_cmp(&b.distance_m.unwrap_or(0.0)));
    found.truncate(limit);
    Ok(found)
}

/// At most this many photos are decoded at once: each may take a few
/// hundred MB while decoding, and the machine has few cores.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Photo(#[from] PhotoError),
    #[error("storing the photo: {0}")]
    Io(#[from] std::io::Error),
}

/// Checks, re-encodes and stores one uploaded photo.
pub async fn store_photo(store: &PhotoStore, bytes: Vec<u8>) -> Result<StoredPhoto, UploadError> {
    if bytes.len() > photos::process::MAX_UPLOAD_BYTES {
        return Err(PhotoError::TooManyBytes.into());
    }
    let photo = {
        let _permit = DECODING.acquire().await.map_err(std::io::Error::other)?;
        // A decoder that panics on some crafted file has not read it:
        // that photo is unreadable (422), not the store away (503), so a
        // phone's outbox does not retry it for ever.
        tokio::task::spawn_blocking(move || photos::reencode(&bytes))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "decoding a photo panicked");
                PhotoError::Corrupt
            })??
    };
    let key = store.put(&photo.jpeg).await?;
    Ok(StoredPhoto {
        key,
        width: photo.width,
        height: photo.height,
        bytes: photo.jpeg.len(),
    })
}

/// A fresh random secret (128 bits, hex): staged-photo tokens, device ids.
pub fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored for a device's support: a digest, never the cookie.
pub fn device_hash(device: &str) -> String {
    format!("{:x}", Sha256::digest(device.as_bytes()))
}
