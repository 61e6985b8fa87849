//! Temporary closures and special hours: the Spring Festival, a renovation,
//! a shorter day before a holiday.
//!
//! A closure is a range of dates (both included, China Standard Time) with a
//! short note in each language ("春节闭馆至2月5日") and the hours kept on
//! each of those days: none (closed) or special spans that replace the
//! weekly hours. Within one facility closures never overlap, so a date has
//! at most one and "what are the hours on this date" has one answer.
//! Closures travel with the facility (its row, the index, the offline
//! download), so everything that shows hours or "open now" honours them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::hours::{next_opening, state_of, weekday_of, LocalTime, OpenState, Span, WeeklyHours, WEEK_AHEAD};

/// At most this many days in one closure (a year and a day: a renovation).
pub const MAX_DAYS: i64 = 366;
/// Characters of a note: a line on a phone.
pub const MAX_NOTE: usize = 60;
/// Closures one facility keeps (past ones are dropped when saved).
pub const MAX_CLOSURES: usize = 20;
/// How far ahead residents are told of a coming closure.
pub const NOTICE_DAYS: i64 = 14;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub from: NaiveDate,
    /// The last date of the closure (included).
    pub to: NaiveDate,
    /// The hours on each day of the range; empty: closed all day.
    #[serde(default)]
    pub spans: Vec<Span>,
    pub note_zh: String,
    #[serde(default)]
    pub note_en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClosureError {
    #[error("the last day is before the first")]
    Order,
    #[error("a closure is at most {MAX_DAYS} days")]
    TooLong,
    #[error("the note in Chinese is required")]
    NoteMissing,
    #[error("a note is at most {MAX_NOTE} characters")]
    NoteTooLong,
    #[error("a note is one line of text")]
    NoteControl,
    #[error("the dates overlap the closure {0} – {1}")]
    Overlap(NaiveDate, NaiveDate),
    #[error("a facility keeps at most {MAX_CLOSURES} closures")]
    TooMany,
}

impl Closure {
    pub fn covers(&self, date: NaiveDate) -> bool {
        (self.from..=self.to).contains(&date)
    }

