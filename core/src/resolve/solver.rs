//! The solver: rez 3.4.0's `solver.py`, with the same phases, in the same order.
//!
//! A *phase* holds one *scope* per family: the versions and variants still possible for it
//! (a *slice*), or a conflict (`!foo`, `~foo`) or ephemeral (`.foo`) range. A phase is solved
//! by repeating, until nothing changes: **extract** the requirements every variant of a scope
//! shares, **intersect** the scopes with them (or add a scope for a new family), **reduce**
//! each scope by the others (drop the variants whose requirements conflict with another
//! scope). A phase that cannot go on is **split**: its first splittable scope is cut in two,
//! the preferred half (the highest versions, the best variants) first, and the solver goes
//! depth-first through the halves, keeping failed phases for the failure report. A solved
//! phase is **finalised**: cycles are a failure, and the packages are put in dependency order.

use super::cache::Solver;
use super::graph::{dependency_order, find_cycle};
use super::outcome::error;
use super::outcome::{
    Reduction, ResolveFailure, ResolveOutcome, ResolvedVariant, RezResolve, SolveError,
};
use super::pending::Pending;
use super::slice::{Change, Fam, RequirementList, Slice, Variant};
use super::{PackageSource, ResolveOptions};
use crate::versions::rez::{RezRequirement, RezVersionRange};
// foldhash, not SipHash: these maps are looked up for every pair of scopes on every round.
use foldhash::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

/// rez `_PackageScope`: what is still possible for one family.
#[derive(Debug, Clone)]
struct Scope {
    name: Rc<str>,
    /// The family's number in this resolve.
    fam: Fam,
    /// The scope's request: for a slice, the exact versions it holds (shared by copies).
    request: Rc<RezRequirement>,
    slice: Option<Rc<Slice>>,
    ephemeral: bool,
}

impl Scope {
    fn new(request: &RezRequirement, solver: &mut Solver) -> Result<Scope, SolveError> {
        let name: Rc<str> = request.name.as_str().into();
        let fam = solver.fam(&request.name);
        let ephemeral = request.name.starts_with('.');
        if request.conflict || ephemeral {
            return Ok(Scope {
                name,
                fam,
                request: Rc::new(request.clone()),
                slice: None,
                ephemeral,
            });
        }
        match solver.variant_slice(&request.name, &request.range)? {
            Some(slice) => Ok(Scope::with_slice(name, slice, ephemeral)),
            None => Err(error(format!(
                "Package could not be found: {}",
                RezRequirement::new(&request.name, request.range.clone())
            ))),
        }
    }

    fn with_slice(name: Rc<str>, slice: Slice, ephemeral: bool) -> Scope {
        Scope {
            request: Rc::new(RezRequirement::new(&name, slice.range())),
            name,
            fam: slice.fam,
            slice: Some(Rc::new(slice)),
            ephemeral,
        }
    }

    fn is_conflict(&self) -> bool {
        self.request.conflict
    }

    fn intersect(
        &self,
        range: &RezVersionRange,
        solver: &mut Solver,
    ) -> Result<Change<Scope>, SolveError> {
        if self.ephemeral {
            let narrowed = if self.is_conflict() {
                range.intersection(&self.request.range.complement())
            } else {
                range.intersection(&self.request.range)
            };
            return Ok(if narrowed.is_empty() {
                Change::Gone
            } else if narrowed == self.request.range {
                Change::Same
            } else {
                Change::To(Scope {
                    request: Rc::new(RezRequirement::new(&self.name, narrowed)),
                    ..self.clone()
                })
            });
        }
        let slice = match &self.slice {
            Some(slice) => match slice.intersect(range) {
                Change::Same => return Ok(Change::Same),
                Change::Gone => None,
                Change::To(s) => Some(s),
            },
            // A conflict scope becomes a slice of the versions it does not exclude.
            None if self.request.range.is_empty() => solver.variant_slice(&self.name, range)?,
            None => {
                let allowed = range.intersection(&self.request.range.complement());
                if allowed.is_empty() {
                    None
                } else {
                    solver.variant_slice(&self.name, &allowed)?
                }
            }
        };
        Ok(match slice {
            None => Change::Gone,
            Some(s) => Change::To(Scope::with_slice(Rc::clone(&self.name), s, self.ephemeral)),
        })
    }

