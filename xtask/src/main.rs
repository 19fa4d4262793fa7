//! Developer commands. `cargo xtask demo` serves the portal on the simulator; `cargo xtask test` runs every
//! test there is. Both install what is missing first, so they work on a fresh machine.

mod attribution;
mod bench;
mod bundle;
mod layers;
mod process;
mod split_wasm;
mod tools;
mod view_size;

use std::path::PathBuf;
use std::process::ExitCode;

use process::{run, TestTally};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo [--port N] [--api v10|v25] [--wire recorded|spec] [--public-path /certs/]
                  build the release bundle and serve it on the Keyfactor simulator (SSO stand-in on;
                  --wire spec: spec-literal answers instead of the recorded real-server shapes)
  bundle [--public-path /certs/]
                  build the release bundle operators deploy (dist/, or dist-certs/ for /certs/): the wasm
                  split per page, scripts minified, files precompressed
  test            install what tests need, then: fmt, clippy, native tests, wasm tests in headless Chromium,
                  release bundle, end-to-end tests (Playwright) against the simulator, and the
                  check of every request and answer they recorded against Keyfactor's OpenAPI specs
                  and against the proxy's allow-list (deploy/nginx/certportal-allowlist.conf)
  bench [--smoke] measure bundle size against a floor app, start-up against a static page, requests per
                  task, the longest task, validator cost and memory over 1,000 polls (--smoke: sizes and
                  one load, as `test` runs it)
  layers          which top-level module uses which, in the portal and the simulator; fails on a module
                  cycle, a view file over 250 lines or a component over 80
  install         only install the toolchain (wasm target, trunk, wasm-bindgen-cli, Chromium, npm packages)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("bundle") => bundle(&args[1..]),
        Some("test") => test(),
        Some("bench") => match &args[1..] {
            [] => tools::ensure_all(&workspace_root())
                .and_then(|()| bench::bench(&workspace_root(), false, None)),
            [flag] if flag == "--smoke" => tools::ensure_all(&workspace_root())
                .and_then(|()| bench::bench(&workspace_root(), true, None)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        },
        Some("layers") => {
            layers::report(&workspace_root()).and_then(|()| view_size::report(&workspace_root()))
        }
        Some("install") => tools::ensure_all(&workspace_root()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The checkout `cargo xtask` runs in. `cargo run` names it at run time; the path compiled in is only the
/// fallback, because checkouts sharing one target directory (CI clones) can run a binary another one built.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

struct DemoOptions {
    port: u16,
    api: String,
    wire: String,
    public_path: String,
}

fn parse_demo_options(args: &[String]) -> Result<DemoOptions, String> {
    let mut options = DemoOptions {
        port: 8089,
        api: "v25".into(),
        wire: "recorded".into(),
        public_path: "/".into(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or(format!("{flag} needs a value\n\n{USAGE}"))
        };
        match flag.as_str() {
            "--port" => {
                options.port = value()?
                    .parse()
                    .map_err(|_| "--port takes a number".to_string())?
            }
            "--api" => options.api = value()?,
            "--wire" => options.wire = value()?,
            "--public-path" => options.public_path = value()?,
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    if !matches!(options.api.as_str(), "v10" | "v25") {
        return Err("--api is v10 or v25".into());
    }
    if !matches!(options.wire.as_str(), "recorded" | "spec") {
        return Err("--wire is recorded or spec".into());
    }
    check_public_path(&options.public_path)?;
    Ok(options)
}

fn check_public_path(public_path: &str) -> Result<(), String> {
    if !public_path.starts_with('/') || !public_path.ends_with('/') {
        return Err("--public-path must start and end with '/', e.g. /certs/".into());
    }
    Ok(())
}

fn bundle(args: &[String]) -> Result<(), String> {
    let public_path = match args {
        [] => "/",
        [flag, path] if flag == "--public-path" => path,
        _ => return Err(format!("bundle takes only --public-path\n\n{USAGE}")),
    };
    check_public_path(public_path)?;
    let root = workspace_root();
    tools::ensure_all(&root)?;
    let dist = bundle::release(&root, public_path)?;
    println!("The bundle for {public_path} is in {}", dist.display());
    Ok(())
}

fn demo(args: &[String]) -> Result<(), String> {
    let options = parse_demo_options(args)?;
    let root = workspace_root();
    tools::ensure_all(&root)?;
    let dist = bundle::release(&root, &options.public_path)?;
    // The debug build is quick enough to serve a demo and is the one the tests build too.
    run(process::cargo(&root).args(["build", "-p", "kf-sim"]))?;
    let sim = bundle::target_dir(&root).join("debug/kf-sim");
    println!("\nStarting the Keyfactor Command simulator with the portal (Ctrl-C stops it).");
    println!(
        "Open http://127.0.0.1:{}{} and pick a demo user on the sign-in page.\n",
        options.port, options.public_path
    );
    run(std::process::Command::new(sim).args([
        "--port",
        &options.port.to_string(),
        "--api",
        &options.api,
        "--wire",
        &options.wire,
        "--dist",
        &dist.to_string_lossy(),
        "--public-path",
        &options.public_path,
        "--sso",
    ]))
}

/// The sub-path the e2e suite serves one bundle from (e2e/playwright.config.mjs knows it too).
const E2E_SUB_PATH: &str = "/certs/";

fn test() -> Result<(), String> {
    let root = workspace_root();
    tools::ensure_all(&root)?;
    let mut tally = TestTally::default();
    let cargo = || process::cargo(&root);
    let wasm = "wasm32-unknown-unknown";

    // The component tests (`tests/web/`) run in headless Chromium; the rest of `tests/` is native.
    let browser_tests = ["--test", "web"];

    tally.step("format", cargo().args(["fmt", "--all", "--", "--check"]));
    tally.step(
        "clippy (native)",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    tally.step(
        "clippy (wasm32)",
        // Unit and property tests are native-only (proptest does not build for wasm32); they are linted above.
        cargo()
            .args([
                "clippy",
                "-p",
                "certportal",
                "--target",
                wasm,
                "--lib",
                "--bins",
            ])
            .args(browser_tests)
            .args(["--", "-D", "warnings"]),
    );
    // --no-fail-fast: one failing test file must not hide the results of the others.
    tally.step(
        "native tests",
        cargo().args(["test", "--workspace", "--no-fail-fast"]),
    );
    tally.step(
        "wasm tests (headless Chromium)",
        cargo()
            .args([
                "test",
                "-p",
                "certportal",
                "--target",
                wasm,
                "--no-fail-fast",
            ])
            .args(browser_tests)
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
    );
    // A second bundle proves sub-path hosting (`--public-url`), as operators deploy it.
    let bundles = bundle::releases(&root, &["/", E2E_SUB_PATH]).and_then(|dists| {
        run(cargo().args(["build", "-p", "kf-sim"]))?;
        match <[PathBuf; 2]>::try_from(dists) {
            Ok([dist, sub_path_dist]) => Ok((dist, sub_path_dist)),
            Err(_) => Err("two bundles were asked for".to_owned()),
        }
    });
    match bundles {
        Ok((dist, sub_path_dist)) => {
            let sim = bundle::target_dir(&root).join("debug/kf-sim");
            let recordings = tally.playwright(&root.join("e2e"), &sim, &dist, &sub_path_dist);
            // Every request the app sent and every answer the simulator gave, against Keyfactor's specs;
            // and the requests against the proxy's allow-list (each allowed, each entry used).
            tally.step(
                "contract check (OpenAPI specs, proxy allow-list)",
                cargo()
                    .args(["run", "--quiet", "-p", "kf-contract", "--"])
                    .arg(&recordings)
                    .arg("--allow-list")
                    .arg(root.join("deploy/nginx/certportal-allowlist.conf")),
            );
            // So the benchmark cannot rot: bundle sizes against the floor app and one load of each page.
            tally.check("bench smoke (sizes, one load)", || {
                bench::bench(&root, true, Some(&dist))
            });
        }
        Err(message) => tally.record_failure("release bundle", &message),
    }
    tally.finish()
}
