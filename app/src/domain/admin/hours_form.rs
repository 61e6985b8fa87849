//! The opening-hours editor: one row per weekday with a morning and an
//! afternoon span (the gap between them is the lunch break) and a "closed"
//! box, as a clerk fills in a paper form. Times are `HH:MM`, as
//! `<input type="time">` sends them.

use crate::domain::hours::{Span, WeeklyHours};

/// One weekday's fields as the form sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayFields {
    pub closed: bool,
    pub open1: String,
    pub close1: String,
    pub open2: String,
    pub close2: String,
}

/// What is wrong with one weekday's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DayProblem {
    #[error("enter the opening times, or tick closed")]
    NoTimes,
    #[error("a time is not HH:MM")]
    BadTime,
    #[error("an opening time needs its closing time")]
    Unpaired,
    #[error("closing must be after opening")]
    EndBeforeStart,
    #[error("the afternoon must start after the morning ends")]
    Overlap,
}

/// A problem and the weekday (0 = Monday) it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HoursProblem {
    pub weekday: u8,
    pub problem: DayProblem,
}

/// The names of a weekday's fields: `d0_open1` … `d6_closed`.
pub fn field_name(weekday: u8, part: &str) -> String {
    format!("d{weekday}_{part}")
}

fn minute(text: &str) -> Result<Option<u16>, DayProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    // Browsers send `HH:MM`, some `HH:MM:SS`; a clerk without a time picker
    // may type `8:30` or `24:00`.
    let mut parts = t.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return Err(DayProblem::BadTime);
    };
    if parts.next().is_some_and(|s| s != "00") || h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(DayProblem::BadTime);
    }
    let (h, m): (u16, u16) = match (h.parse(), m.parse()) {
        (Ok(h), Ok(m)) => (h, m),
        _ => return Err(DayProblem::BadTime),
    };
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(DayProblem::BadTime);
    }
    Ok(Some(h * 60 + m))
}

fn span(open: &str, close: &str) -> Result<Option<Span>, DayProblem> {
    match (minute(open)?, minute(close)?) {
        (None, None) => Ok(None),
        (Some(_), None) | (None, Some(_)) => Err(DayProblem::Unpaired),
        (Some(o), Some(c)) if c <= o || o >= 24 * 60 => Err(DayProblem::EndBeforeStart),
        (Some(o), Some(c)) => Ok(Some(Span { open: o, close: c })),
    }
}

/// One day's spans.
pub fn parse_day(d: &DayFields) -> Result<Vec<Span>, DayProblem> {
    if d.closed {
        return Ok(Vec::new());
    }
    let first = span(&d.open1, &d.close1)?;
    let second = span(&d.open2, &d.close2)?;
    match (first, second) {
        (None, None) => Err(DayProblem::NoTimes),
        (Some(a), Some(b)) if b.open < a.close => Err(DayProblem::Overlap),
        (a, b) => Ok(a.into_iter().chain(b).collect()),
    }
}

/// The week from the form, or every row's problem.
pub fn parse_week(days: &[DayFields; 7]) -> Result<WeeklyHours, Vec<HoursProblem>> {
    let mut hours = WeeklyHours::default();
    let mut problems = Vec::new();
    for (i, d) in days.iter().enumerate() {
        match parse_day(d) {
            Ok(spans) => hours.days[i] = spans,
            Err(problem) => problems.push(HoursProblem {
                weekday: i as u8,
                problem,
            }),
        }
    }
    if problems.is_empty() {
        Ok(hours)
    } else {
        Err(problems)
    }
}