    /// Reduced by `by`'s request.
    fn reduce_by(&self, by: &Scope) -> (Change<Scope>, Vec<Reduction>) {
        let Some(slice) = self.slice.as_ref().filter(|_| !self.ephemeral) else {
            return (Change::Same, Vec::new());
        };
        let (change, reductions) = slice.reduce_by(&by.request, by.fam);
        let change = match change {
            Change::Same => Change::Same,
            Change::Gone => Change::Gone,
            Change::To(s) => Change::To(Scope::with_slice(Rc::clone(&self.name), s, false)),
        };
        (change, reductions)
    }

    fn extract(&self) -> Option<(Scope, RezRequirement)> {
        let slice = self.slice.as_ref().filter(|_| !self.ephemeral)?;
        let (slice, request) = slice.extract()?;
        Some((
            Scope {
                slice: Some(Rc::new(slice)),
                ..self.clone()
            },
            request,
        ))
    }

    fn split(&self) -> Option<(Scope, Scope)> {
        let slice = self
            .slice
            .as_ref()
            .filter(|s| !self.ephemeral && s.len > 1)?;
        let (first, rest) = slice.split()?;
        Some((
            Scope::with_slice(Rc::clone(&self.name), first, false),
            Scope::with_slice(Rc::clone(&self.name), rest, false),
        ))
    }

    fn is_solved(&self) -> bool {
        match &self.slice {
            _ if self.is_conflict() || self.ephemeral => true,
            Some(slice) => slice.len == 1 && !slice.extractable(),
            None => true,
        }
    }

    fn solved_variant(&self) -> Option<&Rc<Variant>> {
        self.slice
            .as_ref()
            .filter(|s| s.len == 1 && !s.extractable())
            .and_then(|s| s.first_variant())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Exhausted,
    Solved,
    Failed,
    Cyclic,
}

/// The extractions of a phase and of the phases it came from, newest first: a shared list,
/// so that copying a phase (every split) costs nothing.
#[derive(Debug, Clone, Default)]
struct Pulls(Option<Rc<Pull>>);

#[derive(Debug)]
struct Pull {
    by: Rc<str>,
    requirement: RezRequirement,
    older: Pulls,
}

impl Pulls {
    fn push(&mut self, by: &Rc<str>, requirement: &RezRequirement) {
        let older = std::mem::take(self);
        *self = Pulls(Some(Rc::new(Pull {
            by: Rc::clone(by),
            requirement: requirement.clone(),
            older,
        })));
    }

    /// `(by, family, requirement)` in the order first extracted; a later extraction of the
    /// same family from the same scope replaces the earlier one, as in rez's dict.
    fn in_order(&self) -> Vec<(String, String, RezRequirement)> {
        let mut newest_first: Vec<&Pull> = Vec::new();
        let mut at = self.0.as_deref();
        while let Some(pull) = at {
            newest_first.push(pull);
            at = pull.older.0.as_deref();
        }
        let mut out: Vec<(String, String, RezRequirement)> = Vec::new();
        let mut index: HashMap<(&str, &str), usize> = HashMap::default();
        for pull in newest_first.iter().rev() {
            let key = (&*pull.by, pull.requirement.name.as_str());
            match index.get(&key) {
                Some(&i) => out[i].2 = pull.requirement.clone(),
                None => {
                    index.insert(key, out.len());
                    out.push((
                        pull.by.to_string(),
                        pull.requirement.name.clone(),
                        pull.requirement.clone(),
                    ));
                }
            }
        }
        out
    }
}

impl Drop for Pulls {
    /// Unlinks iteratively: a long list must not overflow the stack.
    fn drop(&mut self) {
        let mut next = self.0.take();
        while let Some(rc) = next {
            next = match Rc::try_unwrap(rc) {
                Ok(mut pull) => pull.older.0.take(),
                Err(_) => None,
            };
        }
    }
}

/// rez `_ResolvePhase`: a full copy of the resolve state.
#[derive(Debug, Clone)]
struct Phase {
    scopes: Vec<Rc<Scope>>,
    status: Status,
    failure: Option<ResolveFailure>,
    /// `(scope, family) -> request extracted from the scope`, in insertion order.
    extractions: Pulls,
    changed: BTreeSet<usize>,
}

impl Phase {
    fn failed(&self, scopes: Vec<Rc<Scope>>, extractions: Pulls, failure: ResolveFailure) -> Phase {
        Phase {
            scopes,
            status: Status::Failed,
            failure: Some(failure),
            extractions,
            changed: BTreeSet::new(),
        }
    }

