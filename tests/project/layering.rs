//! The crate's layers, checked from its source: abi → core → interfaces → host → testing →
//! faces. A module may import from its own layer and the layers before it, never from a later
//! one; modules import by module path, never through the crate-root re-exports; and no two
//! modules import each other, directly or round a longer cycle (`cfg(test)` and `cfg(loom)` code
//! included: every line of every file is read). The testing and faces layers use the lower
//! layers' public API and the crate-internal items listed in [`CROSSING`], no others, and
//! docs/architecture.md lists the same.

// These read the source files; Miri's isolation refuses file access, and there is no unsafe
// code here for it to check.
#![cfg(not(miri))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first: the first segment of a module path under `crate::`.
const LAYERS: &[&str] = &["abi", "core", "interfaces", "host", "testing", "faces"];

/// A module: its path from the crate root (`["core", "error"]`) and the code lines of its file.
struct Module {
    path: Vec<String>,
    file: PathBuf,
    code: Vec<(usize, String)>,
}

fn modules() -> Vec<Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    files
        .into_iter()
        .filter(|f| f.file_name().unwrap() != "lib.rs")
        .map(|file| {
            let rel = file.strip_prefix(&src).unwrap().with_extension("");
            let mut path: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into()).collect();
            if path.last().map(String::as_str) == Some("mod") {
                path.pop();
            }
            let code = fs::read_to_string(&file)
                .unwrap()
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//"))
                .map(|(i, l)| (i + 1, l.to_owned()))
                .collect();
            Module { path, file, code }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::a::b` and `super::a` path on a line, as a module path from the crate root.
fn imports(module: &Module, line: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (start, _) in line
        .match_indices("crate::")
        .chain(line.match_indices("super::"))
    {
        let before = line[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `$crate::`, `mapisync::crate::`..., or the tail of a longer path
        }
        let rest = &line[start..];
        let mut segments: Vec<&str> = rest
            .split("::")
            .map(|s| {
                let end = s
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(s.len());
                &s[..end]
            })
            .take_while(|s| !s.is_empty())
            .collect();
        let mut path: Vec<String> = Vec::new();
        if segments.first() == Some(&"crate") {
            segments.remove(0);
        } else {
            // `super::` from a file is its parent module (from a `mod.rs`, the one above that).
            path = module.path.clone();
            while segments.first() == Some(&"super") {
                segments.remove(0);
                path.pop();
            }
            if line.trim() == "use super::*;" {
                // Inside a file's own `mod tests`: the file's module itself.
                continue;
            }
        }
        path.extend(segments.iter().map(|s| s.to_string()));
        found.push(path);
    }
    found
}

/// The longest known module that `path` starts with.
fn resolve<'a>(path: &[String], known: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| known.get(&path[..n].to_vec()))
}

fn rank(path: &[String]) -> usize {
    LAYERS
        .iter()
        .position(|l| path.first().map(String::as_str) == Some(*l))
        .unwrap_or_else(|| panic!("module {} is in no layer", path.join("::")))
}

#[test]
fn no_module_imports_a_later_layer_or_the_crate_root() {
    let modules = modules();
    let mut problems = Vec::new();
    for m in &modules {
        for (n, line) in &m.code {
            let at = format!("{}:{n}", m.file.display());
            if line.contains("crate::{") || has_root_name(line) {
                problems.push(format!(
                    "{at}: imports through the crate root: {}",
                    line.trim()
                ));
            }
            for path in imports(m, line) {
                if path.is_empty() || !LAYERS.contains(&path[0].as_str()) {
                    continue;
                }
                if rank(&path) > rank(&m.path) {
                    problems.push(format!(
                        "{at}: layer {} imports the later layer {}: {}",
                        m.path[0],
                        path[0],
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `crate::Name` for a public name re-exported at the root (types start upper-case; the one
/// constant is `MAX_TEXT_LEN`).
fn has_root_name(line: &str) -> bool {
    line.match_indices("crate::").any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + "crate::".len()..].chars().next();
        !before.is_some_and(|c| c == '$' || c == ':' || c.is_alphanumeric())
            && (after.is_some_and(char::is_uppercase)
                || line[i..].starts_with("crate::MAX_TEXT_LEN"))
    })
}

#[test]
fn no_two_modules_import_each_other() {
    let modules = modules();
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut edges: BTreeMap<&Vec<String>, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for m in &modules {
        let from = known.get(&m.path).unwrap();
        let targets = edges.entry(from).or_default();
        for (_, line) in &m.code {
            for path in imports(m, line) {
                if let Some(to) = resolve(&path, &known) {
                    // A parent declaring or re-exporting its children is not an import cycle.
                    if to != from && !to.starts_with(from) {
                        targets.insert(to);
                    }
                }
            }
        }
    }
    // Depth-first search for a back edge; the stack is the cycle when one is found.
    fn visit<'a>(
        node: &'a Vec<String>,
        edges: &BTreeMap<&'a Vec<String>, BTreeSet<&'a Vec<String>>>,
        stack: &mut Vec<&'a Vec<String>>,
        done: &mut BTreeSet<&'a Vec<String>>,
    ) -> Option<String> {
        if let Some(i) = stack.iter().position(|n| *n == node) {
            let cycle: Vec<String> = stack[i..]
                .iter()
                .chain([&node])
                .map(|p| p.join("::"))
                .collect();
            return Some(cycle.join(" -> "));
        }
        if !done.insert(node) {
            return None;
        }
        stack.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut Vec::new(), &mut done) {
            panic!("import cycle: {cycle}");
        }
    }
}

/// The crate-internal items of a lower layer that the testing and faces layers use, each with
/// why: everything else they take from below is public API. docs/architecture.md ("What crosses")
/// lists the same items for the same reasons.
const CROSSING: &[(&str, &str, &str)] = &[
    // (the layer that uses it, the item by module path, why)
    (
        "testing",
        "interfaces::progress_callback::raw::RawProgress",
        "the recorder answers the slots as the ABI has them, refused calls included",
    ),
    (
        "testing",
        "interfaces::progress_callback::raw::Safe",
        "the recorder's callback is a SyncProgress made raw the one way every callback is",
    ),
    (
        "testing",
        "host::spared::Spared",
        "the recorder's spare references, counted as the host counts them",
    ),
    (
        "testing",
        "host::finding::Seen",
        "a run's assertion tells the findings only the host can see",
    ),
    (
        "testing",
        "host::simulated::GRACE",
        "Explore gives a scenario the host's grace",
    ),
    (
        "testing",
        "host::timing::Span",
        "durations printed as the host's report prints them",
    ),
    (
        "testing",
        "host::timing::count",
        "counts (`1 call`, `2 calls`) worded as every report words them",
    ),
    (
        "faces",
        "core::unwind::catch_or",
        "the panic boundary of an exported C function",
    ),
    (
        "faces",
        "interfaces::progress_callback::raw::RawProgress",
        "a C function-pointer callback answers the slots as the ABI has them",
    ),
    (
        "faces",
        "interfaces::progress_callback::raw::raw_callback",
        "the one object block a C callback is made into",
    ),
    // Crate-internal methods of public types: `Type::method` after the type's module.
    ("testing", "host::finding::Finding::new", "the checker's rules, the leaks and Explore's timeout are findings of the catalog's entries"),
    ("testing", "host::report::HostProblem::to_finding", "the host's problems join the checker's findings"),
    ("testing", "host::report::HostProblem::done_handle", "the checker words a wrong done handle as the host does"),
    ("testing", "host::report::SyncReport::still_running", "a run still running holds what it holds: leaks wait for it"),
    ("testing", "host::simulated::SimulatedHost::run_graced", "SyncTest runs the host and learns when its grace ends"),
    ("testing", "host::simulated::SimulatedHost::grace", "SyncTest sets the host's grace"),
    ("faces", "host::finding::Finding::new", "the C API's run reports its findings as the catalog's entries"),
];

/// The names the crate makes public: what `lib.rs` and `testing/mod.rs` re-export, and all of
/// `abi` (a public module).
fn public_names(src: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for file in ["lib.rs", "testing/mod.rs"] {
        let text = fs::read_to_string(src.join(file)).unwrap();
        for (at, _) in text.match_indices("pub use ") {
            let end = at + text[at..].find(';').unwrap();
            let list = &text[at + "pub use ".len()..end];
            let list = list.rsplit("::").next().unwrap();
            for name in list.split([',', '{', '}']) {
                let name = name.trim();
                if !name.is_empty() {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    names
}

/// Every item of a lower layer `module`'s code names by path (`crate::host::spared::Spared`,
/// `use crate::core::error::{Error, Result}` over several lines, a call through a path): the
/// item's module path and its name.
fn items_named(module: &Module, known: &BTreeSet<Vec<String>>) -> Vec<(String, String)> {
    let code: String = module.code.iter().map(|(_, l)| format!("{l}\n")).collect();
    let mut found = Vec::new();
    for (start, _) in code.match_indices("crate::") {
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':' || c == '$') {
            continue;
        }
        let rest = &code[start + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let path: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let layer = path
            .first()
            .map_or(usize::MAX, |l| rank(std::slice::from_ref(l)));
        if layer >= rank(&module.path) {
            continue;
        }
        let Some(m) = resolve(&path, known) else {
            continue;
        };
        let (from, names): (Vec<String>, Vec<String>) = if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').unwrap();
            let names = rest[end + 1..end + close]
                .split(',')
                .filter_map(|n| n.trim().rsplit("::").next())
                .filter(|n| !n.is_empty() && *n != "self")
                .map(str::to_owned)
                .collect();
            (path.clone(), names)
        } else if m.len() == path.len() {
            // A module named whole (`crate::host::finding::catalog`, the function it holds).
            (
                path[..path.len() - 1].to_vec(),
                vec![path[path.len() - 1].clone()],
            )
        } else {
            // The item right after its module (`Handle` of `crate::core::handle::Handle::NULL`).
            (m.clone(), vec![path[m.len()].clone()])
        };
        if from.is_empty() {
            continue;
        }
        for name in names {
            found.push((from.join("::"), name));
        }
    }
    found
}

#[test]
fn the_upper_layers_use_only_the_listed_internal_items_of_the_lower_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let public = public_names(&src);
    let modules = modules();
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut problems = BTreeSet::new();
    let mut used = BTreeSet::new();
    for m in modules
        .iter()
        .filter(|m| rank(&m.path) >= rank(&["testing".into()]))
    {
        for (from, name) in items_named(m, &known) {
            if public.contains(&name) || from == "abi" || from.starts_with("abi::") {
                continue;
            }
            let item = format!("{from}::{name}");
            if CROSSING
                .iter()
                .any(|(layer, i, _)| *layer == m.path[0] && *i == item)
            {
                used.insert((m.path[0].clone(), item));
            } else {
                problems.insert(format!(
                    "{}: the {} layer uses the crate-internal {item}, which is not listed in CROSSING \
                     (tests/layering.rs) and docs/architecture.md",
                    m.file.display(),
                    m.path[0]
                ));
            }
        }
    }
    // The methods (`Type::method`) are the next test's.
    let items = CROSSING.iter().filter(|(_, item, _)| !is_method(item));
    for (layer, item, _) in items {
        if !used.contains(&(layer.to_string(), item.to_string())) {
            problems.insert(format!(
                "CROSSING lists {item} for {layer}, which no longer uses it"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// True for a `Type::method` entry of [`CROSSING`].
fn is_method(item: &str) -> bool {
    let mut segments = item.rsplit("::");
    let (name, owner) = (segments.next().unwrap(), segments.next().unwrap_or(""));
    name.starts_with(char::is_lowercase) && owner.starts_with(char::is_uppercase)
}

/// The crate-internal methods of the public types in the lower layers: (module, type, method).
fn internal_methods(
    modules: &[Module],
    public: &BTreeSet<String>,
) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for m in modules
        .iter()
        .filter(|m| rank(&m.path) < rank(&["testing".into()]))
    {
        let mut owner = None;
        for (_, line) in &m.code {
            if let Some(rest) = line.strip_prefix("impl") {
                // `impl Type {`, `impl<T> Type<T> {`, `impl Trait for Type {`
                let rest = rest.split(" for ").last().unwrap_or(rest);
                let rest = if rest.starts_with('<') {
                    &rest[rest.find('>').unwrap() + 1..]
                } else {
                    rest
                };
                owner = rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .find(|w| !w.is_empty())
                    .map(str::to_owned);
            }
            let Some(rest) = line
                .strip_prefix("    pub(crate) ")
                .or(line.strip_prefix("    pub(super) "))
            else {
                continue;
            };
            let rest = rest
                .trim_start_matches("const ")
                .trim_start_matches("unsafe ");
            if let (Some(name), Some(owner)) = (rest.strip_prefix("fn "), &owner) {
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if public.contains(owner) {
                    found.push((m.path.join("::"), owner.clone(), name));
                }
            }
        }
    }
    found
}

#[test]
fn the_upper_layers_call_only_the_listed_internal_methods_of_public_types() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let public = public_names(&src);
    let modules = modules();
    let methods = internal_methods(&modules, &public);
    let upper: Vec<&Module> = modules
        .iter()
        .filter(|m| rank(&m.path) >= rank(&["testing".into()]))
        .collect();
    // A method name the upper layers define themselves (`Leak::to_finding`) cannot be told from
    // a lower type's by its call `.name(`: only its call through the type (`Type::name(`) is.
    let own: BTreeSet<String> = upper
        .iter()
        .flat_map(|m| &m.code)
        .filter_map(|(_, l)| l.trim_start().split("fn ").nth(1))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    let mut problems = BTreeSet::new();
    let mut used = BTreeSet::new();
    for m in &upper {
        for (_, line) in &m.code {
            for (module, owner, name) in &methods {
                let qualified = line.contains(&format!("{owner}::{name}("));
                let called = line.contains(&format!(".{name}("));
                if !qualified && !called {
                    continue;
                }
                let item = format!("{module}::{owner}::{name}");
                if CROSSING
                    .iter()
                    .any(|(layer, i, _)| *layer == m.path[0] && *i == item)
                {
                    used.insert((m.path[0].clone(), item));
                } else if qualified || !own.contains(name) {
                    problems.insert(format!(
                        "{}: the {} layer calls the crate-internal {item}, which is not listed in \
                         CROSSING (tests/layering.rs) and docs/architecture.md",
                        m.file.display(),
                        m.path[0]
                    ));
                }
            }
        }
    }
    let listed = CROSSING.iter().filter(|(_, item, _)| {
        methods
            .iter()
            .any(|(module, owner, name)| *item == format!("{module}::{owner}::{name}"))
    });
    for (layer, item, _) in listed {
        if !used.contains(&(layer.to_string(), item.to_string())) {
            problems.insert(format!(
                "CROSSING lists {item} for {layer}, which no longer calls it"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_architecture_lists_what_crosses() {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let section = doc
        .split("### What crosses")
        .nth(1)
        .expect("docs/architecture.md has a section \"What crosses\"");
    let section = section.split("\n#").next().unwrap();
    let listed: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split('`').nth(1))
        .map(str::to_owned)
        .collect();
    let crossing: BTreeSet<String> = CROSSING
        .iter()
        .map(|(l, i, _)| format!("{l}: {i}"))
        .collect();
    assert_eq!(
        listed, crossing,
        "docs/architecture.md's \"What crosses\" lists exactly CROSSING, as `layer: item`"
    );
}
