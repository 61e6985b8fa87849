//! Small views of a facility's facts: its kind's icon, whether it is open,
//! today's hours and its services. Colour is never the only cue: every state
//! has words and an icon shape too.

use leptos::prelude::*;

use chrono::NaiveDate;

use crate::domain::closures::{self, Closure};
use crate::domain::facility::{Facility, Kind, Services, WasteCategory};
use crate::domain::hours::{clock, weekday_of, NextOpening, OpenState, Span, WeeklyHours};
use crate::i18n::*;

/// A distinct pictogram per kind (bowl, book, bin), hidden from screen
/// readers because the kind's name is always written next to it. The
/// drawings are in the stylesheet (`span.kind-meal` …), which a phone keeps,
/// rather than in every card of every page.
#[component]
pub fn KindIcon(kind: Kind) -> impl IntoView {
    let class = match kind {
        Kind::Meal => "kind-icon kind-meal",
        Kind::Reading => "kind-icon kind-reading",
        Kind::Sorting => "kind-icon kind-sorting",
    };
    view! { <span class=class aria-hidden="true"></span> }
}

pub fn kind_name(locale: Locale, kind: Kind) -> String {
    match kind {
        Kind::Meal => td_string!(locale, kind_meal),
        Kind::Reading => td_string!(locale, kind_reading),
        Kind::Sorting => td_string!(locale, kind_sorting),
    }
    .to_string()
}

pub fn waste_name(locale: Locale, c: WasteCategory) -> String {
    match c {
        WasteCategory::Recyclable => td_string!(locale, waste_recyclable),
        WasteCategory::Hazardous => td_string!(locale, waste_hazardous),
        WasteCategory::Food => td_string!(locale, waste_food),
        WasteCategory::Residual => td_string!(locale, waste_residual),
    }
    .to_string()
}

pub fn weekday_name(locale: Locale, weekday: u8) -> String {
    match weekday % 7 {
        0 => td_string!(locale, weekday_0),
        1 => td_string!(locale, weekday_1),
        2 => td_string!(locale, weekday_2),
        3 => td_string!(locale, weekday_3),
        4 => td_string!(locale, weekday_4),
        5 => td_string!(locale, weekday_5),
        _ => td_string!(locale, weekday_6),
    }
    .to_string()
}

/// The spans of one weekday as text, or "closed".
pub fn day_text(locale: Locale, hours: &WeeklyHours, weekday: u8) -> String {
    spans_text(locale, hours.on(weekday))
}

/// Spans as text (`11:00-13:00, 17:00-19:00`), or "closed".
pub fn spans_text(locale: Locale, spans: &[Span]) -> String {
    if spans.is_empty() {
        td_string!(locale, closed).to_string()
    } else {
        spans.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }
}

/// The hours of a facility on a date, closures honoured.
pub fn date_text(locale: Locale, f: &Facility, date: NaiveDate) -> String {
    spans_text(locale, closures::spans_on(&f.hours, &f.closures, date))
}

/// "2月6日" / "6 Feb" (the year-less form of
/// [`date_text`](crate::components::suggestion_text::date_text)).
pub fn short_date(locale: Locale, date: NaiveDate) -> String {
    if locale == Locale::en {
        date.format("%-d %b").to_string()
    } else {
        date.format("%-m月%-d日").to_string()
    }
}

/// "2月6日–2月12日", or one date.
pub fn date_range(locale: Locale, from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        short_date(locale, from)
    } else {
        format!("{}–{}", short_date(locale, from), short_date(locale, to))
    }
}

/// One closure in a sentence: its dates, its hours, its note.
pub fn closure_text(locale: Locale, english: bool, c: &Closure) -> String {
    let dates = date_range(locale, c.from, c.to);
    let head = if c.is_closed() {
        td_string!(locale, closure_closed, dates = dates).to_string()
    } else {
        td_string!(
            locale,
            closure_hours,
            dates = dates,
            hours = spans_text(locale, &c.spans)
        )
        .to_string()
    };
    format!("{head} · {}", c.note(english))
}