/// The form's rows for existing hours. A day with more than two spans (from
/// an import) keeps its first and last; the editor shows a warning then.
pub fn fields_of(hours: &WeeklyHours) -> [DayFields; 7] {
    std::array::from_fn(|i| {
        let spans = &hours.days[i];
        let text = |m: u16| crate::domain::hours::clock(m);
        match spans.as_slice() {
            [] => DayFields {
                closed: true,
                ..Default::default()
            },
            [a] => DayFields {
                open1: text(a.open),
                close1: text(a.close),
                ..Default::default()
            },
            [a, .., b] => DayFields {
                open1: text(a.open),
                close1: text(a.close),
                open2: text(b.open),
                close2: text(b.close),
                closed: false,
            },
        }
    })
}

/// Whether the editor can show these hours exactly (at most two spans a
/// day, none past midnight).
pub fn fits_editor(hours: &WeeklyHours) -> bool {
    hours
        .days
        .iter()
        .all(|d| d.len() <= 2 && d.iter().all(|s| !s.overnight()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(open1: &str, close1: &str, open2: &str, close2: &str) -> DayFields {
        DayFields {
            closed: false,
            open1: open1.into(),
            close1: close1.into(),
            open2: open2.into(),
            close2: close2.into(),
        }
    }

    #[test]
    fn a_week_with_a_lunch_break_and_a_closed_sunday() {
        let mut days: [DayFields; 7] = std::array::from_fn(|_| day("08:30", "11:30", "14:00", "17:30"));
        days[5] = day("09:00", "12:00", "", "");
        days[6].closed = true;
        let h = parse_week(&days).unwrap();
        assert_eq!(h.to_string(), "Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-12:00; Su off");
        // And back into the form, unchanged.
        assert_eq!(parse_week(&fields_of(&h)).unwrap(), h);
        assert!(fits_editor(&h));
    }

    #[test]
    fn every_row_mistake_is_named_on_its_day() {
        let mut days: [DayFields; 7] = std::array::from_fn(|_| day("09:00", "17:00", "", ""));
        days[0] = day("", "", "", "");
        days[1] = day("9", "17:00", "", "");
        days[2] = day("09:00", "", "", "");
        days[3] = day("17:00", "09:00", "", "");
        days[4] = day("09:00", "13:00", "12:00", "17:00");
        days[5] = day("25:00", "26:00", "", "");
        let problems = parse_week(&days).unwrap_err();
        assert_eq!(
            problems.iter().map(|p| (p.weekday, p.problem)).collect::<Vec<_>>(),
            vec![
                (0, DayProblem::NoTimes),
                (1, DayProblem::BadTime),
                (2, DayProblem::Unpaired),
                (3, DayProblem::EndBeforeStart),
                (4, DayProblem::Overlap),
                (5, DayProblem::BadTime),
            ]
        );
    }

    #[test]
    fn times_as_browsers_and_people_write_them() {
        assert_eq!(parse_day(&day("8:30", "24:00", "", "")).unwrap().len(), 1);
        assert_eq!(parse_day(&day("08:30:00", "11:00", "", "")).unwrap()[0].open, 510);
        assert_eq!(
            parse_day(&day("", "", "14:00", "17:00")).unwrap()[0].open,
            840,
            "afternoon only"
        );
        assert_eq!(
            parse_day(&day("24:00", "24:00", "", "")),
            Err(DayProblem::EndBeforeStart)
        );
        assert_eq!(parse_day(&day("12:60", "13:00", "", "")), Err(DayProblem::BadTime));
        assert_eq!(parse_day(&day("１２:00", "13:00", "", "")), Err(DayProblem::BadTime));
        // Ticked closed wins over times left in the row.
        let mut closed = day("09:00", "x", "", "");
        closed.closed = true;
        assert_eq!(parse_day(&closed), Ok(Vec::new()));
    }

    #[test]
    fn imported_hours_the_editor_cannot_show_are_flagged() {
        let h = WeeklyHours::parse("Mo-Su 08:00-10:00,12:00-14:00,17:00-19:00").unwrap();
        assert!(!fits_editor(&h));
        assert!(!fits_editor(&WeeklyHours::parse("Mo-Su 20:00-02:00").unwrap()));
    }
}
