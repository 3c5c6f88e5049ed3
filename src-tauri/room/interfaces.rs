//! This machine's addresses, for the room's "Network" choice: every non-loopback IPv4 and IPv6
//! address, and 127.0.0.1 ("this computer only"), with the one that carries the default route
//! chosen first. It only reads what the system already knows: it must never send anything on
//! the network to find out.

use std::net::IpAddr;

use serde::Serialize;
use ts_rs::TS;

/// One address the room can listen on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NetworkChoice {
    /// The address, as typed in a URL host (IPv6 without brackets).
    pub address: String,
    /// The interface it belongs to ("wlan0"), or "this computer only" for loopback.
    pub interface: String,
    /// What the select shows: "192.168.1.20 (wlan0)", "127.0.0.1 (this computer only)".
    pub label: String,
    /// The choice offered first: the address of the interface with the default route.
    pub default: bool,
}

/// The addresses to offer, the default first, loopback last.
pub fn list() -> Vec<NetworkChoice> {
    let found = match if_addrs::get_if_addrs() {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!("cannot list this machine's network interfaces: {e}");
            Vec::new()
        }
    };
    let mut lan: Vec<(String, IpAddr)> = found
        .into_iter()
        .filter(|i| !i.is_loopback())
        .map(|i| (i.name.clone(), i.ip()))
        // Link-local IPv6 addresses need a zone in a URL that phones cannot type.
        .filter(|(_, ip)| !matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80))
        .collect();
    // IPv4 first: every phone reaches it; the order of the system otherwise.
    lan.sort_by_key(|(_, ip)| ip.is_ipv6());
    let default_iface = std::fs::read_to_string("/proc/net/route")
        .ok()
        .and_then(|table| default_route_interface(&table));
    let default = default_iface
        .and_then(|name| lan.iter().position(|(n, ip)| *n == name && ip.is_ipv4()))
        .unwrap_or(0);
    if default < lan.len() {
        let chosen = lan.remove(default);
        lan.insert(0, chosen);
    }
    let mut choices: Vec<NetworkChoice> = lan
        .into_iter()
        .enumerate()
        .map(|(n, (name, ip))| NetworkChoice {
            address: ip.to_string(),
            label: format!("{ip} ({name})"),
            interface: name,
            default: n == 0,
        })
        .collect();
    let only_loopback = choices.is_empty();
    choices.push(NetworkChoice {
        address: "127.0.0.1".into(),
        interface: "this computer only".into(),
        label: "127.0.0.1 (this computer only)".into(),
        default: only_loopback,
    });
    choices
}

/// The interface of the default route in Linux's /proc/net/route (destination 0.0.0.0 with mask
/// 0.0.0.0, the lowest metric when there are several).
pub fn default_route_interface(table: &str) -> Option<String> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (name, destination, flags, metric, mask) =
                (f.first()?, f.get(1)?, f.get(3)?, f.get(6)?, f.get(7)?);
            let up = u32::from_str_radix(flags, 16).ok()? & 1 == 1;
            (up && *destination == "00000000" && *mask == "00000000")
                .then(|| Some((metric.parse::<u32>().ok()?, name.to_string())))
                .flatten()
        })
        .min()
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_route_names_its_interface() {
        let table =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
            docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n\
            wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n\
            eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
            wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n";
        assert_eq!(default_route_interface(table).as_deref(), Some("eth0"));
        assert_eq!(default_route_interface("Iface\tDestination\n"), None);
    }

    #[test]
    fn loopback_is_always_offered() {
        let choices = list();
        assert!(choices.iter().any(|c| c.address == "127.0.0.1"));
        assert_eq!(choices.iter().filter(|c| c.default).count(), 1);
    }
}