/// The closure in force or coming soon, where hours are shown: words and a
/// mark, never colour alone.
#[component]
pub fn ClosureNotice(closures: Vec<Closure>, today: NaiveDate) -> impl IntoView {
    let prefs = crate::prefs::use_prefs();
    closures::notice(&closures, today).map(|c| {
        view! {
            <p class="closure-notice">
                <span aria-hidden="true">"⚠ "</span>
                {closure_text(prefs.locale, prefs.english(), c)}
            </p>
        }
    })
}

/// When a closed facility opens again: "明天 11:00", "周三 11:00" within
/// the week, else "2月13日 11:00".
pub fn next_opening_text(locale: Locale, n: NextOpening) -> String {
    let time = clock(n.minute);
    match n.days {
        1 => td_string!(locale, opens_tomorrow, time = time).to_string(),
        2..=6 => format!("{} {time}", weekday_name(locale, weekday_of(n.date))),
        _ => format!("{} {time}", short_date(locale, n.date)),
    }
}

#[component]
pub fn OpenBadge(state: OpenState) -> impl IntoView {
    let locale = crate::prefs::use_locale();
    let text = match state {
        OpenState::OpenUntil(1440) => td_string!(locale, open_now).to_string(),
        OpenState::OpenUntil(m) => td_string!(locale, open_until, time = clock(m)).to_string(),
        OpenState::OpensAt(m) => td_string!(locale, opens_at, time = clock(m)).to_string(),
        OpenState::Closed {
            rest_day,
            next: Some(n),
        } => {
            let when = next_opening_text(locale, n);
            if rest_day {
                td_string!(locale, closed_rest_next, when = when).to_string()
            } else {
                td_string!(locale, closed_ended_next, when = when).to_string()
            }
        }
        OpenState::Closed { next: None, .. } => td_string!(locale, closed_no_next).to_string(),
    };
    let (class, mark) = if state.is_open() {
        ("badge badge-open", "●")
    } else {
        ("badge badge-closed", "○")
    };
    view! {
        <span class=class>
            <span aria-hidden="true">{mark}" "</span>
            {text}
        </span>
    }
}

#[component]
pub fn ServiceList(services: Services) -> impl IntoView {
    let locale = crate::prefs::use_locale();
    let mut items: Vec<String> = Vec::new();
    match &services {
        Services::Meal(m) => {
            if m.lunch {
                items.push(td_string!(locale, meal_lunch).to_string());
            }
            if m.dinner {
                items.push(td_string!(locale, meal_dinner).to_string());
            }
            if let Some(p) = m.price_60 {
                items.push(td_string!(locale, meal_price_60, price = price(p)).to_string());
            }
            if let Some(p) = m.price_80 {
                items.push(td_string!(locale, meal_price_80, price = price(p)).to_string());
            }
            if m.delivery {
                items.push(td_string!(locale, meal_delivery).to_string());
            }
        }
        Services::Reading(r) => {
            if r.children_corner {
                items.push(td_string!(locale, reading_children).to_string());
            }
            if let Some(seats) = r.seats {
                items.push(td_string!(locale, reading_seats, seats = seats).to_string());
            }
        }
        Services::Sorting(_) => {}
    }
    let accepts = match services {
        Services::Sorting(s) => Some(view! {
            <p class="accepts">
                {td!(locale, sorting_accepts)}": "
                {s.accepts
                    .into_iter()
                    .map(|c| view! { <span class=format!("waste waste-{}", c.as_str())>{waste_name(locale, c)}</span> })
                    .collect_view()}
            </p>
        }),
        _ => None,
    };
    view! {
        {(!items.is_empty()).then(|| view! {
            <ul class="services">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
        })}
        {accepts}
    }
}

/// A price in yuan without a needless `.0`.
fn price(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}
