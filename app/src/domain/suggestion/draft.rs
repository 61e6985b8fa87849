//! A suggestion as the resident typed it, and the one set of rules that
//! decides whether the server keeps it. The web form (step by step), the JSON
//! API and, later, the offline queue all go through [`Draft::validate`].

use serde::{Deserialize, Serialize};

use super::Category;
use crate::domain::coords::LatLng;

pub const TITLE_MAX: usize = 80;
pub const TITLE_MIN: usize = 2;
pub const DESCRIPTION_MAX: usize = 2000;
pub const LOCATION_TEXT_MAX: usize = 200;
pub const CONTACT_NAME_MAX: usize = 40;
pub const PHONE_MAX: usize = 24;
pub const MAX_PHOTOS: usize = 3;

/// Everything as typed, strings included, so that a form with an error comes
/// back exactly as the resident left it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub category: String,
    pub lat: String,
    pub lng: String,
    pub community: String,
    pub location_text: String,
    pub title: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// The resident ticked "the committee may contact me".
    pub consent: bool,
    /// The honeypot: hidden from people, filled in by naive bots.
    pub website: String,
}

/// The form's steps, in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Step {
    #[default]
    Category = 1,
    Place = 2,
    Details = 3,
    Contact = 4,
    Review = 5,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::Category, Step::Place, Step::Details, Step::Contact, Step::Review];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.number() == n)
    }

    pub fn next(self) -> Self {
        Self::from_number(self.number() + 1).unwrap_or(Step::Review)
    }

    pub fn previous(self) -> Self {
        Self::from_number(self.number().saturating_sub(1)).unwrap_or(Step::Category)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionField {
    Category,
    Location,
    Community,
    LocationText,
    Title,
    Description,
    Photos,
    ContactName,
    ContactPhone,
    Consent,
    Website,
}

impl SuggestionField {
    /// The name used in forms and in the API's error object.
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionField::Category => "category",
            SuggestionField::Location => "location",
            SuggestionField::Community => "community",
            SuggestionField::LocationText => "location_text",
            SuggestionField::Title => "title",
            SuggestionField::Description => "description",
            SuggestionField::Photos => "photos",
            SuggestionField::ContactName => "contact_name",
            SuggestionField::ContactPhone => "contact_phone",
            SuggestionField::Consent => "consent",
            SuggestionField::Website => "website",
        }
    }

    /// The form step where the resident fixes this field.
    pub fn step(self) -> Step {
        match self {
            SuggestionField::Category => Step::Category,
            SuggestionField::Location | SuggestionField::Community | SuggestionField::LocationText => Step::Place,
            SuggestionField::Title | SuggestionField::Description | SuggestionField::Photos => Step::Details,
            SuggestionField::ContactName
            | SuggestionField::ContactPhone
            | SuggestionField::Consent
            | SuggestionField::Website => Step::Contact,
        }
    }
}

/// What is wrong with one field; the UI turns it into a sentence in the
/// resident's language, the API into a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum FieldError {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    Invalid,
    /// Control characters other than line breaks and tabs.
    BadCharacters,
    /// The position is outside every community Linli serves.
    OutOfArea,
    /// An unknown community code.
    UnknownCommunity,
    TooMany {
        max: usize,
    },
}

impl FieldError {
    pub fn code(self) -> &'static str {
        match self {
            FieldError::Required => "required",
            FieldError::TooShort { .. } => "too_short",
            FieldError::TooLong { .. } => "too_long",
            FieldError::Invalid => "invalid",
            FieldError::BadCharacters => "bad_characters",
            FieldError::OutOfArea => "out_of_area",
            FieldError::UnknownCommunity => "unknown_community",
            FieldError::TooMany { .. } => "too_many",
        }
    }
}