    /// rez `_ResolvePhase.solve`: extract, intersect and reduce until nothing changes.
    fn solve(&self, solver: &mut Solver) -> Result<Phase, SolveError> {
        if self.status != Status::Pending {
            return Ok(self.clone());
        }
        let mut scopes = self.scopes.clone();
        let mut extractions = self.extractions.clone();
        let mut changed = self.changed.clone();
        loop {
            let prev_num_scopes = scopes.len();
            let mut widened: BTreeSet<usize> = BTreeSet::new();
            loop {
                let mut extracted = Vec::new();
                for scope in scopes.iter_mut() {
                    while let Some((narrowed, request)) = scope.extract() {
                        extractions.push(&scope.name, &request);
                        extracted.push(request);
                        *scope = Rc::new(narrowed);
                    }
                }
                if extracted.is_empty() {
                    break;
                }
                let extracted = match RequirementList::new(&extracted) {
                    Ok(list) => list,
                    Err((a, b)) => {
                        return Ok(self.failed(
                            scopes,
                            extractions,
                            ResolveFailure::Conflicts(vec![(a, b)]),
                        ))
                    }
                };
                // Each scope's family looked up by number (scopes outnumber what is extracted).
                let by_fam: HashMap<Fam, usize> = (extracted.requirements.iter().enumerate())
                    .map(|(at, r)| (solver.fam(&r.name), at))
                    .collect();
                let mut seen = vec![false; extracted.requirements.len()];
                for i in 0..scopes.len() {
                    let Some(&at) = by_fam.get(&scopes[i].fam) else {
                        continue;
                    };
                    let request = &extracted.requirements[at];
                    seen[at] = true;
                    match scopes[i].intersect(&request.range, solver)? {
                        Change::Gone => {
                            let conflict = ((**request).clone(), (*scopes[i].request).clone());
                            return Ok(self.failed(
                                scopes,
                                extractions,
                                ResolveFailure::Conflicts(vec![conflict]),
                            ));
                        }
                        Change::Same => {}
                        Change::To(narrowed) => {
                            if scopes[i].is_conflict() && !narrowed.is_conflict() {
                                widened.insert(i);
                            }
                            scopes[i] = Rc::new(narrowed);
                            changed.insert(i);
                        }
                    }
                }
                let new_fams: Vec<&RezRequirement> = (extracted.requirements.iter().zip(seen))
                    .filter_map(|(r, seen)| (!seen).then_some(&**r))
                    .collect();
                // Named only now that the phase has survived the intersections: a family named
                // for a phase that then fails may never be asked for, and its load is wasted
                // (by callgrind, 7 % more families loaded, large ones, for 57 % more).
                for request in &new_fams {
                    solver.name(&request.name, &request.range);
                }
                for request in new_fams {
                    let scope = Scope::new(request, solver).map_err(|e| {
                        if e.message.starts_with("package family not found") {
                            let mut by: Vec<String> = Vec::new();
                            for (s, f, _) in extractions.in_order() {
                                if f == request.name && !by.contains(&s) {
                                    by.push(s);
                                }
                            }
                            error(format!(
                                "package family not found: {}, was required by: {} (searched: {})",
                                request.name,
                                by.join(", "),
                                solver.searched
                            ))
                        } else {
                            e
                        }
                    })?;
                    scopes.push(Rc::new(scope));
                }
            }
            let num_scopes = scopes.len();
            if num_scopes == prev_num_scopes && changed.is_empty() && widened.is_empty() {
                break;
            }
            // Every pair (x, y): scope x is reduced by scope y's request. Sorted, then taken
            // from the end, as rez does, so the order (and the failure found) is rez's.
            let mut pending = Pending::new(prev_num_scopes, num_scopes, &changed, &widened);
            while let Some((x, y)) = pending.pop() {
                if x == y {
                    continue;
                }
                // The scope shared, not its request copied: a slice's range may hold hundreds
                // of versions, and this runs for every pair of scopes.
                let by = Rc::clone(&scopes[y]);
                match scopes[x].reduce_by(&by) {
                    (Change::Gone, reductions) => {
                        return Ok(self.failed(
                            scopes,
                            extractions,
                            ResolveFailure::TotalReduction(reductions),
                        ));
                    }
                    (Change::Same, _) => {}
                    (Change::To(reduced), _) => {
                        scopes[x] = Rc::new(reduced);
                        pending.changed(x);
                    }
                }
            }
            changed.clear();
        }
        let solved = scopes.iter().all(|s| s.is_solved());
        Ok(Phase {
            scopes,
            status: if solved {
                Status::Solved
            } else {
                Status::Exhausted
            },
            failure: None,
            extractions,
            changed: BTreeSet::new(),
        })
    }

