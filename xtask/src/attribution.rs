//! Where the first download's wasm bytes are (the main module of the split build: renewal and everything pages
//! share), by crate and by part of the portal, so a growing bundle names its cause.
//!
//! The shipped file has no names, so the bench optimises the release build's main module again, as the build
//! does (wasm-opt with index.html's settings), but keeps the name section (`-g`), whose function sizes then match the shipped ones
//! (the name section itself is left out of every sum). twiggy lists each function and data segment; each is
//! given to an owner by its name: the portal's own module when the name mentions one (serde's `Deserialize`
//! for a model counts for the models), else the crate the name starts with. Leptos' generic view code
//! instantiated for the portal's views keeps Leptos' names (`tachys::…::build::{{closure}}`), so it counts for
//! Leptos: a dominator tree cannot tell more, since every view closure is reached through the one function table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::bundle;
use crate::process::{output_of, run};
use crate::split_wasm;

/// The portal's main wasm module as shipped, but with function names: `(name, bytes)` per item.
pub fn shipped_items(root: &Path) -> Result<Vec<(String, u64)>, String> {
    named_items(
        root,
        &split_wasm::main_module_before_optimising(root),
        &named_wasm(root),
    )
}

/// `(name, bytes)` per item of `module` (wasm-bindgen's output) optimised as shipped, its names kept in
/// `named`.
pub fn named_items(root: &Path, module: &Path, named: &Path) -> Result<Vec<(String, u64)>, String> {
    if let Some(dir) = named.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    split_wasm::optimise(&split_wasm::wasm_opt_params(root)?, &["-g"], module, named)?;
    ensure_twiggy()?;
    let listing = output_of(
        Command::new("twiggy")
            .args(["top", "-n", "1000000", "--format", "json"])
            .arg(named),
    )
    .ok_or_else(|| format!("twiggy could not read {}", named.display()))?;
    let items: Vec<Value> = serde_json::from_str(&listing).map_err(|e| format!("twiggy: {e}"))?;
    Ok(items
        .iter()
        .filter_map(|item| {
            Some((
                item["name"].as_str()?.to_owned(),
                item["shallow_size"].as_u64()?,
            ))
        })
        .collect())
}

