//! The release bundle: the portal's wasm split per page (`split_wasm`), trunk's build of the page around it, its
//! scripts minified by terser, then `.br` and `.gz` beside
//! every compressible file so servers send them as they are instead of compressing per request. Except `config.json`: operators
//! replace it in the deployed folder, and a precompressed copy beside it would be served instead of theirs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::run;
use crate::split_wasm::{self, SplitWasm};

const COMPRESSIBLE: [&str; 6] = ["wasm", "js", "css", "html", "json", "svg"];
/// The operator's file: never precompressed (deploy/nginx serves it without brotli_static/gzip_static too).
const OPERATOR_FILES: [&str; 1] = ["config.json"];

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// The page trunk builds for the portal: index.html with its Rust asset skipped ([`split_wasm`] builds the wasm).
/// Beside index.html, because trunk resolves the page's relative links from the page's folder.
const PAGE_WITHOUT_WASM: &str = ".index-without-wasm.html";

/// Builds the portal for one public path (`/` → `dist/`, `/certs/` → `dist-certs/`).
pub fn release(root: &Path, public_path: &str) -> Result<PathBuf, String> {
    let mut dists = releases(root, &[public_path])?;
    Ok(dists.remove(0))
}

/// Builds the portal for each public path: the wasm once (split per page; its file names are relative to the
/// loader, so one build serves every path), trunk for the page, stylesheet and copied files, then the wasm's
/// tags in the page, scripts minified, everything precompressed.
pub fn releases(root: &Path, public_paths: &[&str]) -> Result<Vec<PathBuf>, String> {
    let wasm = split_wasm::build(root)?;
    public_paths
        .iter()
        .map(|public_path| {
            let name = public_path.trim_matches('/').replace('/', "-");
            let dist = root.join(if name.is_empty() {
                "dist".to_owned()
            } else {
                format!("dist-{name}")
            });
            portal(root, &wasm, public_path, &dist)
        })
        .collect()
}

fn portal(
    root: &Path,
    wasm: &SplitWasm,
    public_path: &str,
    dist: &Path,
) -> Result<PathBuf, String> {
    let index = root.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let page = root.join(PAGE_WITHOUT_WASM);
    std::fs::write(&page, with_rust_asset_skipped(&html)?)
        .map_err(|e| format!("{}: {e}", page.display()))?;
    let built = trunk(root, Path::new(PAGE_WITHOUT_WASM), public_path, dist);
    std::fs::remove_file(&page).map_err(|e| format!("{}: {e}", page.display()))?;
    built?;
    for file in wasm.files()? {
        let name = file.file_name().unwrap_or_default();
        std::fs::copy(&file, dist.join(name)).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let built_index = dist.join("index.html");
    let html = std::fs::read_to_string(&built_index)
        .map_err(|e| format!("{}: {e}", built_index.display()))?;
    let html = in_place_of_skipped_rust_asset(&html, &wasm_tags(public_path, wasm, dist)?)?;
    std::fs::write(&built_index, html).map_err(|e| format!("{}: {e}", built_index.display()))?;
    minify_scripts(dist)?;
    precompress(dist)?;
    Ok(dist.to_path_buf())
}

/// `html` with trunk told to skip its Rust asset (`data-trunk-skip`): without that tag trunk would build the
/// crate beside the page anyway, unsplit.
fn with_rust_asset_skipped(html: &str) -> Result<String, String> {
    const RUST_ASSET: &str = "<link data-trunk rel=\"rust\"";
    if !html.contains(RUST_ASSET) {
        return Err(format!("index.html has no {RUST_ASSET} …/> tag"));
    }
    Ok(html.replacen(RUST_ASSET, &format!("{RUST_ASSET} data-trunk-skip"), 1))
}

/// The tags trunk writes for its Rust asset, for the split build: the boot script (the form of Trunk.toml's
/// `pattern_script`) and preloads with integrity for the first download only (glue, loader, main module); the
/// pages' modules are fetched by the loader when first needed.
fn wasm_tags(base: &str, wasm: &SplitWasm, dist: &Path) -> Result<String, String> {
    let integrity_of = |name: &str| {
        let path = dist.join(name);
        std::fs::read(&path)
            .map(|bytes| integrity(&bytes))
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let (glue, loader, main_wasm) = (&wasm.glue, &wasm.loader, &wasm.main_wasm);
    Ok(format!(
        concat!(
            "<script type=\"module\" src=\"{base}boot.js?js={glue}&amp;wasm={main_wasm}\"></script>\n",
            "<link rel=\"modulepreload\" href=\"{base}{glue}\" crossorigin=\"anonymous\" integrity=\"{glue_integrity}\">\n",
            "<link rel=\"modulepreload\" href=\"{base}{loader}\" crossorigin=\"anonymous\" integrity=\"{loader_integrity}\">\n",
            "<link rel=\"preload\" href=\"{base}{main_wasm}\" crossorigin=\"anonymous\" integrity=\"{wasm_integrity}\" as=\"fetch\" type=\"application/wasm\">",
        ),
        base = base,
        glue = glue,
        loader = loader,
        main_wasm = main_wasm,
        glue_integrity = integrity_of(glue)?,
        loader_integrity = integrity_of(loader)?,
        wasm_integrity = integrity_of(main_wasm)?,
    ))
}

/// The built page with `tags` where trunk left the skipped Rust asset's tag
/// (`<link data-trunk rel="rust" data-trunk-skip … />`), as trunk puts its own.
fn in_place_of_skipped_rust_asset(html: &str, tags: &str) -> Result<String, String> {
    let start = html
        .find("<link data-trunk rel=\"rust\" data-trunk-skip")
        .ok_or("the built index.html has no skipped rust tag")?;
    let end = html[start..]
        .find('>')
        .map(|end| start + end + 1)
        .ok_or("the skipped rust tag is not closed")?;
    Ok(format!("{}{tags}{}", &html[..start], &html[end..]))
}

/// An app trunk builds whole (the bench's floor app): the page `index` (relative to the workspace root) into
/// `dist`, minified and precompressed.
pub fn build(root: &Path, index: &Path, public_path: &str, dist: &Path) -> Result<PathBuf, String> {
    trunk(root, index, public_path, dist)?;
    minify_scripts(dist)?;
    precompress(dist)?;
    Ok(dist.to_path_buf())
}

fn trunk(root: &Path, index: &Path, public_path: &str, dist: &Path) -> Result<(), String> {
    run(Command::new("trunk")
        .arg("build")
        .arg(index)
        .args(["--release", "--public-url", public_path, "--dist"])
        .arg(dist)
        .current_dir(root)
        .env("TRUNK_SKIP_VERSION_CHECK", "true"))
}

/// Trunk's own minifier cannot parse wasm-bindgen's glue (`export default` stops it: "Failed to minify JS",
/// and the glue shipped as written), so Trunk.toml turns it off and terser (npm) minifies every script here,
/// then index.html's subresource-integrity hash of each is renewed (the browser refuses a script whose hash
/// differs). The names stay trunk's content hashes of the unminified script: still one name per content.
fn minify_scripts(dist: &Path) -> Result<(), String> {
    let index = dist.join("index.html");
    let mut html =
        std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for script in entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
    {
        run(Command::new("terser")
            .arg(&script)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&script))?;
        let bytes = std::fs::read(&script).map_err(|e| format!("{}: {e}", script.display()))?;
        let name = script
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        html = with_integrity(&html, name, &bytes);
    }
    std::fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))
}

