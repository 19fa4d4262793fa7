//! Installs the toolchain the build and tests need, from the package registries only (crates.io, npm,
//! Debian): this machine reaches nothing else, so trunk must never download wasm-bindgen or wasm-opt
//! itself. Each tool is skipped when the right version is already there.

use std::path::Path;
use std::process::Command;

use crate::process::{output_of, run};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn ensure_all(root: &Path) -> Result<(), String> {
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    ensure_debian_packages()?;
    ensure_trunk()?;
    ensure_wasm_bindgen(root)?;
    ensure_npm_packages(root)?;
    prepend_node_bin_to_path(root);
    Ok(())
}

/// Chromium + chromedriver for the browser tests, brotli for precompressed assets, nginx (with Debian's
/// brotli_static module) for the end-to-end run through deploy/'s production configuration, and openssl
/// for the throwaway CA that run makes so nginx verifies Keyfactor's TLS certificate (e2e/nginx-front.mjs).
fn ensure_debian_packages() -> Result<(), String> {
    let wanted = [
        (CHROMIUM, "chromium"),
        (CHROMEDRIVER, "chromium-driver"),
        ("/usr/bin/brotli", "brotli"),
        ("/usr/sbin/nginx", "nginx"),
        (
            "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
            "libnginx-mod-http-brotli-static",
        ),
        ("/usr/bin/openssl", "openssl"),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(_, pkg)| *pkg)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing Debian packages: {}", missing.join(" "));
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ensure_trunk() -> Result<(), String> {
    if output_of(Command::new("trunk").arg("--version")).as_deref()
        == Some(&format!("trunk {TRUNK_VERSION}"))
    {
        return Ok(());
    }
    // 0.22 needs a newer rustc; --debug halves the build time and trunk only orchestrates.
    run(Command::new("cargo").args([
        "install",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--locked",
        "--debug",
    ]))
}

/// wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock, or trunk tries to download one.
fn ensure_wasm_bindgen(root: &Path) -> Result<(), String> {
    let version = locked_version(root, "wasm-bindgen")?;
    if output_of(Command::new("wasm-bindgen").arg("--version")).as_deref()
        == Some(&format!("wasm-bindgen {version}"))
    {
        return Ok(());
    }
    // No --locked: the crate registry reachable here lacks one of the exact transitive versions its
    // lock file pins, so the newest compatible ones are taken.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

pub fn locked_version(root: &Path, package: &str) -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or(format!("{package} is not in Cargo.lock"))?
        + needle.len();
    Ok(lock[start..].chars().take_while(|&c| c != '"').collect())
}

/// binaryen's wasm-opt (Debian's 108 emits broken modules), Playwright's runner, axe-core.
fn ensure_npm_packages(root: &Path) -> Result<(), String> {
    let e2e = root.join("e2e");
    let installed = e2e.join("node_modules/.package-lock.json");
    let lock = e2e.join("package-lock.json");
    let up_to_date = match (std::fs::metadata(&installed), std::fs::metadata(&lock)) {
        (Ok(i), Ok(l)) => i.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if up_to_date {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&e2e)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

/// Puts npm's wasm-opt ahead of any other on PATH for trunk and the processes xtask starts.
fn prepend_node_bin_to_path(root: &Path) {
    let bin = root.join("e2e/node_modules/.bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let joined = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
        .expect("PATH entries contain no separator");
    std::env::set_var("PATH", joined);
}
