//! The release bundle: trunk's optimised build, then `.br` and `.gz` beside every compressible file so
//! servers send them as they are instead of compressing per request.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::run;

const COMPRESSIBLE: [&str; 6] = ["wasm", "js", "css", "html", "json", "svg"];

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
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible {
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