/// Errors by field, in field order, at most one per field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(SuggestionField, FieldError)>);

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: SuggestionField) -> Option<FieldError> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, e)| *e)
    }

    pub fn add(&mut self, field: SuggestionField, error: FieldError) {
        if self.get(field).is_none() {
            self.0.push((field, error));
            self.0.sort_by_key(|(f, _)| *f);
        }
    }

    /// Only the errors the resident can fix on `step`.
    pub fn for_step(&self, step: Step) -> FieldErrors {
        FieldErrors(self.0.iter().copied().filter(|(f, _)| f.step() == step).collect())
    }

    /// The first step with an error, where the form sends the resident back.
    pub fn first_step(&self) -> Option<Step> {
        self.0.iter().map(|(f, _)| f.step()).min()
    }
}

/// A suggestion the server may store. The community may still be unknown
/// here (only a position was given); the server resolves it.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSuggestion {
    pub category: Category,
    pub location: Option<LatLng>,
    pub community: Option<String>,
    pub location_text: String,
    pub title: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
}

impl Draft {
    /// Checks every field. The photo count is checked by the caller, which
    /// knows how many photos arrived.
    pub fn validate(&self) -> Result<ValidSuggestion, FieldErrors> {
        use SuggestionField as F;
        let mut errors = FieldErrors::default();

        let category = match self.category.trim() {
            "" => {
                errors.add(F::Category, FieldError::Required);
                None
            }
            c => Category::parse(c).or_else(|| {
                errors.add(F::Category, FieldError::Invalid);
                None
            }),
        };

        let location = match (self.lat.trim(), self.lng.trim()) {
            ("", "") => None,
            (lat, lng) => match (lat.parse::<f64>(), lng.parse::<f64>()) {
                (Ok(lat), Ok(lng)) if LatLng::new(lat, lng).is_valid() => Some(LatLng::new(lat, lng)),
                _ => {
                    errors.add(F::Location, FieldError::Invalid);
                    None
                }
            },
        };
        let community = Some(self.community.trim().to_string()).filter(|c| !c.is_empty());
        if community.as_deref().is_some_and(|c| c.len() > 64) {
            errors.add(F::Community, FieldError::UnknownCommunity);
        }
        let location_text = checked_text(&self.location_text, F::LocationText, 0, LOCATION_TEXT_MAX, &mut errors);
        if location.is_none() && errors.get(F::Location).is_none() {
            // Without a position the committee needs words, and a community.
            if location_text.is_empty() && errors.get(F::LocationText).is_none() {
                errors.add(F::LocationText, FieldError::Required);
            }
            if community.is_none() {
                errors.add(F::Community, FieldError::Required);
            }
        }

        let title = checked_text(&self.title, F::Title, TITLE_MIN, TITLE_MAX, &mut errors);
        let description = checked_text(&self.description, F::Description, 0, DESCRIPTION_MAX, &mut errors);
        let contact_name = checked_text(&self.contact_name, F::ContactName, 0, CONTACT_NAME_MAX, &mut errors);
        let contact_phone = match self.contact_phone.trim() {
            "" => String::new(),
            p if p.chars().count() > PHONE_MAX => {
                errors.add(F::ContactPhone, FieldError::TooLong { max: PHONE_MAX });
                String::new()
            }
            p if !is_phone_number(p) => {
                errors.add(F::ContactPhone, FieldError::Invalid);
                String::new()
            }
            p => p.to_string(),
        };
        if !self.website.trim().is_empty() {
            errors.add(F::Website, FieldError::Invalid);
        }

        match category {
            Some(category) if errors.is_empty() => Ok(ValidSuggestion {
                category,
                location,
                community,
                location_text,
                title,
                description,
                contact_name,
                contact_phone,
            }),
            _ => Err(errors),
        }
    }

    /// Contact details without the resident's consent are not kept: the form
    /// asks for the tick whenever a name or phone is given.
    pub fn needs_consent(&self) -> bool {
        !self.contact_name.trim().is_empty() || !self.contact_phone.trim().is_empty()
    }

    /// `validate` plus the consent rule of the web form.
    pub fn validate_form(&self) -> Result<ValidSuggestion, FieldErrors> {
        let consent_missing = self.needs_consent() && !self.consent;
        match (self.validate(), consent_missing) {
            (Ok(valid), false) => Ok(valid),
            (Ok(_), true) => Err(FieldErrors(vec![(SuggestionField::Consent, FieldError::Required)])),
            (Err(mut errors), missing) => {
                if missing {
                    errors.add(SuggestionField::Consent, FieldError::Required);
                }
                Err(errors)
            }
        }
    }
}

