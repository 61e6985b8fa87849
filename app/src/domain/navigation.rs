//! Links that hand a destination to the resident's map app.
//!
//! Each app wants its own datum: Amap takes GCJ-02, so the point is converted;
//! Baidu is told the point is WGS-84 (`coord_type=wgs84`) and converts itself;
//! Apple Maps and `geo:` take WGS-84.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use super::coords::{wgs84_to_gcj02, LatLng};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavLinks {
    pub amap: String,
    pub baidu: String,
    pub apple: String,
    pub geo: String,
}

pub fn nav_links(to: LatLng, name: &str) -> NavLinks {
    let enc = utf8_percent_encode(name, NON_ALPHANUMERIC).to_string();
    let g = wgs84_to_gcj02(to);
    NavLinks {
        amap: format!("https://uri.amap.com/navigation?to={:.6},{:.6},{enc}&mode=walk&callnative=1", g.lng, g.lat),
        baidu: format!(
            "https://api.map.baidu.com/direction?destination=latlng:{:.6},{:.6}|name:{enc}&mode=walking&coord_type=wgs84&output=html&src=linli",
            to.lat, to.lng
        ),
        apple: format!("https://maps.apple.com/?daddr={:.6},{:.6}&dirflg=w", to.lat, to.lng),
        geo: format!("geo:{:.6},{:.6}?q={:.6},{:.6}({enc})", to.lat, to.lng, to.lat, to.lng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amap_gets_gcj02_and_the_others_wgs84() {
        let p = LatLng::new(39.915, 116.404);
        let l = nav_links(p, "长者食堂 A&B");
        assert!(
            l.amap
                .starts_with("https://uri.amap.com/navigation?to=116.410244,39.916404,"),
            "{}",
            l.amap
        );
        assert!(l.amap.ends_with("&mode=walk&callnative=1"));
        // The name is percent-encoded, so `&` cannot break the query.
        assert!(l.amap.contains("%E9%95%BF%E8%80%85") && l.amap.contains("A%26B"));
        assert!(l.baidu.contains("destination=latlng:39.915000,116.404000|name:"));
        assert!(l.baidu.contains("coord_type=wgs84"));
        assert_eq!(l.apple, "https://maps.apple.com/?daddr=39.915000,116.404000&dirflg=w");
        assert!(l.geo.starts_with("geo:39.915000,116.404000"));
    }
}
