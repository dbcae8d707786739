//! `package_orderers` written back as rez's resolved context records them
//! (`PackageOrderList.to_pod`), for the resolve's JSON.

use super::{Orderer, PackageOrder, PackageOrderers};
use serde_json::{json, Value};

impl PackageOrderers {
    /// rez `PackageOrderList.to_pod`: each orderer's `type` and fields, as rez's
    /// `ResolvedContext` records `package_orderers`. A `sorted` orderer's `descending` is its
    /// truth (rez keeps the value as given).
    pub fn to_pod(&self) -> Value {
        self.list.iter().map(package_order_pod).collect()
    }
}

/// rez `to_pod(orderer)`: `type`, the orderer's fields and its `packages`; `per_family` has
/// no `packages` of its own.
fn package_order_pod(order: &PackageOrder) -> Value {
    let mut pod = orderer_pod(&order.orderer);
    if !matches!(order.orderer, Orderer::PerFamily { .. }) {
        pod["packages"] = json!(order.packages);
    }
    pod
}

/// The `type` and fields of `orderer` (rez's `to_pod` of each class, without `packages`).
fn orderer_pod(orderer: &Orderer) -> Value {
    match orderer {
        Orderer::Sorted { descending } => json!({"type": "sorted", "descending": descending}),
        Orderer::VersionSplit { first_version } => {
            json!({"type": "version_split", "first_version": first_version.to_string()})
        }
        Orderer::NoOrder => json!({"type": "no_order"}),
        Orderer::SoftTimestamp { timestamp, rank } => {
            json!({"type": "soft_timestamp", "timestamp": timestamp, "rank": rank})
        }
        Orderer::PerFamily {
            orderers,
            families,
            default_order,
        } => {
            // rez groups the families by the orderer object they map to, in its dict's order.
            let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
            for (family, index) in families {
                match groups.iter_mut().find(|(i, _)| i == index) {
                    Some((_, names)) => names.push(family),
                    None => groups.push((*index, vec![family])),
                }
            }
            let listed: Vec<Value> = groups
                .into_iter()
                .filter_map(|(index, mut names)| {
                    names.sort_unstable();
                    let mut pod = orderer_pod(orderers.get(index)?);
                    pod["packages"] = json!(names);
                    Some(pod)
                })
                .collect();
            let mut pod = json!({"type": "per_family", "orderers": listed});
            if let Some(default) = default_order {
                pod["default_order"] = package_order_pod(default);
            }
            pod
        }
    }
}