/// `html` with the `integrity` of every tag whose `href` names `file` set to `bytes`' sha384 (tags without
/// one, like the boot script's, are left as they are).
fn with_integrity(html: &str, file: &str, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(tag_start) = rest.find('<') {
        let tag_end = rest[tag_start..]
            .find('>')
            .map_or(rest.len(), |end| tag_start + end + 1);
        let tag = &rest[tag_start..tag_end];
        out.push_str(&rest[..tag_start]);
        let names_file =
            tag.contains(&format!("/{file}\"")) || tag.contains(&format!("\"{file}\""));
        match tag.find("integrity=\"sha384-").filter(|_| names_file) {
            Some(at) => {
                let value_start = at + "integrity=\"".len();
                let value_end = tag[value_start..]
                    .find('"')
                    .map_or(tag.len(), |end| value_start + end);
                out.push_str(&tag[..value_start]);
                out.push_str(&integrity(bytes));
                out.push_str(&tag[value_end..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

/// The subresource-integrity value of `bytes`: `sha384-` and the base64 of their SHA-384.
fn integrity(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes));
    format!("sha384-{hash}")
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
        brotli_beside(&path)?;
    }
    Ok(())
}

/// `path`'s brotli -q 11 copy beside it (`….br`), as the release bundle ships it.
pub fn brotli_beside(path: &Path) -> Result<(), String> {
    run(Command::new("brotli")
        .args(["-q", "11", "-k", "-f"])
        .arg(path))
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
    fn a_minified_script_gets_its_new_integrity_hash_and_nothing_else_changes() {
        let html = concat!(
            "<link rel=\"stylesheet\" href=\"/main-1.css\" integrity=\"sha384-css\"/>\n",
            "<link rel=\"modulepreload\" href=\"/certs/app-1.js\" crossorigin=\"anonymous\" integrity=\"sha384-old\">",
            "<link rel=\"preload\" href=\"/certs/app-1_bg.wasm\" integrity=\"sha384-wasm\" as=\"fetch\">",
        );
        // sha384("abc"), FIPS 180-2 appendix D.
        let expected = "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn";
        let renewed = with_integrity(html, "app-1.js", b"abc");
        assert_eq!(renewed, html.replace("sha384-old", expected));
        assert_eq!(with_integrity(html, "boot.js", b"abc"), html);
    }

    #[test]
    fn trunk_is_told_to_skip_the_rust_asset_and_nothing_else_changes() {
        let html = "<head>\n  <link data-trunk rel=\"rust\" data-bin=\"certportal\" />\n  <link data-trunk rel=\"css\" />";
        assert_eq!(
            with_rust_asset_skipped(html).unwrap(),
            "<head>\n  <link data-trunk rel=\"rust\" data-trunk-skip data-bin=\"certportal\" />\n  <link data-trunk rel=\"css\" />"
        );
        assert!(with_rust_asset_skipped("<head></head>").is_err());
    }

    #[test]
    fn the_wasm_tags_take_the_place_of_the_skipped_rust_asset() {
        let built = concat!(
            "<base href=\"/certs/\">\n  <link data-trunk rel=\"rust\" data-trunk-skip data-bin=\"certportal\" data-trunk-id=\"0\" />\n",
            "  <link rel=\"stylesheet\" href=\"/certs/main-1.css\">",
        );
        assert_eq!(
            in_place_of_skipped_rust_asset(built, "<script></script>").unwrap(),
            "<base href=\"/certs/\">\n  <script></script>\n  <link rel=\"stylesheet\" href=\"/certs/main-1.css\">"
        );
        assert!(in_place_of_skipped_rust_asset("<head></head>", "<script></script>").is_err());
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
