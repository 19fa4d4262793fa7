//! The portal's wasm, one module per page: the renewal page's code (with everything pages share) is the first
//! download and every other page's code a module fetched when that page is first opened (docs/route-splitting.md).
//!
//! trunk cannot build this: its Rust step runs cargo, wasm-bindgen and wasm-opt as one, and the split must sit
//! between cargo and wasm-bindgen. So the steps are here: cargo with the `split-routes` feature and the linker's
//! relocations kept, the split (`wasm_split_cli_support`, the library cargo-leptos uses), wasm-bindgen, wasm-opt
//! on every module, then one content hash in every file name.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::bundle::target_dir;
use crate::process::{cargo, run};

/// The files of one split build, under their shipped (hashed) names in [`SplitWasm::dir`].
pub struct SplitWasm {
    pub dir: PathBuf,
    /// wasm-bindgen's glue: what boot.js imports and index.html preloads.
    pub glue: String,
    /// The main module (renewal and everything shared): boot.js instantiates it.
    pub main_wasm: String,
    /// The split step's loader: the glue imports it, it imports the glue; preloaded with it.
    pub loader: String,
}

impl SplitWasm {
    /// Every file of the build, shipped side by side.
    pub fn files(&self) -> Result<Vec<PathBuf>, String> {
        let entries =
            std::fs::read_dir(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        Ok(entries.flatten().map(|entry| entry.path()).collect())
    }
}

/// The main module as wasm-bindgen wrote it in the last build, before wasm-opt (which drops the names).
pub fn main_module_before_optimising(root: &Path) -> PathBuf {
    work_dir(root).join("bindgen").join(MAIN_WASM)
}

fn work_dir(root: &Path) -> PathBuf {
    target_dir(root).join("split-wasm")
}

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The names the steps give their outputs, before hashing. The glue's name is wasm-bindgen's `--out-name`;
/// the loader imports it by this name.
const GLUE: &str = "certportal.js";
const MAIN_WASM: &str = "certportal_bg.wasm";
const LOADER: &str = "__wasm_split.js";

pub fn build(root: &Path) -> Result<SplitWasm, String> {
    // `cargo rustc` gives the link argument to the binary only, so the dependencies stay the ones every other
    // release build uses.
    run(cargo(root)
        .args(["rustc", "--release", "--target", WASM_TARGET])
        .args([
            "-p",
            "certportal",
            "--bin",
            "certportal",
            "--features",
            "split-routes",
        ])
        .args(["--", "-Clink-args=--emit-relocs"]))?;
    let work = work_dir(root);
    let split = fresh_dir(&work.join("split"))?;
    let bound = fresh_dir(&work.join("bindgen"))?;
    let optimised = fresh_dir(&work.join("optimised"))?;

    let linked = linked_wasm(root);
    let input = std::fs::read(&linked).map_err(|e| format!("{}: {e}", linked.display()))?;
    let main_split = split.join("main.wasm");
    // Module specifiers relative to the loader, beside which everything ships.
    let (loader_specifier, glue_specifier) = (format!("./{LOADER}"), format!("./{GLUE}"));
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &split;
    options.main_out_path = &main_split;
    options.link_name = &loader_specifier;
    options.main_module = &glue_specifier;
    wasm_split_cli_support::transform(options).map_err(|e| format!("splitting the wasm: {e:#}"))?;

    bind(&main_split, &bound, &["--keep-lld-exports"])?;
    let params = wasm_opt_params(root)?;
    optimise(
        &params,
        &[],
        &bound.join(MAIN_WASM),
        &optimised.join(MAIN_WASM),
    )?;
    copy(&bound.join(GLUE), &optimised.join(GLUE))?;
    for module in wasm_files(&split)?
        .iter()
        .filter(|path| **path != main_split)
    {
        let name = module.file_name().unwrap_or_default();
        optimise(&params, &[], module, &optimised.join(name))?;
    }
    copy(&split.join(LOADER), &optimised.join(LOADER))?;

    let shipped = fresh_dir(&work.join("shipped"))?;
    let renames = hashed_names(&optimised)?;
    for (old, new) in &renames {
        let bytes = std::fs::read(optimised.join(old)).map_err(|e| format!("{old}: {e}"))?;
        let bytes = if old.ends_with(".js") {
            let text = String::from_utf8(bytes).map_err(|e| format!("{old}: {e}"))?;
            with_references_renamed(&text, &renames).into_bytes()
        } else {
            bytes
        };
        std::fs::write(shipped.join(new), bytes).map_err(|e| format!("{new}: {e}"))?;
    }
    let renamed = |name: &str| {
        renames
            .iter()
            .find(|(old, _)| old == name)
            .map(|(_, new)| new.clone())
            .ok_or(format!("the split build made no {name}"))
    };
    Ok(SplitWasm {
        dir: shipped,
        glue: renamed(GLUE)?,
        main_wasm: renamed(MAIN_WASM)?,
        loader: renamed(LOADER)?,
    })
}

/// wasm-opt as the build runs it (`params`: index.html's), `extra` flags aside (`-g` keeps the names).
pub fn optimise(params: &[String], extra: &[&str], from: &Path, to: &Path) -> Result<(), String> {
    run(Command::new("wasm-opt")
        .arg("-Oz")
        .args(extra)
        .args(params)
        .arg(from)
        .arg("-o")
        .arg(to))
}

/// wasm-bindgen on `linked`, its glue and module written to `out_dir` as `certportal.js` and
/// `certportal_bg.wasm`, the Rust names kept as they are (the bench attributes bytes by them).
fn bind(linked: &Path, out_dir: &Path, extra: &[&str]) -> Result<(), String> {
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-demangle"])
        .args(extra)
        .args(["--out-name", "certportal", "--out-dir"])
        .arg(out_dir)
        .arg(linked))
}

