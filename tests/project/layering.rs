//! The crate's layers, checked from its source: abi → core → interfaces → host → testing →
//! faces. A module may import from its own layer and the layers before it, never from a later
//! one; modules import by module path, never through the crate-root re-exports; and no two
//! modules import each other, directly or round a longer cycle (`cfg(test)` and `cfg(loom)` code
//! included: every line of every file is read).

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