    /// The solved graph: each family to the families its variant requires (not conflicts).
    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for scope in self.scopes.iter().filter(|s| !s.is_conflict()) {
            let edges = graph.entry(scope.name.to_string()).or_default();
            if let Some(variant) = scope.solved_variant() {
                for req in variant.requires().filter(|r| !r.conflict) {
                    edges.insert(req.name.clone());
                }
            }
        }
        graph
    }

    /// rez `finalise`: a cycle is a failure; otherwise the scopes in dependency order.
    fn finalise(&self, request: &RequirementList) -> Phase {
        let graph = self.graph();
        let by_name: HashMap<&str, &Rc<Scope>> = self
            .scopes
            .iter()
            .filter(|s| !s.is_conflict())
            .map(|s| (&*s.name, s))
            .collect();
        if let Some(cycle) = find_cycle(&graph) {
            let packages = cycle
                .iter()
                .filter_map(|fam| {
                    let variant = by_name.get(fam.as_str())?.solved_variant()?;
                    Some((fam.clone(), variant.version().clone()))
                })
                .collect();
            return Phase {
                status: Status::Cyclic,
                failure: Some(ResolveFailure::Cycle(packages)),
                ..self.clone()
            };
        }
        let fams: Vec<String> = request
            .requirements
            .iter()
            .map(|r| r.name.clone())
            .collect();
        let scopes = dependency_order(&graph, &fams)
            .iter()
            .filter_map(|fam| by_name.get(fam.as_str()).map(|s| Rc::clone(s)))
            .collect();
        Phase {
            scopes,
            ..self.clone()
        }
    }

    /// rez `_ResolvePhase.split`: the first splittable scope cut in two.
    fn split(&self) -> Option<(Phase, Phase)> {
        let (i, (first, rest)) = self
            .scopes
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.split().map(|pair| (i, pair)))?;
        let mut phase = Phase {
            status: Status::Pending,
            changed: BTreeSet::from([i]),
            ..self.clone()
        };
        let mut next = phase.clone();
        phase.scopes[i] = Rc::new(first);
        next.scopes[i] = Rc::new(rest);
        Some((phase, next))
    }
}

