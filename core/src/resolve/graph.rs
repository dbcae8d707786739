//! The two graph steps of rez's `finalise`: finding a cycle among the resolved packages
//! (pygraph's `find_cycle`) and ordering them dependencies first (`_get_dependency_order`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A directed graph: each node and the nodes it points to.
pub(super) type Graph = BTreeMap<String, BTreeSet<String>>;

/// A cycle of `graph` as its nodes in order, or `None`. Depth-first from each node in name
/// order, without recursion (a long chain must not overflow the stack).
pub(super) fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    let mut done: HashSet<&str> = HashSet::new();
    for root in graph.keys() {
        if done.contains(root.as_str()) {
            continue;
        }
        // The path from the root, each node with the children still to visit.
        let mut path: Vec<(&str, Vec<&str>)> = vec![(root, children(graph, root))];
        let mut on_path: HashSet<&str> = HashSet::from([root.as_str()]);
        while let Some((node, todo)) = path.last_mut() {
            let node = *node;
            match todo.pop() {
                Some(next) if on_path.contains(next) => {
                    let start = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                    return Some(path[start..].iter().map(|(n, _)| n.to_string()).collect());
                }
                Some(next) if !done.contains(next) => {
                    on_path.insert(next);
                    path.push((next, children(graph, next)));
                }
                Some(_) => {}
                None => {
                    on_path.remove(node);
                    done.insert(node);
                    path.pop();
                }
            }
        }
    }
    None
}

/// The children of `node`, reversed so that popping visits them in name order.
fn children<'g>(graph: &'g Graph, node: &str) -> Vec<&'g str> {
    graph
        .get(node)
        .map(|c| c.iter().rev().map(String::as_str).collect())
        .unwrap_or_default()
}

/// Every node reachable from each node, itself excluded (pygraph's `accessibility`).
fn reachable(graph: &Graph) -> HashMap<&str, HashSet<&str>> {
    let mut out = HashMap::new();
    for node in graph.keys() {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack = vec![node.as_str()];
        while let Some(n) = stack.pop() {
            for child in graph.get(n).into_iter().flatten() {
                if seen.insert(child) {
                    stack.push(child);
                }
            }
        }
        seen.remove(node.as_str());
        out.insert(node.as_str(), seen);
    }
    out
}

/// rez `_get_dependency_order`: the nodes as close as possible to `requested` order (then the
/// rest by name), each node after everything it depends on. `graph` has no cycle.
pub(super) fn dependency_order(graph: &Graph, requested: &[String]) -> Vec<String> {
    let deps = reachable(graph);
    let mut nodes: Vec<&str> = requested.iter().map(String::as_str).collect();
    let listed: HashSet<&str> = nodes.iter().copied().collect();
    nodes.extend(
        graph
            .keys()
            .map(String::as_str)
            .filter(|n| !listed.contains(n)),
    );
    let mut ordered: Vec<&str> = Vec::new();
    let mut placed: HashSet<&str> = HashSet::new();
    let mut at = 0;
    while at < nodes.len() {
        let node = nodes[at];
        let Some(node_deps) = deps.get(node).filter(|_| !placed.contains(node)) else {
            at += 1;
            continue;
        };
        // Bring the first later node it depends on to the front, as rez does.
        match (at + 1..nodes.len()).find(|&i| node_deps.contains(nodes[i])) {
            Some(i) => {
                let dep = nodes.remove(i);
                nodes.insert(at, dep);
            }
            None => {
                ordered.push(node);
                placed.insert(node);
                at += 1;
            }
        }
    }
    ordered.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> Graph {
        edges
            .iter()
            .map(|(n, c)| (n.to_string(), c.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn dependencies_come_first_and_requests_keep_their_order() {
        let g = graph(&[("a", &["c"]), ("b", &[]), ("c", &["d"]), ("d", &[])]);
        let order = dependency_order(&g, &["a".into(), "b".into()]);
        assert_eq!(order, ["d", "c", "a", "b"]);
    }

    #[test]
    fn a_cycle_is_found_and_a_diamond_is_not_one() {
        let diamond = graph(&[("a", &["b", "c"]), ("b", &["d"]), ("c", &["d"]), ("d", &[])]);
        assert_eq!(find_cycle(&diamond), None);
        let cyclic = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"])]);
        assert_eq!(find_cycle(&cyclic).map(|c| c.len()), Some(3));
    }
}