/// Where cargo puts the portal's release wasm, split build's or not.
fn linked_wasm(root: &Path) -> PathBuf {
    target_dir(root)
        .join(WASM_TARGET)
        .join("release/certportal.wasm")
}

/// The whole portal as one wasm module, as it would ship without route splitting (`cargo xtask bench`
/// measures what the budget on everything would allow then): cargo without `split-routes`, wasm-bindgen
/// and wasm-opt as for the split build. Returns the module before and after wasm-opt.
pub fn unsplit(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    // Both builds keep their own artefacts; cargo copies the one last built, fresh or not, to
    // `release/certportal.wasm`, so the split build still finds its own there afterwards.
    run(cargo(root)
        .args(["build", "--release", "--target", WASM_TARGET])
        .args(["-p", "certportal", "--bin", "certportal"]))?;
    let work = work_dir(root).join("unsplit");
    let bound = fresh_dir(&work.join("bindgen"))?;
    bind(&linked_wasm(root), &bound, &[])?;
    let before = bound.join(MAIN_WASM);
    let shipped = work.join(MAIN_WASM);
    optimise(&wasm_opt_params(root)?, &[], &before, &shipped)?;
    Ok((before, shipped))
}

fn fresh_dir(dir: &Path) -> Result<PathBuf, String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir.to_path_buf())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} → {}: {e}", from.display(), to.display()))
}

fn wasm_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "wasm"))
        .collect())
}

