//! `cargo xtask bench [--smoke]`: what users and operators feel, as ratios against baselines built and
//! measured in the same run (the machines are shared and noisy, so absolute times alone mean little).
//! Bundle sizes against a floor app, start-up against a static page, requests per task, the longest task,
//! validator cost per keystroke and memory over 1,000 polling cycles. `--smoke` (part of `cargo xtask
//! test`) does the sizes and one load of each page, so the benchmark cannot rot.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::bundle;
use crate::process::{cargo, output_of, run};

/// The performance budgets (README's Performance table), shown beside each figure.
const BUNDLE_BUDGET: f64 = 2.0;
const STARTUP_BUDGET: f64 = 3.0;
const LONG_TASK_BUDGET_MS: f64 = 50.0;
const DN_BUDGET_NS: f64 = 50_000.0;
const MEMORY_BUDGET_PERCENT: f64 = 5.0;

/// Bytes of one kind of file in a bundle: raw, gzip -9, brotli -q 11 (the precompressed siblings).
#[derive(Clone, Copy, Default)]
struct Size {
    raw: u64,
    gzip: u64,
    brotli: u64,
}

impl std::ops::Add for Size {
    type Output = Size;
    fn add(self, other: Size) -> Size {
        Size {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The files of `dist` ending in `.{extension}`, their compressed siblings alongside.
fn size_of(dist: &Path, extension: &str) -> Size {
    std::fs::read_dir(dist)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| {
            let sibling = |suffix: &str| {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                file_size(&PathBuf::from(name))
            };
            Size {
                raw: file_size(&path),
                gzip: sibling(".gz"),
                brotli: sibling(".br"),
            }
        })
        .fold(Size::default(), |a, b| a + b)
}

fn median(values: &mut [f64]) -> f64 {
    percentile(values, 0.5)
}

/// Nearest-rank percentile.
fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect()
}

/// The ten largest functions of the portal's wasm before wasm-bindgen and wasm-opt (names still there).
fn largest_contributors(root: &Path) -> Vec<String> {
    if output_of(Command::new("twiggy").arg("--version")).is_none()
        && run(Command::new("cargo").args(["install", "twiggy", "--locked"])).is_err()
    {
        return vec!["(twiggy could not be installed from crates.io)".into()];
    }
    let wasm = bundle::target_dir(root).join("wasm32-unknown-unknown/release/certportal.wasm");
    // The name section and wasm-bindgen's own section are gone from the shipped file: not contributors.
    output_of(Command::new("twiggy").args(["top", "-n", "12"]).arg(&wasm))
        .map(|table| {
            table
                .lines()
                .filter(|line| !line.contains("subsection") && !line.contains("custom section"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_else(|| vec![format!("(twiggy could not read {})", wasm.display())])
}

/// `(name, ns per call)` of each validator, from criterion's bencher-style output.
fn validator_costs(root: &Path) -> Result<Vec<(String, f64)>, String> {
    let output = cargo(root)
        .args(["bench", "-p", "certportal", "--bench", "validators", "--"])
        .args([
            "--output-format",
            "bencher",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "2",
        ])
        .output()
        .map_err(|e| format!("cannot run the validator benchmark: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    // `test distinguished name, 10 RDNs ... bench:        4,102 ns/iter (+/- 35)`
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.strip_prefix("test ")?.split_once(" ... bench:")?;
            let ns: String = rest
                .split_whitespace()
                .next()?
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            Some((name.trim().to_owned(), ns.parse().ok()?))
        })
        .collect())
}

/// The browser measurements (e2e/bench/run.mjs): its last stdout line is a JSON object.
fn browser_measurements(root: &Path, dist: &Path, smoke: bool) -> Result<Value, String> {
    let sim = bundle::target_dir(root).join("debug/kf-sim");
    let e2e = root.join("e2e");
    let output = Command::new("node")
        .arg(e2e.join("bench/run.mjs"))
        .current_dir(&e2e)
        .env("KF_SIM_BIN", &sim)
        .env("PORTAL_DIST", dist)
        .env("BENCH_MODE", if smoke { "smoke" } else { "full" })
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run e2e/bench/run.mjs: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("e2e/bench/run.mjs failed ({})", output.status));
    }
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| format!("e2e/bench/run.mjs printed no result: {e}"))
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "within budget"
    } else {
        "OVER BUDGET"
    }
}

