//! The catalog and docs/findings.md, held to each other both ways: every code has a section
//! headed by exactly the code, and every section is a code.

#![cfg(not(miri))]

use std::collections::BTreeSet;

use mapisync::testing::{catalog, CatalogEntry, Severity};

const PAGE: &str = include_str!("../../docs/findings.md");

/// The page's `## ` sections, in order: the heading and the body up to the next one.
fn page_sections() -> Vec<(&'static str, &'static str)> {
    PAGE.split("\n## ")
        .skip(1)
        .map(|s| s.split_once('\n').unwrap_or((s, "")))
        .map(|(heading, body)| (heading.trim(), body))
        .collect()
}

/// The page's `## ` headings, in order.
fn sections() -> Vec<&'static str> {
    page_sections().into_iter().map(|(h, _)| h).collect()
}

/// The body of the section headed `code`.
fn section(code: &str) -> &'static str {
    page_sections()
        .into_iter()
        .find(|(h, _)| *h == code)
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("docs/findings.md has no section `## {code}`"))
}

#[test]
fn every_code_has_a_section() {
    let sections: BTreeSet<&str> = sections().into_iter().collect();
    for entry in catalog() {
        assert!(
            sections.contains(entry.code()),
            "docs/findings.md has no section `## {}`",
            entry.code()
        );
    }
}

#[test]
fn every_section_is_a_code_and_comes_once() {
    let sections = sections();
    for (i, heading) in sections.iter().enumerate() {
        assert!(
            CatalogEntry::from_code(heading).is_some(),
            "docs/findings.md has a section `## {heading}` that is no code of the catalog"
        );
        assert!(
            !sections[..i].contains(heading),
            "docs/findings.md has `## {heading}` twice"
        );
    }
    assert_eq!(sections.len(), catalog().len());
}

#[test]
fn each_section_states_its_severity_shows_code_and_says_how_to_fix_it() {
    for entry in catalog() {
        let body = section(entry.code());
        let severity = match entry.severity() {
            Severity::Error => "**Error",
            Severity::Warning => "**Warning",
        };
        assert!(
            body.trim_start().starts_with(severity),
            "`## {}` starts with {severity}**",
            entry.code()
        );
        assert!(body.contains("```"), "`## {}` shows code", entry.code());
        assert!(
            body.contains("**Fix:**"),
            "`## {}` says how to fix it",
            entry.code()
        );
    }
}

#[test]
fn the_codes_outside_tests_rely_on_are_there() {
    for code in [
        "progress_after_cancel",
        "done_missing",
        "done_repeated",
        "reference_leaked",
        "event_not_signalled",
        "work_panicked",
        "call_after_release",
    ] {
        let entry = CatalogEntry::from_code(code).unwrap_or_else(|| panic!("no {code}"));
        assert_eq!(entry.severity(), Severity::Error, "{code}");
        assert_eq!(entry.to_string(), code);
    }
}
