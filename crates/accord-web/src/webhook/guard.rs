//! Keeping webhooks on the public internet. A webhook address is typed by
//! any user, and the worker posts to it from inside the operator's
//! network; without a guard a user could point it at the database, an
//! admin panel on localhost or a cloud metadata service (169.254.169.254)
//! and use Accord to reach what only the server can (server-side request
//! forgery). So by default the sender connects only to public addresses:
//!
//! - an address written as an IP is checked before anything is sent;
//! - a host name is resolved by [`PublicOnly`], which drops every
//!   non-public address it resolves to, so a name that points inside
//!   (including one that changes its answer between the check and the
//!   connection) fails to connect instead.
//!
//! An operator whose receivers live on the private network (ntfy on the
//! LAN, a test server on localhost) turns this off with
//! `allow_private_webhooks`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is an address on the public internet: not loopback,
/// private, shared (carrier-grade NAT), link-local, multicast, broadcast,
/// unspecified, reserved or set aside for documentation and benchmarks.
/// IPv6 addresses that carry an IPv4 one (mapped, NAT64) are judged by it.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space, RFC 6598
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, RFC 2544
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation, 2001:db8::/32
        || s[..5] == [0, 0, 0, 0, 0]) // IPv4-compatible and other ::/80 forms
}

/// Why a webhook host written as an IP address is refused, if it is (the
/// sender's check: names go through [`PublicOnly`]). The message is a
/// sentence for the person who typed it.
pub fn refuse_ip(host: &url::Host<&str>) -> Option<String> {
    let ip = match host {
        url::Host::Ipv4(v4) => IpAddr::V4(*v4),
        url::Host::Ipv6(v6) => IpAddr::V6(*v6),
        url::Host::Domain(_) => return None,
    };
    (!is_public(ip)).then(private_message)
}

/// [`refuse_ip`], and names that always mean this machine (`localhost`,
/// `*.localhost`): the check when an address is saved, so that the person
/// hears at once rather than from failed deliveries.
pub fn refuse_host(host: &url::Host<&str>) -> Option<String> {
    if let url::Host::Domain(name) = host {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if name == "localhost" || name.ends_with(".localhost") {
            return Some(private_message());
        }
    }
    refuse_ip(host)
}

fn private_message() -> String {
    "That address is on a private network or this server itself, which webhooks may not reach. Use the receiver's public address.".to_owned()
}

/// A resolver that keeps only public addresses, failing when a name has
/// none. Used by the webhook sender unless private networks are allowed.
#[derive(Debug, Default, Clone, Copy)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| is_public(a.ip()))
                .collect();
            if public.is_empty() && !found.is_empty() {
                return Err(Box::new(std::io::Error::other(format!(
                    "{host} resolves only to private or local addresses, which webhooks may not reach"
                )))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(public(ip), "{ip} is public");
        }
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.1.2.3",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!public(ip), "{ip} is not public");
        }
    }

    #[test]
    fn hosts_are_judged_before_sending_or_saving() {
        let refused = |u: &str| {
            let url = url::Url::parse(u).unwrap();
            refuse_host(&url.host().unwrap()).is_some()
        };
        let sent = |u: &str| {
            let url = url::Url::parse(u).unwrap();
            refuse_ip(&url.host().unwrap()).is_none()
        };
        // Names are left to the resolver when sending.
        assert!(sent("http://localhost/hook"));
        assert!(!sent("http://127.0.0.1/hook"));
        assert!(refused("http://127.0.0.1:8080/hook"));
        assert!(refused("http://[::1]/hook"));
        assert!(refused("http://169.254.169.254/latest/meta-data"));
        assert!(refused("http://localhost/hook"));
        assert!(refused("http://api.localhost./hook"));
        assert!(refused("http://2130706433/hook"), "127.0.0.1 as a number");
        assert!(!refused("https://ntfy.sh/maya"));
        assert!(!refused("https://8.8.8.8/hook"));
    }

    #[tokio::test]
    async fn names_of_this_machine_resolve_to_nothing() {
        let name: Name = "localhost".parse().unwrap();
        let err = PublicOnly.resolve(name).await.err().unwrap();
        assert!(err.to_string().contains("only to private"), "{err}");
    }
}