/// `portal_dist`: a release bundle for `/` built earlier in the same run (`cargo xtask test`), else built here.
pub fn bench(root: &Path, smoke: bool, portal_dist: Option<&Path>) -> Result<(), String> {
    let dist = match portal_dist {
        Some(dist) => dist.to_path_buf(),
        None => bundle::release(root, "/")?,
    };
    let floor = bundle::build(
        root,
        Path::new("bench/floor/index.html"),
        "/",
        &bundle::target_dir(root).join("bench/floor-dist"),
    )?;
    run(cargo(root).args(["build", "-p", "kf-sim"]))?;

    println!("\n## Bundle (release build; raw / gzip -9 / brotli -q 11)");
    println!(
        "{:<22} {:>12} {:>12} {:>12}",
        "file", "raw", "gzip", "brotli"
    );
    let mut rows = Vec::new();
    for (label, bundle_dir) in [("portal", &dist), ("floor", &floor)] {
        for extension in ["wasm", "js", "css", "html"] {
            let size = size_of(bundle_dir, extension);
            if size.raw > 0 {
                println!(
                    "{:<22} {:>12} {:>12} {:>12}",
                    format!("{label} {extension}"),
                    size.raw,
                    size.gzip,
                    size.brotli
                );
            }
            rows.push((label, extension, size));
        }
    }
    let code = |label: &str| {
        rows.iter()
            .filter(|(l, e, _)| *l == label && matches!(*e, "wasm" | "js"))
            .fold(Size::default(), |a, (_, _, s)| a + *s)
    };
    let (portal_code, floor_code) = (code("portal"), code("floor"));
    let bundle_ratio = portal_code.brotli as f64 / floor_code.brotli as f64;
    println!(
        "wasm+JS brotli: portal {} / floor {} = {bundle_ratio:.2}× (budget {BUNDLE_BUDGET}×: {})",
        kib(portal_code.brotli),
        kib(floor_code.brotli),
        verdict(bundle_ratio <= BUNDLE_BUDGET)
    );

    let mut summary = vec![format!("bundle {bundle_ratio:.2}× floor")];
    if !smoke {
        println!("\n## Largest contributors (twiggy top, wasm before wasm-opt)");
        for line in largest_contributors(root) {
            println!("{line}");
        }
        println!("\n## Validator cost per keystroke (criterion, native)");
        for (name, ns) in validator_costs(root)? {
            println!("{name:<36} {ns:>10.0} ns");
            if name.starts_with("distinguished name") {
                summary.push(format!("DN 10 RDNs {:.1} µs", ns / 1000.0));
                println!(
                    "{:<36} budget {} µs: {}",
                    "",
                    DN_BUDGET_NS / 1000.0,
                    verdict(ns < DN_BUDGET_NS)
                );
            }
        }
    }

    let browser = browser_measurements(root, &dist, smoke)?;
    let mut portal = numbers(&browser["startup"]["portal"]);
    let mut plain = numbers(&browser["startup"]["static"]);
    let (portal_median, plain_median) = (median(&mut portal), median(&mut plain));
    let startup_ratio = portal_median / plain_median;
    println!(
        "\n## Start-up (navigation → app-ready, {} cold load(s), cache disabled)",
        portal.len()
    );
    println!(
        "portal  median {portal_median:.0} ms, p90 {:.0} ms",
        percentile(&mut portal, 0.9)
    );
    println!(
        "static  median {plain_median:.0} ms, p90 {:.0} ms",
        percentile(&mut plain, 0.9)
    );
    println!(
        "ratio of medians {startup_ratio:.2}× (budget {STARTUP_BUDGET}×: {})",
        verdict(startup_ratio <= STARTUP_BUDGET)
    );
    summary.push(format!("start-up {startup_ratio:.2}× static"));

    if !smoke {
        println!("\n## API requests per task (counted by the simulator)");
        for (task, label) in [
            ("oneClickReplace", "one-click renewal + Replace (2 stores)"),
            ("seeded", "seeded renewal (v25)"),
            (
                "bulkOfTen",
                "bulk renewal of 10 + Replace (list, plan, run; job polling not counted)",
            ),
            ("reenrollment60s", "reenrollment, job of 60 s"),
        ] {
            let counted = &browser["requests"][task];
            println!("{label:<40} {:>4} in all", counted["total"]);
            for (kind, n) in counted["kinds"].as_object().into_iter().flatten() {
                println!("    {n:>4}  {kind}");
            }
        }
        let bulk = &browser["requests"]["bulkOfTen"];
        println!("bulk run outcome: {}", bulk["summary"]);
        summary.push(format!("bulk of 10 {} requests", bulk["total"]));
        let history =
            &browser["requests"]["reenrollment60s"]["kinds"]["GET /OrchestratorJobs/JobHistory"];
        let after = &browser["requests"]["afterLeaving"];
        println!("after leaving a page that polls, in 15 s: {after} (must be 0)");
        summary.push(format!("JobHistory for a 60 s job {history}"));
        summary.push(format!("after leaving {after}"));

        let longest = browser["longestTask"]["typing"]
            .as_f64()
            .unwrap_or(0.0)
            .max(
                browser["longestTask"]["reenrollment"]
                    .as_f64()
                    .unwrap_or(0.0),
            );
        println!(
            "\n## Longest task while typing into both forms and while a job is polled: {longest:.0} ms (budget {LONG_TASK_BUDGET_MS} ms: {})",
            verdict(longest <= LONG_TASK_BUDGET_MS)
        );
        summary.push(format!("longest task {longest:.0} ms"));

        let memory = &browser["memory"];
        let growth = |key: &str| {
            let (before, after) = (
                memory["before"][key].as_f64().unwrap_or(f64::NAN),
                memory["after"][key].as_f64().unwrap_or(f64::NAN),
            );
            (before, after, (after - before) / before * 100.0)
        };
        println!("\n## Memory over 1,000 polling cycles (after a forced GC)");
        for (key, label) in [("wasm", "wasm linear memory"), ("js", "JS heap")] {
            let (before, after, percent) = growth(key);
            println!(
                "{label:<20} {} → {}  {percent:+.1} % (budget {MEMORY_BUDGET_PERCENT} %: {})",
                kib(before as u64),
                kib(after as u64),
                verdict(percent < MEMORY_BUDGET_PERCENT)
            );
            summary.push(format!("{label} {percent:+.1} %"));
        }
    }
    println!("\nbench: {}", summary.join(" · "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut values = vec![5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 8.0, 7.0, 9.0];
        assert_eq!(median(&mut values), 5.0);
        assert_eq!(percentile(&mut values, 0.9), 9.0);
        assert_eq!(median(&mut [42.0]), 42.0);
        assert!(median(&mut []).is_nan());
    }
}
