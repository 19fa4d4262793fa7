//! The release bundle: trunk's optimised build, then `.br` and `.gz` beside every compressible file so
//! servers send them as they are instead of compressing per request. Except `config.json`: operators
//! replace it in the deployed folder, and a precompressed copy beside it would be served instead of theirs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::run;

const COMPRESSIBLE: [&str; 6] = ["wasm", "js", "css", "html", "json", "svg"];
/// The operator's file: never precompressed (deploy/nginx serves it without brotli_static/gzip_static too).
const OPERATOR_FILES: [&str; 1] = ["config.json"];

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Builds the bundle for a public path (`/` → `dist/`, `/certs/` → `dist-certs/`) and precompresses it.
pub fn release(root: &Path, public_path: &str) -> Result<PathBuf, String> {
    let name = public_path.trim_matches('/').replace('/', "-");
    let dist = root.join(if name.is_empty() {
        "dist".to_owned()
    } else {
        format!("dist-{name}")
    });
    build(root, Path::new("index.html"), public_path, &dist)
}

/// Trunk's release build of the page `index` (relative to the workspace root) into `dist`, precompressed.
pub fn build(root: &Path, index: &Path, public_path: &str, dist: &Path) -> Result<PathBuf, String> {
    run(Command::new("trunk")
        .arg("build")
        .arg(index)
        .args(["--release", "--public-url", public_path, "--dist"])
        .arg(dist)
        .current_dir(root)
        .env("TRUNK_SKIP_VERSION_CHECK", "true"))?;
    precompress(dist)?;
    Ok(dist.to_path_buf())
}

fn precompress(dist: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if is_operators(&path) {
            // An earlier build's copies would be served instead of the operator's file: remove them.
            remove_compressed_copies(&path)?;
            continue;
        }
        if !is_compressible(&path) {
            continue;
        }
        run(Command::new("gzip")
            .args(["-9", "-k", "-f", "-n"])
            .arg(&path))?;
        run(Command::new("brotli")
            .args(["-q", "11", "-k", "-f"])
            .arg(&path))?;
    }
    Ok(())
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

/// A file operators replace in the deployed folder: shipped without `.br`/`.gz` copies.
fn is_operators(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| OPERATOR_FILES.contains(&n))
}

fn remove_compressed_copies(path: &Path) -> Result<(), String> {
    for suffix in ["br", "gz"] {
        let mut copy = path.as_os_str().to_owned();
        copy.push(format!(".{suffix}"));
        let copy = Path::new(&copy);
        if copy.exists() {
            std::fs::remove_file(copy).map_err(|e| format!("{}: {e}", copy.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_json_is_the_operators_and_never_precompressed() {
        assert!(is_operators(Path::new("dist/config.json")));
        for shipped in [
            "dist/index.html",
            "dist/boot.js",
            "dist/certportal-0123456789abcdef_bg.wasm",
            "dist/main-0123456789abcdef.css",
            "dist/other.json",
        ] {
            assert!(is_compressible(Path::new(shipped)), "{shipped}");
            assert!(!is_operators(Path::new(shipped)), "{shipped}");
        }
        assert!(!is_compressible(Path::new("dist/index.html.br")));
    }

    #[test]
    fn stale_copies_of_config_json_are_removed() {
        let dist = std::env::temp_dir().join(format!("xtask-precompress-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("config.json"), "{}").unwrap();
        std::fs::write(dist.join("config.json.br"), "stale").unwrap();
        std::fs::write(dist.join("config.json.gz"), "stale").unwrap();
        precompress(&dist).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dist)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["config.json"]);
        std::fs::remove_dir_all(&dist).unwrap();
    }
}