/// Every file of `dir` with one hash of all their contents before its extension (`certportal_bg.wasm` →
/// `certportal-<hash>_bg.wasm`, as trunk names them). One hash for the whole set: the glue and the loader import
/// each other, so neither's name can hash content that holds the other's name. Any change to any module renames
/// them all, which is what lets servers cache them as immutable.
fn hashed_names(dir: &Path) -> Result<Vec<(String, String)>, String> {
    use sha2::Digest;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut hasher = sha2::Sha256::new();
    for name in &names {
        let bytes = std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    let hash: String = hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Ok(names
        .into_iter()
        .map(|name| {
            let new = with_hash(&name, &hash);
            (name, new)
        })
        .collect())
}

/// `certportal_bg.wasm` → `certportal-<hash>_bg.wasm`, `chunk_3.wasm` → `chunk_3-<hash>.wasm`.
fn with_hash(name: &str, hash: &str) -> String {
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    match stem.strip_suffix("_bg") {
        Some(stem) => format!("{stem}-{hash}_bg.{extension}"),
        None => format!("{stem}-{hash}.{extension}"),
    }
}

/// `script` with every reference to a renamed file naming the new one: module specifiers (`from "./x.js"`) and
/// fetched URLs (`new URL("./chunk_3.wasm", …)`). Other strings stay, notably the keys of the imports object,
/// which must keep matching the module names inside the wasm (`"./__wasm_split.js": import1`); so do longer names
/// that merely start alike.
fn with_references_renamed(script: &str, renames: &[(String, String)]) -> String {
    let mut out = script.to_owned();
    for (old, new) in renames {
        for quote in ['"', '\''] {
            for context in ["from ", "URL("] {
                for relative in ["./", ""] {
                    out = out.replace(
                        &format!("{context}{quote}{relative}{old}{quote}"),
                        &format!("{context}{quote}{relative}{new}{quote}"),
                    );
                }
            }
        }
    }
    out
}

/// The wasm-opt feature flags index.html gives trunk (`data-wasm-opt-params`): one home for how the portal's
/// wasm is optimised, whichever step runs wasm-opt.
pub fn wasm_opt_params(root: &Path) -> Result<Vec<String>, String> {
    let index = root.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let start = html
        .find("data-wasm-opt-params=\"")
        .ok_or("index.html has no data-wasm-opt-params")?
        + "data-wasm-opt-params=\"".len();
    let params = &html[start..];
    let end = params
        .find('"')
        .ok_or("unterminated data-wasm-opt-params")?;
    Ok(params[..end]
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_goes_before_the_extension_and_before_wasm_bindgens_bg_suffix() {
        assert_eq!(
            with_hash("certportal_bg.wasm", "0a1b"),
            "certportal-0a1b_bg.wasm"
        );
        assert_eq!(with_hash("certportal.js", "0a1b"), "certportal-0a1b.js");
        assert_eq!(with_hash("__wasm_split.js", "0a1b"), "__wasm_split-0a1b.js");
        assert_eq!(with_hash("chunk_3.wasm", "0a1b"), "chunk_3-0a1b.wasm");
    }

    #[test]
    fn imports_and_fetched_urls_are_renamed_and_nothing_else() {
        let renames = [
            ("certportal.js".to_owned(), "certportal-ab.js".to_owned()),
            (
                "__wasm_split.js".to_owned(),
                "__wasm_split-ab.js".to_owned(),
            ),
            ("chunk_1.wasm".to_owned(), "chunk_1-ab.wasm".to_owned()),
            (
                "certportal_bg.wasm".to_owned(),
                "certportal-ab_bg.wasm".to_owned(),
            ),
        ];
        let script = concat!(
            "import { initSync } from \"./certportal.js\";\n",
            "import * as import1 from \"./__wasm_split.js\"; imports = { \"./__wasm_split.js\": import1 };\n",
            "fetch(new URL(\"./chunk_1.wasm\", import.meta.url)); fetch(\"./chunk_12.wasm\");\n",
            "new URL('certportal_bg.wasm', import.meta.url); // certportal.js unquoted\n",
        );
        assert_eq!(
            with_references_renamed(script, &renames),
            concat!(
                "import { initSync } from \"./certportal-ab.js\";\n",
                "import * as import1 from \"./__wasm_split-ab.js\"; imports = { \"./__wasm_split.js\": import1 };\n",
                "fetch(new URL(\"./chunk_1-ab.wasm\", import.meta.url)); fetch(\"./chunk_12.wasm\");\n",
                "new URL('certportal-ab_bg.wasm', import.meta.url); // certportal.js unquoted\n",
            )
        );
    }

    #[test]
    fn one_hash_names_every_file_and_changes_with_any_of_them() {
        let dir = std::env::temp_dir().join(format!("xtask-hashed-names-{}", std::process::id()));
        fresh_dir(&dir).unwrap();
        std::fs::write(dir.join("certportal.js"), "glue").unwrap();
        std::fs::write(dir.join("chunk_1.wasm"), "one").unwrap();
        let before = hashed_names(&dir).unwrap();
        let hash = |names: &[(String, String)]| names[0].1["certportal-".len()..][..16].to_owned();
        assert!(
            before.iter().all(|(_, new)| new.contains(&hash(&before))),
            "{before:?}"
        );
        std::fs::write(dir.join("chunk_1.wasm"), "two").unwrap();
        let after = hashed_names(&dir).unwrap();
        assert_ne!(hash(&before), hash(&after));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