/// Trims the ends and checks length (in characters, as people count them)
/// and characters. Line breaks and tabs are allowed; other control
/// characters are refused rather than silently dropped.
fn checked_text(value: &str, field: SuggestionField, min: usize, max: usize, errors: &mut FieldErrors) -> String {
    let text = value.trim();
    let len = text.chars().count();
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, FieldError::BadCharacters);
    } else if len > max {
        errors.add(field, FieldError::TooLong { max });
    } else if min > 0 && len == 0 {
        errors.add(field, FieldError::Required);
    } else if len < min {
        errors.add(field, FieldError::TooShort { min });
    }
    text.to_string()
}

/// A Chinese mobile (11 digits from 1), a landline with area code (0…, 10–12
/// digits) or a local number (7–8 digits); `+86`, spaces, dashes and
/// brackets allowed.
pub fn is_phone_number(input: &str) -> bool {
    let mut digits: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '（' | '）'))
        .collect();
    if let Some(rest) = digits.strip_prefix("+86") {
        digits = rest.to_string();
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let n = digits.len();
    match digits.as_bytes().first() {
        Some(b'1') => n == 11 && matches!(digits.as_bytes()[1], b'3'..=b'9'),
        Some(b'0') => (10..=12).contains(&n),
        Some(_) => (7..=8).contains(&n),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SuggestionField as F;

    fn good() -> Draft {
        Draft {
            category: "seating".into(),
            lat: "30.64".into(),
            lng: "104.05".into(),
            title: "长椅坏了".into(),
            ..Draft::default()
        }
    }

    fn error(d: &Draft, field: SuggestionField) -> Option<FieldError> {
        d.validate().err().and_then(|e| e.get(field))
    }

    #[test]
    fn a_minimal_suggestion_is_valid() {
        let v = good().validate().unwrap();
        assert_eq!(v.category, Category::Seating);
        assert_eq!(v.location, Some(LatLng::new(30.64, 104.05)));
        assert_eq!(v.title, "长椅坏了");
        assert!(v.contact_phone.is_empty());
    }

    #[test]
    fn category_is_required_and_known() {
        assert_eq!(
            error(
                &Draft {
                    category: "".into(),
                    ..good()
                },
                F::Category
            ),
            Some(FieldError::Required)
        );
        assert_eq!(
            error(
                &Draft {
                    category: "bench".into(),
                    ..good()
                },
                F::Category
            ),
            Some(FieldError::Invalid)
        );
    }

    #[test]
    fn a_place_is_a_position_or_words_and_a_community() {
        let nowhere = Draft {
            lat: "".into(),
            lng: "".into(),
            ..good()
        };
        let e = nowhere.validate().unwrap_err();
        assert_eq!(e.get(F::LocationText), Some(FieldError::Required));
        assert_eq!(e.get(F::Community), Some(FieldError::Required));
        let described = Draft {
            location_text: "玉林北路口".into(),
            community: "wuhou-yulin".into(),
            ..nowhere
        };
        assert!(described.validate().is_ok());
        for (lat, lng) in [
            ("abc", "104"),
            ("30.6", ""),
            ("91", "104"),
            ("30", "181"),
            ("NaN", "104"),
        ] {
            let d = Draft {
                lat: lat.into(),
                lng: lng.into(),
                ..good()
            };
            assert_eq!(error(&d, F::Location), Some(FieldError::Invalid), "{lat},{lng}");
        }
        let long = Draft {
            location_text: "路".repeat(LOCATION_TEXT_MAX + 1),
            ..good()
        };
        assert_eq!(
            error(&long, F::LocationText),
            Some(FieldError::TooLong { max: LOCATION_TEXT_MAX })
        );
    }

    #[test]
    fn title_length_counts_characters_not_bytes() {
        let ok = Draft {
            title: "椅".repeat(TITLE_MAX),
            ..good()
        };
        assert!(ok.validate().is_ok(), "80 Chinese characters are 240 bytes but fit");
        let long = Draft {
            title: "椅".repeat(TITLE_MAX + 1),
            ..good()
        };
        assert_eq!(error(&long, F::Title), Some(FieldError::TooLong { max: TITLE_MAX }));
        assert_eq!(
            error(
                &Draft {
                    title: "  ".into(),
                    ..good()
                },
                F::Title
            ),
            Some(FieldError::Required)
        );
        assert_eq!(
            error(
                &Draft {
                    title: "a".into(),
                    ..good()
                },
                F::Title
            ),
            Some(FieldError::TooShort { min: 2 })
        );
        assert_eq!(
            Draft {
                title: "  长椅  ".into(),
                ..good()
            }
            .validate()
            .unwrap()
            .title,
            "长椅"
        );
    }

    #[test]
    fn description_is_optional_but_bounded_and_keeps_line_breaks() {
        let d = Draft {
            description: "第一行\n第二行\t<b>".into(),
            ..good()
        };
        assert_eq!(d.validate().unwrap().description, "第一行\n第二行\t<b>");
        let long = Draft {
            description: "x".repeat(DESCRIPTION_MAX + 1),
            ..good()
        };
        assert_eq!(
            error(&long, F::Description),
            Some(FieldError::TooLong { max: DESCRIPTION_MAX })
        );
        let nul = Draft {
            description: "a\u{0}b".into(),
            ..good()
        };
        assert_eq!(error(&nul, F::Description), Some(FieldError::BadCharacters));
    }

    #[test]
    fn phone_numbers() {
        for ok in [
            "13800138000",
            "+86 138 0013 8000",
            "028-85550000",
            "(028) 8555 0000",
            "85550000",
        ] {
            assert!(is_phone_number(ok), "{ok}");
        }
        for bad in [
            "12345",
            "12800138000",
            "1380013800",
            "phone",
            "138001380001",
            "+1 555 0100",
        ] {
            assert!(!is_phone_number(bad), "{bad}");
        }
        let d = Draft {
            contact_phone: "call me".into(),
            ..good()
        };
        assert_eq!(error(&d, F::ContactPhone), Some(FieldError::Invalid));
        let d = Draft {
            contact_name: "名".repeat(CONTACT_NAME_MAX + 1),
            ..good()
        };
        assert_eq!(
            error(&d, F::ContactName),
            Some(FieldError::TooLong { max: CONTACT_NAME_MAX })
        );
    }

    #[test]
    fn the_form_asks_consent_only_with_contact_details() {
        assert!(good().validate_form().is_ok());
        let d = Draft {
            contact_phone: "13800138000".into(),
            ..good()
        };
        assert_eq!(
            d.validate_form().unwrap_err().get(F::Consent),
            Some(FieldError::Required)
        );
        assert!(Draft { consent: true, ..d }.validate_form().is_ok());
    }

    #[test]
    fn a_filled_honeypot_is_refused() {
        let d = Draft {
            website: "http://spam.example".into(),
            ..good()
        };
        assert_eq!(error(&d, F::Website), Some(FieldError::Invalid));
    }

    #[test]
    fn errors_point_to_the_first_step_to_fix() {
        let d = Draft {
            category: "".into(),
            title: "".into(),
            ..good()
        };
        let e = d.validate().unwrap_err();
        assert_eq!(e.first_step(), Some(Step::Category));
        assert_eq!(e.for_step(Step::Details).0, vec![(F::Title, FieldError::Required)]);
        assert!(e.for_step(Step::Contact).is_empty());
    }

    #[test]
    fn steps_walk_in_order() {
        assert_eq!(Step::Category.next(), Step::Place);
        assert_eq!(Step::Review.next(), Step::Review);
        assert_eq!(Step::Category.previous(), Step::Category);
        assert_eq!(Step::from_number(4), Some(Step::Contact));
        assert_eq!(Step::from_number(9), None);
    }
}
