//! Links that hand a destination to the resident's map app.
//!
//! Each app wants its own datum: Amap takes GCJ-02, so the point is converted;
//! Baidu is told the point is WGS-84 (`coord_type=wgs84`) and converts itself;
//! Apple Maps and `geo:` take WGS-84.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::coords::{wgs84_to_gcj02, LatLng};

/// The map apps a facility links to by address (and `geo:` besides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapApp {
    Amap,
    Baidu,
    Apple,
}

impl MapApp {
    pub const ALL: [MapApp; 3] = [MapApp::Amap, MapApp::Baidu, MapApp::Apple];

    pub fn as_str(self) -> &'static str {
        match self {
            MapApp::Amap => "amap",
            MapApp::Baidu => "baidu",
            MapApp::Apple => "apple",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The app's address for walking directions to `to`, named `name`.
    pub fn link(self, to: LatLng, name: &str) -> String {
        let enc = utf8_percent_encode(name, NON_ALPHANUMERIC);
        match self {
            MapApp::Amap => {
                let g = wgs84_to_gcj02(to);
                format!("https://uri.amap.com/navigation?to={:.6},{:.6},{enc}&mode=walk&callnative=1", g.lng, g.lat)
            }
            MapApp::Baidu => format!(
                "https://api.map.baidu.com/direction?destination=latlng:{:.6},{:.6}|name:{enc}&mode=walking&coord_type=wgs84&output=html&src=linli",
                to.lat, to.lng
            ),
            MapApp::Apple => format!("https://maps.apple.com/?daddr={:.6},{:.6}&dirflg=w", to.lat, to.lng),
        }
    }
}

/// `geo:` (RFC 5870), which any map app on the phone answers, offline too.
/// Built in one buffer of its final size, with the position formatted once:
/// every result card has one, so this is on the results page's hot path.
pub fn geo_link(to: LatLng, name: &str) -> String {
    let at = format!("{:.6},{:.6}", to.lat, to.lng);
    let mut link = String::with_capacity(2 * at.len() + 3 * name.len() + 9);
    link.push_str("geo:");
    link.push_str(&at);
    link.push_str("?q=");
    link.push_str(&at);
    link.push('(');
    link.extend(utf8_percent_encode(name, NON_ALPHANUMERIC));
    link.push(')');
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amap_gets_gcj02_and_the_others_wgs84() {
        let p = LatLng::new(39.915, 116.404);
        let name = "长者食堂 A&B";
        let (amap, baidu, apple, geo) = (
            MapApp::Amap.link(p, name),
            MapApp::Baidu.link(p, name),
            MapApp::Apple.link(p, name),
            geo_link(p, name),
        );
        assert!(
            amap.starts_with("https://uri.amap.com/navigation?to=116.410244,39.916404,"),
            "{}",
            amap
        );
        assert!(amap.ends_with("&mode=walk&callnative=1"));
        // The name is percent-encoded, so `&` cannot break the query.
        assert!(amap.contains("%E9%95%BF%E8%80%85") && amap.contains("A%26B"));
        assert!(baidu.contains("destination=latlng:39.915000,116.404000|name:"));
        assert!(baidu.contains("coord_type=wgs84"));
        assert_eq!(apple, "https://maps.apple.com/?daddr=39.915000,116.404000&dirflg=w");
        assert_eq!(
            geo,
            "geo:39.915000,116.404000?q=39.915000,116.404000(%E9%95%BF%E8%80%85%E9%A3%9F%E5%A0%82%20A%26B)"
        );
        for app in MapApp::ALL {
            assert_eq!(MapApp::parse(app.as_str()), Some(app));
        }
        assert_eq!(MapApp::parse("google"), None);
    }
}
