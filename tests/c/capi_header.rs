//! `include/mapisync.h` is hand-written: these tests hold it to the Rust side. The version macros
//! are the crate's, the functions it declares are exactly those `src/faces/capi` exports, and every
//! HRESULT, `SYNC_*` flag and IID it defines has the value `mapisync` gives it. And the C and C++
//! in docs/c-and-cpp.md is the tests' own code.

// These read the header files; Miri's isolation refuses file access, and there is no unsafe
// code here for it to check.
#![cfg(not(miri))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use mapisync::{abi, HResult, SyncFlags};

fn read(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn header() -> String {
    read("include/mapisync.h")
}

/// Every `#define NAME VALUE` of the header (the last one wins; the header guards each).
fn defines(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("#define "))
        .filter_map(|rest| {
            let (name, value) = rest.split_once(char::is_whitespace)?;
            let value = value.split("/*").next().unwrap_or("").trim();
            (!name.contains('(')).then(|| (name.to_owned(), value.to_owned()))
        })
        .collect()
}

/// The value of macro `name`: a number, a cast of one, or another macro.
fn value(defines: &BTreeMap<String, String>, name: &str) -> u32 {
    let mut text = defines[name].as_str();
    for prefix in ["MAPISYNC_HR(", "((ULONG)"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest.trim_end_matches(')');
        }
    }
    if defines.contains_key(text) {
        return value(defines, text);
    }
    let digits = text.trim_end_matches(['U', 'L']);
    match digits.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => digits.parse(),
    }
    .unwrap_or_else(|e| panic!("{name} = {text}: {e}"))
}

#[test]
fn the_version_macros_are_the_crates() {
    let d = defines(&header());
    let version = format!(
        "{}.{}.{}",
        d["MAPISYNC_VERSION_MAJOR"], d["MAPISYNC_VERSION_MINOR"], d["MAPISYNC_VERSION_PATCH"]
    );
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        d["MAPISYNC_VERSION_STRING"],
        format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
}

/// Names of `mapisync_*` functions in the header's library section (between its
/// `---- libmapisync` and `---- Layout` banners): each declaration's name before its `(`.
fn declared_functions(header: &str) -> BTreeSet<String> {
    let start = header
        .find("---- libmapisync")
        .expect("the library section");
    let end = header.find("---- Layout").expect("the layout section");
    let text = &header[start..end];
    let mut names = BTreeSet::new();
    for (i, _) in text.match_indices("mapisync_") {
        let rest = &text[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let before = text[..i].trim_end();
        // A declaration: the name follows its return type and is followed by `(`.
        if rest[end..].starts_with('(') && !before.ends_with("(*") && !before.ends_with('=') {
            names.insert(rest[..end].to_owned());
        }
    }
    names
}

/// Names of the functions `src/faces/capi` exports (`#[no_mangle]` on the line before).
fn exported_functions() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/faces/capi");
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(dir).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            if pair[0].trim() == "#[no_mangle]" {
                let name = pair[1]
                    .split("fn ")
                    .nth(1)
                    .expect("a function after #[no_mangle]");
                names.insert(name.split('(').next().unwrap().to_owned());
            }
        }
    }
    names
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let declared = declared_functions(&header());
    let exported = exported_functions();
    assert_eq!(declared.len(), 41, "{declared:?}");
    assert_eq!(declared, exported);
}

#[test]
fn every_hresult_macro_has_the_crates_value_and_name() {
    let d = defines(&header());
    let mut seen = BTreeSet::new();
    for name in d.keys() {
        let is_code = ["S_", "E_", "MAPI_E_", "MAPI_W_", "SYNC_E_", "SYNC_W_"]
            .iter()
            .any(|p| name.starts_with(p));
        if !is_code {
            continue;
        }
        let hr = HResult(value(&d, name) as i32);
        let first = hr
            .name()
            .unwrap_or_else(|| panic!("{name} = {hr}: the crate has no such code"));
        // The header's name is the code's first name, or its alias in the reference table.
        assert!(
            first == name || d[name] == first,
            "{name} = {hr}, whose first name is {first}"
        );
        seen.insert(hr);
    }
    // And every named code of the crate is in the header.
    let ranges = [
        0x0000_0000_u32,
        0x0004_0000,
        0x8000_0000,
        0x8004_0000,
        0x8007_0000,
    ];
    for raw in ranges
        .iter()
        .flat_map(|&base| (0..=u16::MAX).map(move |c| base | u32::from(c)))
    {
        let hr = HResult(raw as i32);
        if let Some(name) = hr.name() {
            assert!(seen.contains(&hr), "{name} is missing from the header");
        }
    }
    for alias in [
        "MAPI_E_CALL_FAILED",
        "MAPI_E_NOT_ENOUGH_MEMORY",
        "MAPI_E_INVALID_PARAMETER",
        "MAPI_E_INTERFACE_NOT_SUPPORTED",
        "MAPI_E_NO_ACCESS",
    ] {
        assert!(d.contains_key(alias), "{alias} is missing from the header");
    }
}

