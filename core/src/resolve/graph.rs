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

/// The nodes of a graph by number, each node's reachable nodes as a bit set: the ordering
/// below asks "does x depend on y" some n² times per resolve.
struct Numbered<'g> {
    names: Vec<&'g str>,
    number: HashMap<&'g str, usize>,
    /// Whether the node is a key of the graph (has a list of children, maybe empty).
    keyed: Vec<bool>,
    /// Bit set words per node.
    words: usize,
    /// `reach[i * words ..][..words]`: every node reachable from node `i`, itself excluded
    /// (pygraph's `accessibility`).
    reach: Vec<u64>,
}

impl<'g> Numbered<'g> {
    /// `graph`'s keys, then `extra` names and every child, numbered in that order.
    fn new(graph: &'g Graph, extra: &'g [String]) -> Numbered<'g> {
        let mut names: Vec<&str> = Vec::new();
        let mut number: HashMap<&str, usize> = HashMap::new();
        let mut add = |name: &'g str, names: &mut Vec<&'g str>| {
            *number.entry(name).or_insert_with(|| {
                names.push(name);
                names.len() - 1
            })
        };
        for key in graph.keys() {
            add(key, &mut names);
        }
        let keys = names.len();
        for name in extra.iter().chain(graph.values().flatten()) {
            add(name, &mut names);
        }
        let children: Vec<Vec<usize>> = graph
            .values()
            .map(|c| c.iter().map(|name| add(name, &mut names)).collect())
            .collect();
        let n = names.len();
        let words = n.div_ceil(64).max(1);
        let mut reach = vec![0u64; n * words];
        let mut stack: Vec<usize> = Vec::new();
        for node in 0..keys {
            let seen = &mut reach[node * words..(node + 1) * words];
            stack.push(node);
            while let Some(at) = stack.pop() {
                for &child in children.get(at).into_iter().flatten() {
                    let (word, bit) = (child / 64, 1u64 << (child % 64));
                    if seen[word] & bit == 0 {
                        seen[word] |= bit;
                        stack.push(child);
                    }
                }
            }
            seen[node / 64] &= !(1u64 << (node % 64));
        }
        let keyed = (0..n).map(|i| i < keys).collect();
        Numbered {
            names,
            number,
            keyed,
            words,
            reach,
        }
    }

    /// Whether `to` is reachable from `from`.
    fn reaches(&self, from: usize, to: usize) -> bool {
        self.reach[from * self.words + to / 64] & (1u64 << (to % 64)) != 0
    }
}

/// rez `_get_dependency_order`: the nodes as close as possible to `requested` order (then the
/// rest by name), each node after everything it depends on. `graph` has no cycle.
pub(super) fn dependency_order(graph: &Graph, requested: &[String]) -> Vec<String> {
    let numbered = Numbered::new(graph, requested);
    let mut nodes: Vec<usize> = Vec::new();
    let mut listed = vec![false; numbered.names.len()];
    let requested = requested.iter().map(|r| numbered.number[r.as_str()]);
    for node in requested.chain(0..graph.len()) {
        if !listed[node] {
            listed[node] = true;
            nodes.push(node);
        }
    }
    let mut ordered: Vec<usize> = Vec::new();
    let mut placed = vec![false; numbered.names.len()];
    let mut at = 0;
    while at < nodes.len() {
        let node = nodes[at];
        // A node that is not in the graph has no place in the order.
        if !numbered.keyed[node] || placed[node] {
            at += 1;
            continue;
        }
        // Bring the first later node it depends on to the front, as rez does.
        match (at + 1..nodes.len()).find(|&i| numbered.reaches(node, nodes[i])) {
            Some(i) => {
                let dep = nodes.remove(i);
                nodes.insert(at, dep);
            }
            None => {
                ordered.push(node);
                placed[node] = true;
                at += 1;
            }
        }
    }
    ordered
        .into_iter()
        .map(|i| numbered.names[i].to_string())
        .collect()
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