/// Resolves `requests` as rez's solver does, asking `source` for families as it needs them.
///
/// `searched` names the repositories in error messages (rez's "searched: ..."). An `Err` is
/// what rez raises instead of answering (a family or package that is not there, a package
/// whose own requirements conflict, a family the source cannot give).
pub fn solve(
    requests: &[RezRequirement],
    options: &ResolveOptions,
    source: &mut dyn PackageSource,
    searched: &str,
) -> Result<RezResolve, SolveError> {
    let all: Vec<RezRequirement> = options.implicit.iter().chain(requests).cloned().collect();
    let request = match RequirementList::new(&all) {
        Ok(list) => list,
        Err((a, b)) => {
            return Ok(RezResolve {
                request: all,
                outcome: ResolveOutcome::Failed {
                    failure: ResolveFailure::Conflicts(vec![(a, b)]),
                    pulled: Vec::new(),
                },
                solves: 0,
                fails: 1,
            })
        }
    };
    let mut solver = Solver::new(source, options, request.clone(), searched);
    // A conflict or weak request (`!foo`, `~foo`) asks for its family only if something
    // requires it later; most never do (half of the benchmark's requests are such pins).
    for r in request.requirements.iter().filter(|r| !r.conflict) {
        solver.name(&r.name, &r.range);
    }
    let mut scopes = Vec::new();
    for r in &request.requirements {
        scopes.push(Rc::new(Scope::new(r, &mut solver)?));
    }
    let first = Phase {
        changed: (0..scopes.len()).collect(),
        scopes,
        status: Status::Pending,
        failure: None,
        extractions: Pulls::default(),
    };
    let mut stack = vec![first];
    let mut failed: Vec<Phase> = Vec::new();
    let mut solves = 0;
    while unsolved(&stack) {
        let Some(mut phase) = stack.pop() else { break };
        if phase.status == Status::Failed {
            failed.push(phase);
            let Some(next) = stack.pop() else { break };
            phase = next;
        }
        if phase.status == Status::Exhausted {
            let Some((first, next)) = phase.split() else {
                return Err(error("Unexpected solver error: nothing to split".into()));
            };
            stack.push(next);
            phase = first;
        }
        let new = phase.solve(&mut solver)?;
        solves += 1;
        stack.push(match new.status {
            Status::Solved => new.finalise(&solver.request),
            _ => new,
        });
    }
    let Some(top) = stack.last() else {
        return Err(error("Unexpected solver error: no phase".into()));
    };
    let fails = failed.len() + usize::from(matches!(top.status, Status::Failed | Status::Cyclic));
    let outcome = if top.status == Status::Solved {
        ResolveOutcome::Solved {
            packages: top
                .scopes
                .iter()
                .filter_map(|s| s.solved_variant())
                .map(|v| ResolvedVariant {
                    name: v.package().name.clone(),
                    version: v.version().clone(),
                    variant: v.index,
                    path: v.package().path.clone(),
                    requires: v.requires().cloned().collect(),
                    computed: v.package().computed.clone(),
                })
                .collect(),
            ephemerals: top
                .scopes
                .iter()
                .filter(|s| s.ephemeral && !s.is_conflict())
                .map(|s| (*s.request).clone())
                .collect(),
        }
    } else {
        // rez reports the first failure, or the last when it is a cycle.
        let phase = if top.status == Status::Cyclic {
            top
        } else {
            failed.first().unwrap_or(top)
        };
        ResolveOutcome::Failed {
            failure: phase
                .failure
                .clone()
                .unwrap_or(ResolveFailure::Conflicts(Vec::new())),
            pulled: phase.extractions.in_order(),
        }
    };
    Ok(RezResolve {
        request: request
            .requirements
            .into_iter()
            .map(Arc::unwrap_or_clone)
            .collect(),
        outcome,
        solves,
        fails,
    })
}

/// rez `Solver.status == unsolved`.
fn unsolved(stack: &[Phase]) -> bool {
    match stack.last().map(|p| p.status) {
        None | Some(Status::Cyclic) => false,
        Some(Status::Solved) => false,
        Some(Status::Failed) => stack.len() > 1,
        Some(Status::Pending | Status::Exhausted) => true,
    }
}