#[test]
fn every_sync_flag_has_the_crates_value() {
    let d = defines(&header());
    let mut flags = SyncFlags::empty();
    for name in d
        .keys()
        .filter(|n| n.starts_with("SYNC_") && !n.contains("_E_"))
    {
        if name.contains("_W_") {
            continue;
        }
        let bits = value(&d, name);
        let short = &name["SYNC_".len()..];
        let expected = SyncFlags::from_name(short)
            .or((short == "HEADERS").then_some(SyncFlags::HEADERS))
            .unwrap_or_else(|| panic!("{name}: no such flag in SyncFlags"));
        assert_eq!(bits, expected.bits(), "{name}");
        flags |= expected;
    }
    assert_eq!(flags, SyncFlags::all(), "flags missing from the header");
    assert!(d.contains_key("SYNC_HEADERS") && d.contains_key("SYNC_GLOBAL_HEADERS"));
}

/// The GUID the header's `static const IID name = {...};` spells.
fn header_iid(text: &str, name: &str) -> abi::GUID {
    let start = text
        .find(&format!("IID {name} = {{"))
        .unwrap_or_else(|| panic!("{name} not in the header"));
    let body = &text[start..text[start..].find("};").unwrap() + start];
    let numbers: Vec<u32> = body
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|w| w.strip_prefix("0x"))
        .map(|hex| u32::from_str_radix(hex, 16).unwrap())
        .collect();
    assert_eq!(numbers.len(), 11, "{name}: {body}");
    let mut data4 = [0u8; 8];
    for (d, n) in data4.iter_mut().zip(&numbers[3..]) {
        *d = *n as u8;
    }
    abi::GUID {
        Data1: numbers[0],
        Data2: numbers[1] as u16,
        Data3: numbers[2] as u16,
        Data4: data4,
    }
}

#[test]
fn the_iids_are_the_crates() {
    let text = header();
    assert_eq!(header_iid(&text, "IID_IUnknown"), abi::IID_IUnknown);
    assert_eq!(
        header_iid(&text, "IID_IMAPISyncProgressCallback"),
        abi::IID_IMAPISyncProgressCallback
    );
    assert_eq!(header_iid(&text, "IID_IMAPISync"), abi::IID_IMAPISync);
}

#[test]
fn the_c_and_cpp_in_the_docs_is_code_from_the_tests() {
    let guide = read("docs/c-and-cpp.md");
    assert!(quoted_blocks(&guide) >= 7);
    assert_eq!(quoted_blocks(&read("README.md")), 1);
}

/// Checks every C and C++ block of `doc` against the test file its first line names; returns how
/// many there were.
fn quoted_blocks(doc: &str) -> usize {
    let mut checked = 0;
    let mut blocks = doc.split("```").skip(1).step_by(2);
    for block in blocks.by_ref() {
        let Some(code) = block.strip_prefix("c\n").or(block.strip_prefix("cpp\n")) else {
            continue;
        };
        let (first, body) = code.split_once('\n').unwrap();
        let source = first
            .trim()
            .trim_start_matches("/* From ")
            .trim_start_matches("// From ")
            .trim_end_matches(" */");
        assert!(
            source.starts_with("tests/capi/") || source.starts_with("examples/cpp-provider/"),
            "a C or C++ block in the docs must say which test file it is from: {first}"
        );
        assert!(
            read(source).contains(body),
            "the docs quote {source}, which no longer holds:\n{body}"
        );
        checked += 1;
    }
    checked
}