    /// Closed all day (no special hours).
    pub fn is_closed(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn note(&self, english: bool) -> &str {
        if english && !self.note_en.trim().is_empty() {
            &self.note_en
        } else {
            &self.note_zh
        }
    }

    /// Checks one closure on its own.
    pub fn check(&self) -> Result<(), ClosureError> {
        if self.to < self.from {
            return Err(ClosureError::Order);
        }
        if (self.to - self.from).num_days() >= MAX_DAYS {
            return Err(ClosureError::TooLong);
        }
        if self.note_zh.trim().is_empty() {
            return Err(ClosureError::NoteMissing);
        }
        for note in [&self.note_zh, &self.note_en] {
            if note.chars().count() > MAX_NOTE {
                return Err(ClosureError::NoteTooLong);
            }
            if note.chars().any(char::is_control) {
                return Err(ClosureError::NoteControl);
            }
        }
        Ok(())
    }
}

/// Checks a facility's closures together: each on its own, none overlapping
/// another, not too many.
pub fn check_all(closures: &[Closure]) -> Result<(), ClosureError> {
    if closures.len() > MAX_CLOSURES {
        return Err(ClosureError::TooMany);
    }
    for c in closures {
        c.check()?;
    }
    let mut sorted: Vec<&Closure> = closures.iter().collect();
    sorted.sort_by_key(|c| c.from);
    for pair in sorted.windows(2) {
        if pair[1].from <= pair[0].to {
            return Err(ClosureError::Overlap(pair[0].from, pair[0].to));
        }
    }
    Ok(())
}

/// Adds a closure to a list that already passes [`check_all`], dropping
/// those that ended before `today`; the result is sorted by date.
pub fn add(closures: &[Closure], new: Closure, today: NaiveDate) -> Result<Vec<Closure>, ClosureError> {
    new.check()?;
    let mut next: Vec<Closure> = closures.iter().filter(|c| c.to >= today).cloned().collect();
    if let Some(clash) = next.iter().find(|c| c.from <= new.to && new.from <= c.to) {
        return Err(ClosureError::Overlap(clash.from, clash.to));
    }
    next.push(new);
    next.sort_by_key(|c| c.from);
    check_all(&next)?;
    Ok(next)
}

/// The closure covering a date, if any.
pub fn on(closures: &[Closure], date: NaiveDate) -> Option<&Closure> {
    closures.iter().find(|c| c.covers(date))
}

/// The spans of a date: a closure's, or the weekly hours'.
pub fn spans_on<'a>(hours: &'a WeeklyHours, closures: &'a [Closure], date: NaiveDate) -> &'a [Span] {
    match on(closures, date) {
        Some(c) => &c.spans,
        None => hours.on(weekday_of(date)),
    }
}

/// Open or closed at a moment, closures honoured (yesterday's too: a late
/// span of the day before a closure still ends on its own time).
pub fn state_at(hours: &WeeklyHours, closures: &[Closure], t: LocalTime) -> OpenState {
    if closures.is_empty() {
        return hours.state_at(t);
    }
    let yesterday = t.date.pred_opt().unwrap_or(t.date);
    // Past the longest closure, and a week of weekly hours after it.
    let ahead = (MAX_DAYS as u16).saturating_add(WEEK_AHEAD);
    state_of(
        spans_on(hours, closures, yesterday),
        spans_on(hours, closures, t.date),
        t.minute,
    )
    .or_next(|| next_opening(t, ahead, |_, date| spans_on(hours, closures, date)))
}

/// The closure residents should hear about on `today`: the one in force, or
/// the next starting within [`NOTICE_DAYS`].
pub fn notice(closures: &[Closure], today: NaiveDate) -> Option<&Closure> {
    on(closures, today).or_else(|| {
        closures
            .iter()
            .filter(|c| c.from > today && (c.from - today).num_days() <= NOTICE_DAYS)
            .min_by_key(|c| c.from)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hours::NextOpening;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    fn closure(from: NaiveDate, to: NaiveDate, spans: &str) -> Closure {
        Closure {
            from,
            to,
            spans: super::super::hours::parse_spans(spans).unwrap(),
            note_zh: "春节闭馆".into(),
            note_en: String::new(),
        }
    }

    fn weekly() -> WeeklyHours {
        WeeklyHours::parse("Mo-Su 11:00-13:00,17:00-19:00").unwrap()
    }

    #[test]
    fn a_closure_closes_its_days_and_only_those() {
        // The Spring Festival of 2027: 6–12 February.
        let c = [closure(d(2, 6), d(2, 12), "off")];
        let h = weekly();
        let noon = |date| state_at(&h, &c, LocalTime::on(date, 12 * 60));
        assert_eq!(noon(d(2, 5)), OpenState::OpenUntil(13 * 60));
        // Closed for the festival, and residents are told when it opens again.
        let after = OpenState::Closed {
            rest_day: true,
            next: Some(NextOpening {
                date: d(2, 13),
                days: 7,
                minute: 11 * 60,
            }),
        };
        assert_eq!(noon(d(2, 6)), after);
        assert_eq!(
            noon(d(2, 12)),
            OpenState::Closed {
                rest_day: true,
                next: Some(NextOpening {
                    days: 1,
                    ..match after {
                        OpenState::Closed { next: Some(n), .. } => n,
                        _ => unreachable!(),
                    }
                })
            },
            "the last day is included"
        );
        assert_eq!(noon(d(2, 13)), OpenState::OpenUntil(13 * 60));
        // Before noon on a closed day it does not "open at 11:00".
        assert_eq!(state_at(&h, &c, LocalTime::on(d(2, 6), 9 * 60)), after);
    }

    #[test]
    fn special_hours_replace_the_weekly_ones() {
        let c = [closure(d(2, 5), d(2, 5), "10:00-12:00")];
        let h = weekly();
        assert_eq!(
            state_at(&h, &c, LocalTime::on(d(2, 5), 9 * 60)),
            OpenState::OpensAt(600)
        );
        // Closed early on the special day; the weekly hours again tomorrow.
        assert_eq!(
            state_at(&h, &c, LocalTime::on(d(2, 5), 12 * 60 + 30)),
            OpenState::Closed {
                rest_day: false,
                next: Some(NextOpening {
                    date: d(2, 6),
                    days: 1,
                    minute: 11 * 60
                })
            }
        );
        assert_eq!(spans_on(&h, &c, d(2, 5)).len(), 1);
        assert_eq!(spans_on(&h, &c, d(2, 4)).len(), 2);
    }

    #[test]
    fn a_late_span_of_the_day_before_still_runs_into_a_closed_day() {
        let h = WeeklyHours::parse("Mo-Su 20:00-02:00").unwrap();
        let c = [closure(d(2, 6), d(2, 6), "off")];
        assert_eq!(state_at(&h, &c, LocalTime::on(d(2, 6), 60)), OpenState::OpenUntil(120));
        assert_eq!(
            state_at(&h, &c, LocalTime::on(d(2, 6), 21 * 60)),
            OpenState::Closed {
                rest_day: true,
                next: Some(NextOpening {
                    date: d(2, 7),
                    days: 1,
                    minute: 20 * 60
                })
            }
        );
        // ...and a closed day's own night span does not reach the next
        // morning, which waits for its own evening.
        assert_eq!(
            state_at(&h, &c, LocalTime::on(d(2, 7), 60)),
            OpenState::OpensAt(20 * 60)
        );
    }

    #[test]
    fn overlap_rules() {
        let a = closure(d(2, 6), d(2, 12), "off");
        assert_eq!(check_all(std::slice::from_ref(&a)), Ok(()));
        // Touching on a shared day overlaps; the day after does not.
        let same_day = closure(d(2, 12), d(2, 14), "off");
        assert_eq!(
            check_all(&[a.clone(), same_day.clone()]),
            Err(ClosureError::Overlap(d(2, 6), d(2, 12)))
        );
        assert_eq!(check_all(&[closure(d(2, 13), d(2, 14), "off"), a.clone()]), Ok(()));
        // Inside, around, and given in any order.
        assert!(check_all(&[closure(d(2, 8), d(2, 9), "off"), a.clone()]).is_err());
        assert!(check_all(&[closure(d(1, 1), d(3, 1), "off"), a.clone()]).is_err());
        assert_eq!(
            add(std::slice::from_ref(&a), same_day, d(1, 1)),
            Err(ClosureError::Overlap(d(2, 6), d(2, 12)))
        );
    }

    #[test]
    fn adding_sorts_and_drops_what_has_ended() {
        let old = closure(d(1, 1), d(1, 3), "off");
        let later = closure(d(3, 1), d(3, 2), "off");
        let next = add(&[later.clone(), old], closure(d(2, 6), d(2, 12), "off"), d(1, 10)).unwrap();
        assert_eq!(next.iter().map(|c| c.from).collect::<Vec<_>>(), vec![d(2, 6), d(3, 1)]);
        // An ended one no longer blocks its dates (nor counts to the limit).
        assert!(add(
            &[closure(d(1, 1), d(1, 3), "off")],
            closure(d(1, 2), d(1, 2), "off"),
            d(1, 10)
        )
        .is_ok());
    }

    #[test]
    fn one_closure_on_its_own() {
        let mut c = closure(d(2, 12), d(2, 6), "off");
        assert_eq!(c.check(), Err(ClosureError::Order));
        c = closure(d(1, 1), d(12, 31), "off");
        assert_eq!(c.check(), Ok(()), "a whole year");
        c.to = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
        assert_eq!(c.check(), Ok(()), "366 days");
        c.to = NaiveDate::from_ymd_opt(2028, 1, 2).unwrap();
        assert_eq!(c.check(), Err(ClosureError::TooLong));
        c = closure(d(2, 6), d(2, 6), "off");
        c.note_zh = "  ".into();
        assert_eq!(c.check(), Err(ClosureError::NoteMissing));
        c.note_zh = "闭".repeat(MAX_NOTE + 1);
        assert_eq!(c.check(), Err(ClosureError::NoteTooLong));
        c.note_zh = "闭".repeat(MAX_NOTE);
        c.note_en = "line\nbreak".into();
        assert_eq!(c.check(), Err(ClosureError::NoteControl));
        let many: Vec<Closure> = (0..=MAX_CLOSURES as u32)
            .map(|i| closure(d(1, 1 + i), d(1, 1 + i), "off"))
            .collect();
        assert_eq!(check_all(&many), Err(ClosureError::TooMany));
    }

    #[test]
    fn residents_hear_of_the_closure_in_force_or_coming_soon() {
        let c = [closure(d(2, 6), d(2, 12), "off"), closure(d(5, 1), d(5, 5), "off")];
        assert_eq!(notice(&c, d(2, 7)).map(|c| c.from), Some(d(2, 6)));
        assert_eq!(notice(&c, d(1, 30)).map(|c| c.from), Some(d(2, 6)), "a week ahead");
        assert_eq!(notice(&c, d(1, 1)), None, "too far ahead");
        assert_eq!(notice(&c, d(2, 13)), None);
    }

    #[test]
    fn serde_keeps_dates_and_spans_readable() {
        let c = closure(d(2, 5), d(2, 5), "10:00-12:00");
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"from":"2027-02-05","to":"2027-02-05","spans":["10:00-12:00"],"note_zh":"春节闭馆","note_en":""}"#
        );
        assert_eq!(serde_json::from_str::<Closure>(&json).unwrap(), c);
    }
}