fn ensure_twiggy() -> Result<(), String> {
    if output_of(Command::new("twiggy").arg("--version")).is_some() {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", "twiggy", "--locked"]))
}

/// Bytes per owner, largest first; names that are not shipped (the name section) are left out.
pub fn by_owner(items: &[(String, u64)]) -> Vec<(String, u64)> {
    let mut owners: BTreeMap<String, u64> = BTreeMap::new();
    for (name, bytes) in items {
        if let Some(owner) = owner(name) {
            *owners.entry(owner).or_default() += bytes;
        }
    }
    let mut owners: Vec<_> = owners.into_iter().collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    owners
}

/// The share of the bytes `by_owner` counted for the portal's own modules, from 0 to 1.
pub fn portal_share(owners: &[(String, u64)]) -> f64 {
    let total: u64 = owners.iter().map(|(_, bytes)| bytes).sum();
    let portal: u64 = owners
        .iter()
        .filter(|(owner, _)| owner.starts_with(PORTAL))
        .map(|(_, bytes)| bytes)
        .sum();
    portal as f64 / total as f64
}

/// What a module of `brotli` bytes would weigh compressed without the items counted for the portal
/// (`portal_share` of its raw bytes, from [`portal_share`]). Brotli compresses a module about evenly (its bytes
/// are code of one kind), so the rest's share of the raw bytes is taken as its share of the compressed ones.
pub fn brotli_without_portal(portal_share: f64, brotli: u64) -> f64 {
    (1.0 - portal_share) * brotli as f64
}

/// How every owner named after one of the portal's modules begins.
const PORTAL: &str = "portal: ";

/// Crates grouped the way a size decision is taken: one row per library a lever would act on.
const CRATE_GROUPS: &[(&str, &[&str])] = &[
    (
        "Leptos (runtime, router, generic view code)",
        &[
            "leptos",
            "leptos_dom",
            "leptos_router",
            "leptos_server",
            "reactive_graph",
            "reactive_stores",
            "tachys",
            "either_of",
            "send_wrapper",
            "any_spawner",
            "throw_error",
            "or_poisoned",
            "slotmap",
            "guardian",
            "server_fn",
            "oco_ref",
        ],
    ),
    (
        "serde, serde_json",
        &["serde", "serde_core", "serde_json", "zmij", "itoa", "ryu"],
    ),
    ("chrono", &["chrono"]),
    (
        "wasm-bindgen, js-sys, web-sys, gloo",
        &[
            "wasm_bindgen",
            "wasm_bindgen_futures",
            "js_sys",
            "web_sys",
            "gloo_net",
            "gloo_utils",
            "gloo_timers",
            "gloo_events",
        ],
    ),
    (
        "futures",
        &[
            "futures_util",
            "futures_core",
            "futures_channel",
            "futures_executor",
            "pin_project",
        ],
    ),
    (
        "Rust std (formatting, collections, allocator)",
        &[
            "core",
            "alloc",
            "std",
            "dlmalloc",
            "hashbrown",
            "indexmap",
            "compiler_builtins",
            "str",
            "char",
            "f64",
            "f32",
            "u8",
            "u16",
            "u32",
            "u64",
            "usize",
            "i32",
            "i64",
            "bool",
            "memchr",
        ],
    ),
];

/// Who a wasm item's bytes count for, from its name; `None` for what is not shipped.
fn owner(name: &str) -> Option<String> {
    if name.contains("subsection") || name.contains("custom section") {
        return None;
    }
    if name.starts_with("data segment") || name.starts_with("data[") {
        return Some("read-only data (messages, labels, tables)".into());
    }
    if let Some(module) = portal_module(name) {
        return Some(module);
    }
    let krate = leading_crate(name);
    let group = CRATE_GROUPS
        .iter()
        .find(|(_, crates)| crates.contains(&krate.as_str()))
        .map(|(group, _)| (*group).to_owned());
    Some(group.unwrap_or_else(|| {
        if [
            "import", "export", "elem", "table", "type", "global", "code", "func",
        ]
        .iter()
        .any(|kind| name.starts_with(kind))
        {
            "wasm tables, imports and exports".into()
        } else {
            format!("other: {krate}")
        }
    }))
}

/// The portal's module a name mentions: `pages::<page>`, the models (with their serde code), or a layer.
fn portal_module(name: &str) -> Option<String> {
    let path = &name[name.find("certportal::")? + "certportal::".len()..];
    let mut parts = path
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .next()
        .unwrap_or_default()
        .split("::");
    let layer = parts.next().unwrap_or_default();
    let inner = parts.next().unwrap_or_default();
    Some(match (layer, inner) {
        ("domain", "models") => format!("{PORTAL}Keyfactor models (serde decoding)"),
        ("pages", page)
            if !page.is_empty() && page.chars().all(|c| c.is_lowercase() || c == '_') =>
        {
            format!("{PORTAL}pages::{page}")
        }
        (layer, _) => format!("{PORTAL}{layer}"),
    })
}

/// The crate a name begins with: `<A as B>::f` counts for A's crate unless A is a bare type parameter.
fn leading_crate(name: &str) -> String {
    let trimmed = name.trim_start_matches(['<', '&', '*', ' ', '(', '[']);
    let trimmed = trimmed
        .strip_prefix("mut ")
        .or_else(|| trimmed.strip_prefix("dyn "))
        .or_else(|| trimmed.strip_prefix("const "))
        .unwrap_or(trimmed);
    let first: String = trimmed
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let bare_type_parameter = !trimmed[first.len()..].starts_with("::");
    if bare_type_parameter {
        if let Some(trait_start) = name.find(" as ") {
            return leading_crate(&name[trait_start + 4..]);
        }
    }
    first
}

/// The path of the analysis build's named wasm (printed so a reader can run twiggy on it themselves).
pub fn named_wasm(root: &Path) -> PathBuf {
    bundle::target_dir(root).join("bench/attribution/certportal_named.wasm")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_count_for_the_portal_module_they_mention() {
        assert_eq!(
            owner("certportal::domain::models::certificate::_::<impl serde_core::de::Deserialize for certportal::domain::models::certificate::Certificate>::deserialize::h3b82").as_deref(),
            Some("portal: Keyfactor models (serde decoding)")
        );
        assert_eq!(
            owner("core::ptr::drop_in_place<certportal::pages::reenroll::store::Chosen>")
                .as_deref(),
            Some("portal: pages::reenroll")
        );
        assert_eq!(
            owner("certportal::flows::renewal::renew_once::{{closure}}::h993c").as_deref(),
            Some("portal: flows")
        );
        assert_eq!(
            owner("certportal::app::start::{{closure}}::ha56f").as_deref(),
            Some("portal: app")
        );
    }

    #[test]
    fn other_names_count_for_the_crate_they_start_with() {
        let cases = [
            ("tachys::reactive_graph::<impl tachys::view::Render for F>::build::{{closure}}::h079c", "Leptos (runtime, router, generic view code)"),
            ("<either_of::EitherOf6<A,B,C,D,E,F> as leptos_router::matching::choose_view::ChooseView>::choose", "Leptos (runtime, router, generic view code)"),
            ("<f64 as core[c5930c85a12de822]::fmt::Display>::fmt", "Rust std (formatting, collections, allocator)"),
            ("<T as alloc::string::ToString>::to_string::h1", "Rust std (formatting, collections, allocator)"),
            ("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_str", "serde, serde_json"),
            ("chrono::format::formatting::write_rfc3339::h2", "chrono"),
            ("js_sys::Reflect::get::h3", "wasm-bindgen, js-sys, web-sys, gloo"),
            ("data segment \".rodata.64\"", "read-only data (messages, labels, tables)"),
            ("import wbg::__wbg_fetch_f156", "wasm tables, imports and exports"),
            ("mystery_crate::thing", "other: mystery_crate"),
        ];
        for (name, expected) in cases {
            assert_eq!(owner(name).as_deref(), Some(expected), "{name}");
        }
    }

    #[test]
    fn the_name_section_is_not_shipped_and_owners_are_summed_largest_first() {
        let items = [
            ("\"function names\" subsection".to_owned(), 1_000_000),
            ("chrono::a".to_owned(), 10),
            ("chrono::b".to_owned(), 5),
            ("certportal::api::x".to_owned(), 20),
        ];
        assert_eq!(
            by_owner(&items),
            [("portal: api".to_owned(), 20), ("chrono".to_owned(), 15)]
        );
    }

    #[test]
    fn the_portal_share_counts_every_portal_module_and_nothing_else() {
        let owners = by_owner(&[
            ("certportal::api::x".to_owned(), 20),
            ("certportal::pages::renew::y".to_owned(), 10),
            ("tachys::z".to_owned(), 60),
            ("data segment \".rodata\"".to_owned(), 10),
        ]);
        assert!((portal_share(&owners) - 0.3).abs() < 1e-9);
    }
}
