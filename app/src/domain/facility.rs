//! Facilities residents look for, and what each kind offers.

use serde::{Deserialize, Serialize};

use super::closures::{self, Closure};
use super::coords::LatLng;
use super::hours::{LocalTime, OpenState, WeeklyHours};

/// The kinds of facility in the 15-minute life circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Elderly meal-assistance point (老年助餐点 / 社区食堂).
    Meal,
    /// Community reading point (社区阅读空间 / 书屋).
    Reading,
    /// Waste-sorting drop-off or recycling point (垃圾分类投放点).
    Sorting,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Meal, Kind::Reading, Kind::Sorting];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Meal => "meal",
            Kind::Reading => "reading",
            Kind::Sorting => "sorting",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The four household-waste categories of GB/T 19095-2019, as used by
/// Chengdu's regulation (in force since 2021-03-01).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WasteCategory {
    /// 可回收物, blue bin.
    Recyclable,
    /// 有害垃圾, red bin.
    Hazardous,
    /// 厨余垃圾, green bin.
    Food,
    /// 其他垃圾, grey bin.
    Residual,
}

impl WasteCategory {
    pub const ALL: [WasteCategory; 4] = [
        WasteCategory::Recyclable,
        WasteCategory::Hazardous,
        WasteCategory::Food,
        WasteCategory::Residual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WasteCategory::Recyclable => "recyclable",
            WasteCategory::Hazardous => "hazardous",
            WasteCategory::Food => "food",
            WasteCategory::Residual => "residual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        WasteCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a meal-assistance point offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MealServices {
    pub lunch: bool,
    pub dinner: bool,
    /// Subsidised price of a meal for residents aged 60+, in yuan.
    pub price_60: Option<f64>,
    /// Subsidised price for residents aged 80+, in yuan.
    pub price_80: Option<f64>,
    pub delivery: bool,
}

/// What a reading point offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReadingServices {
    pub children_corner: bool,
    pub seats: Option<u32>,
}

/// What a sorting point accepts; its `hours` are the timed drop-off hours.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SortingServices {
    pub accepts: Vec<WasteCategory>,
}

/// Services, one shape per kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Services {
    Meal(MealServices),
    Reading(ReadingServices),
    Sorting(SortingServices),
}

impl Services {
    pub fn kind(&self) -> Kind {
        match self {
            Services::Meal(_) => Kind::Meal,
            Services::Reading(_) => Kind::Reading,
            Services::Sorting(_) => Kind::Sorting,
        }
    }
}

/// A facility as residents see it. Names and addresses come in both
/// languages; the English ones may be empty, and then the Chinese is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    pub id: i64,
    /// Stable identifier from the data source, used to update on re-import.
    pub source_ref: String,
    pub name_zh: String,
    pub name_en: String,
    pub address_zh: String,
    pub address_en: String,
    pub location: LatLng,
    pub phone: String,
    pub community: String,
    pub hours: WeeklyHours,
    pub services: Services,
    /// Temporary closures and special hours, sorted by date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closures: Vec<Closure>,
    /// When staff last confirmed these details (Unix ms); `None`: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<i64>,
    /// Closed for good: kept for its history, hidden from residents.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

impl Facility {
    pub fn kind(&self) -> Kind {
        self.services.kind()
    }

    /// Open or closed at a moment, temporary closures honoured.
    pub fn state_at(&self, t: LocalTime) -> OpenState {
        closures::state_at(&self.hours, &self.closures, t)
    }

    /// `open_now` of the API: `None` when no hours are known.
    pub fn open_now(&self, t: LocalTime) -> Option<bool> {
        (!self.hours.is_always_closed() || closures::on(&self.closures, t.date).is_some_and(|c| !c.is_closed()))
            .then(|| self.state_at(t).is_open())
    }

    /// The name in the reader's language, falling back to Chinese.
    pub fn name(&self, english: bool) -> &str {
        pick(english, &self.name_zh, &self.name_en)
    }

    pub fn address(&self, english: bool) -> &str {
        pick(english, &self.address_zh, &self.address_en)
    }
}

/// A community (社区) or sub-district street (街道) with its centre, offered
/// to residents who do not share their location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Community {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub district_zh: String,
    pub district_en: String,
    pub centre: LatLng,
    /// Where the community is; `None` until staff import or draw it. Kept
    /// on the server (it decides which committee a place belongs to), not
    /// sent to browsers with the community.
    #[serde(skip)]
    pub boundary: Option<super::boundary::Boundary>,
}

impl Community {
    pub fn name(&self, english: bool) -> &str {
        pick(english, &self.name_zh, &self.name_en)
    }

    pub fn district(&self, english: bool) -> &str {
        pick(english, &self.district_zh, &self.district_en)
    }
}

fn pick<'a>(english: bool, zh: &'a str, en: &'a str) -> &'a str {
    if english && !en.trim().is_empty() {
        en
    } else {
        zh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_categories_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for c in WasteCategory::ALL {
            assert_eq!(WasteCategory::parse(c.as_str()), Some(c));
        }
        assert_eq!(Kind::parse("Meal"), None);
    }

    #[test]
    fn english_falls_back_to_chinese() {
        assert_eq!(pick(true, "玉林", ""), "玉林");
        assert_eq!(pick(true, "玉林", "Yulin"), "Yulin");
        assert_eq!(pick(false, "玉林", "Yulin"), "玉林");
    }
}
