//! How a server-drawn form shows what came back wrong, the same on every
//! committee form (WCAG 3.3.1, and the MIIT guideline that an error says
//! where it is): each wrong field is `aria-invalid` and described by its
//! message, which stands right under it, and the first wrong field in the
//! form's order has the cursor. `autofocus` puts it there without any
//! script, since these pages are plain form posts.

use leptos::prelude::*;

/// The mistakes of one form: field names with their messages, in the
/// order the form shows the fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mistakes(Vec<(&'static str, String)>);

impl Mistakes {
    /// `order` is the form's fields from top to bottom; a mistake about a
    /// field not in it is dropped (a form only marks what it shows).
    /// Several messages about one field are joined.
    pub fn new<'a>(order: &[&'static str], found: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let mut list: Vec<(&'static str, String)> = Vec::new();
        for (field, text) in found {
            let Some(&name) = order.iter().find(|f| **f == field) else {
                continue;
            };
            match list.iter_mut().find(|(f, _)| *f == name) {
                Some((_, joined)) => {
                    joined.push(' ');
                    joined.push_str(&text);
                }
                None => list.push((name, text)),
            }
        }
        list.sort_by_key(|(f, _)| order.iter().position(|o| o == f));
        Mistakes(list)
    }

    /// One mistake, for forms that come back with one at a time.
    pub fn one(field: Option<&'static str>, text: String) -> Self {
        Mistakes(field.map(|f| (f, text)).into_iter().collect())
    }

    fn text(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, t)| t.as_str())
    }

    /// The message's element id.
    pub fn message_id(field: &str) -> String {
        format!("{field}-error")
    }

    /// `aria-invalid` for the field.
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.text(field).map(|_| "true")
    }

    /// `aria-describedby`: the message first, then the field's own hint.
    pub fn described(&self, field: &str, hint: Option<&str>) -> Option<String> {
        match (self.text(field).map(|_| Self::message_id(field)), hint) {
            (Some(message), Some(hint)) => Some(format!("{message} {hint}")),
            (Some(message), None) => Some(message),
            (None, hint) => hint.map(str::to_string),
        }
    }

    /// `autofocus`: whether this is the first wrong field.
    pub fn first(&self, field: &str) -> bool {
        self.0.first().is_some_and(|(f, _)| *f == field)
    }

    /// The message under the field, if it has one.
    pub fn message(&self, field: &str) -> Option<impl IntoView + use<>> {
        self.text(field).map(|text| {
            view! { <p class="field-error" id=Self::message_id(field)>{text.to_string()}</p> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: [&str; 3] = ["name", "phone", "hours"];

    #[test]
    fn the_first_wrong_field_is_the_first_in_the_form_not_in_the_list() {
        let m = Mistakes::new(&ORDER, [("hours", "h".to_string()), ("phone", "p".to_string())]);
        assert!(m.first("phone"));
        assert!(!m.first("hours"));
        assert!(!m.first("name"));
        assert_eq!(m.invalid("hours"), Some("true"));
        assert_eq!(m.invalid("name"), None);
    }

    #[test]
    fn messages_about_one_field_are_joined_and_unknown_fields_dropped() {
        let m = Mistakes::new(
            &ORDER,
            [
                ("name", "a".to_string()),
                ("elsewhere", "x".to_string()),
                ("name", "b".to_string()),
            ],
        );
        assert_eq!(m.text("name"), Some("a b"));
        assert_eq!(m.text("elsewhere"), None);
        assert_eq!(m.0.len(), 1);
    }

    #[test]
    fn the_message_comes_before_the_hint() {
        let m = Mistakes::one(Some("phone"), "wrong".into());
        assert_eq!(
            m.described("phone", Some("phone-hint")).as_deref(),
            Some("phone-error phone-hint")
        );
        assert_eq!(m.described("name", Some("name-hint")).as_deref(), Some("name-hint"));
        assert_eq!(m.described("name", None), None);
        assert!(Mistakes::one(None, "general".into()).0.is_empty());
    }
}
