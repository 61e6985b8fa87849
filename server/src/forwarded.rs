//! Who is asking: the client's address, whether it came over HTTPS, and the
//! host it addressed, seen through the reverse proxies we trust.
//!
//! Behind nginx every connection comes from the proxy, which says who the
//! client was in `X-Forwarded-For`, `X-Forwarded-Proto` and
//! `X-Forwarded-Host`. Anyone can send those headers, so they count only on
//! connections from an address in `LINLI_TRUSTED_PROXIES`; without it they
//! are ignored. This one decision is used by the rate limits (client
//! address), the cookies' `Secure` flag (HTTPS) and the same-origin check
//! (host), through [`Client`] in each request's extensions.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Extensions, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// Addresses and networks of trusted reverse proxies, e.g.
/// `127.0.0.1, 10.0.0.0/8, ::1`.
/// Shared, not copied: every request's middleware holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(std::sync::Arc<[IpNet]>);

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<IpNet>()
                    .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("`{p}` is not an IP address or network (like 10.0.0.0/8)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| TrustedProxies(nets.into()))
    }
}

/// What the server knows of a request's client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    pub https: bool,
    /// The hosts the browser may have addressed: `Host` and the URI's
    /// authority (HTTP/2), or what a trusted proxy forwarded.
    pub hosts: Vec<String>,
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`: the first address from the right of
    /// `X-Forwarded-For` that is not a trusted proxy, when `peer` is one.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap, authority: Option<&str>) -> Client {
        let direct_hosts = || {
            [headers.get(header::HOST).and_then(|v| v.to_str().ok()), authority]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        if !self.trusts(peer) {
            return Client {
                ip: peer,
                https: false,
                hosts: direct_hosts(),
            };
        }
        let values = |name: &str| -> Vec<String> {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        };
        let mut ip = peer;
        for hop in values("x-forwarded-for").iter().rev() {
            let Some(addr) = parse_hop(hop) else {
                break; // Garbage from beyond the proxies: stop at the last known hop.
            };
            ip = addr;
            if !self.trusts(addr) {
                break;
            }
        }
        let https = values("x-forwarded-proto")
            .last()
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
        let hosts = match values("x-forwarded-host").last() {
            Some(host) => vec![host.clone()],
            None => direct_hosts(),
        };
        Client { ip, https, hosts }
    }
}

/// An `X-Forwarded-For` entry: an address, perhaps with a port or brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| hop.trim_start_matches('[').trim_end_matches(']').parse().ok())
}

/// Middleware: works out the [`Client`] once and leaves it in the
/// request's extensions.
pub async fn identify(State(proxies): State<TrustedProxies>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(a)| a.ip());
    let client = proxies.client(peer, req.headers(), req.uri().authority().map(|a| a.as_str()));
    req.extensions_mut().insert(app::security::Https(client.https));
    req.extensions_mut().insert(client);
    next.run(req).await
}

impl Client {
    /// `https://host` as the browser addressed this site, to print whole
    /// links (an invitation, a receipt's tracking page); empty when the
    /// host is unknown, and the links stay relative.
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        self.hosts
            .first()
            .map(|h| format!("{scheme}://{h}"))
            .unwrap_or_default()
    }
}

/// The client of a request that passed [`identify`].
pub fn client(extensions: &Extensions) -> Client {
    extensions.get::<Client>().cloned().unwrap_or(Client {
        ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        https: false,
        hosts: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let forged = headers(&[
            ("host", "linli.example"),
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "evil.example"),
        ]);
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        for p in [&none, &proxies] {
            let c = p.client(stranger, &forged, None);
            assert_eq!(c.ip, stranger, "a client cannot pick its own address");
            assert!(!c.https);
            assert_eq!(c.hosts, ["linli.example"]);
        }
        let c = none.client("127.0.0.1".parse().unwrap(), &forged, None);
        assert_eq!(c.ip.to_string(), "127.0.0.1", "nothing is trusted by default");

        let c = proxies.client("127.0.0.1".parse().unwrap(), &forged, None);
        assert_eq!(c.ip.to_string(), "203.0.113.9");
        assert!(c.https);
        assert_eq!(c.hosts, ["evil.example"], "the proxy's word for the host");
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let peer: IpAddr = "10.0.0.2".parse().unwrap();
        // The client said it was 1.2.3.4; the outer proxy saw 203.0.113.9.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4, 203.0.113.9"),
            ("x-forwarded-for", "10.0.0.1"),
        ]);
        assert_eq!(proxies.client(peer, &h, None).ip.to_string(), "203.0.113.9");
        let h = headers(&[("x-forwarded-for", "[2001:db8::1]:4711, 10.0.0.1")]);
        assert_eq!(proxies.client(peer, &h, None).ip.to_string(), "2001:db8::1");
        let h = headers(&[("x-forwarded-for", "not-an-ip, 10.0.0.1")]);
        assert_eq!(proxies.client(peer, &h, None).ip.to_string(), "10.0.0.1");
        let h = headers(&[("x-forwarded-for", "10.0.0.5")]);
        assert_eq!(
            proxies.client(peer, &h, None).ip.to_string(),
            "10.0.0.5",
            "all proxies: the farthest"
        );
        assert_eq!(proxies.client(peer, &HeaderMap::new(), None).ip, peer);
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        assert!(proxies.trusts(mapped), "IPv4 seen through an IPv6 socket");
    }

    #[test]
    fn the_setting_is_checked() {
        assert_eq!("".parse::<TrustedProxies>().unwrap(), TrustedProxies::default());
        assert!("10.0.0.0/8,::1".parse::<TrustedProxies>().is_ok());
        let e = "10.0.0.0/8, nginx".parse::<TrustedProxies>().unwrap_err();
        assert!(e.contains("`nginx`"), "{e}");
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
    }
}
