//! The committee's dashboard figures, computed from plain rows so they can
//! be unit-tested: counts by status and category, and the median time to a
//! first response.

use serde::{Deserialize, Serialize};

use crate::domain::suggestion::{Category, Status};

const DAY_MS: f64 = 24.0 * 3600.0 * 1000.0;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub total: usize,
    pub by_status: Vec<(Status, usize)>,
    pub by_category: Vec<(Category, usize)>,
    /// Median days from filing to the committee's first status change or
    /// public reply, over the suggestions that had one.
    pub median_days_to_first_response: Option<f64>,
    /// How many have had no response yet.
    pub unanswered: usize,
}

/// `rows`: (filed at, status, category, first response at), all in ms.
pub fn summarise(rows: &[(i64, Status, Category, Option<i64>)]) -> Dashboard {
    let by_status = Status::ALL
        .iter()
        .map(|s| (*s, rows.iter().filter(|r| r.1 == *s).count()))
        .collect();
    let by_category = Category::ALL
        .iter()
        .map(|c| (*c, rows.iter().filter(|r| r.2 == *c).count()))
        .collect();
    let mut days: Vec<f64> = rows
        .iter()
        .filter_map(|(filed, _, _, first)| first.map(|f| (f - filed).max(0) as f64 / DAY_MS))
        .collect();
    days.sort_by(f64::total_cmp);
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2]),
        n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
    };
    Dashboard {
        total: rows.len(),
        by_status,
        by_category,
        median_days_to_first_response: median,
        unanswered: rows.iter().filter(|r| r.3.is_none()).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600 * 1000;

    #[test]
    fn counts_and_the_median_response_time() {
        let rows = vec![
            (0, Status::Accepted, Category::Lighting, Some(DAY)),
            (0, Status::Received, Category::Lighting, None),
            (10 * DAY, Status::Done, Category::Seating, Some(13 * DAY)),
            (0, Status::Declined, Category::Other, Some(2 * DAY)),
        ];
        let d = summarise(&rows);
        assert_eq!(d.total, 4);
        assert_eq!(d.unanswered, 1);
        assert_eq!(d.median_days_to_first_response, Some(2.0), "median of 1, 2, 3 days");
        assert!(d.by_status.contains(&(Status::Received, 1)));
        assert!(d.by_category.contains(&(Category::Lighting, 2)));
        let even = summarise(&rows[..1].iter().chain(&rows[2..3]).copied().collect::<Vec<_>>());
        assert_eq!(
            even.median_days_to_first_response,
            Some(2.0),
            "mean of the middle two: 1 and 3"
        );
        assert_eq!(summarise(&[]).median_days_to_first_response, None);
    }
}
