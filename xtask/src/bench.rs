//! `cargo xtask bench [--smoke]`: what users and operators feel, as ratios against baselines built and
//! measured in the same run (the machines are shared and noisy, so absolute times alone mean little).
//! Bundle sizes against a floor app, start-up against a static page, requests per task, the longest task,
//! validator cost per keystroke and memory over 2,000 polling cycles. `--smoke` (part of `cargo xtask
//! test`) does the sizes and one load of each page, so the benchmark cannot rot.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::attribution;
use crate::bundle;
use crate::process::{cargo, run};
use crate::split_wasm;

/// The performance budgets (README's Performance table), shown beside each figure.
const BUNDLE_BUDGET: f64 = 6.0;
/// What the renewal page downloads before it is interactive, against the floor app's wasm + JS.
const FIRST_DOWNLOAD_BUDGET: f64 = 3.0;
/// The portal's wasm + JS brotli bytes as committed; more than [`GROWTH_ALLOWED_PERCENT`] over it fails the
/// smoke in `cargo xtask test`, so growth is a decision (write the new figure there) rather than an accident.
const COMMITTED_BUNDLE: &str = "bench/bundle-brotli-bytes.txt";
const GROWTH_ALLOWED_PERCENT: u64 = 5;
const STARTUP_BUDGET: f64 = 2.0;
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
    size_of_files(dist, &format!(".{extension}"))
}

/// The files of `dist` whose names end in `ending`, their compressed siblings alongside.
fn size_of_files(dist: &Path, ending: &str) -> Size {
    std::fs::read_dir(dist)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(ending))
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

/// The main wasm module (wasm-bindgen's `…_bg.wasm`; the pages' modules aside).
fn main_module_size(dist: &Path) -> Size {
    size_of_files(dist, "_bg.wasm")
}

/// The main wasm module's bytes by owner (crate, or the portal's module), then its ten largest items, and
/// what the module would weigh without any code named after the portal, against the floor app's wasm + JS.
fn print_attribution(root: &Path, shipped_wasm: Size, floor_brotli: u64) {
    let items = match attribution::shipped_items(root) {
        Ok(items) => items,
        Err(e) => return println!("(no attribution: {e})"),
    };
    let owners = attribution::by_owner(&items);
    let total: u64 = owners.iter().map(|(_, bytes)| bytes).sum();
    println!(
        "{} of code and data in the main module ({} shipped); names kept in {}",
        kib(total),
        kib(shipped_wasm.raw),
        attribution::named_wasm(root).display()
    );
    for (owner, bytes) in owners.iter().take(24) {
        println!(
            "{:>10} {:>5.1} %  {owner}",
            kib(*bytes),
            100.0 * *bytes as f64 / total as f64
        );
    }
    let portal_share = attribution::portal_share(&owners);
    let without_portal = attribution::brotli_without_portal(portal_share, shipped_wasm.brotli);
    println!(
        "without every item named after the portal ({:.1} % of the raw bytes), the rest (Leptos, std, serde, glue, data) would be about {} brotli: {:.2}× the floor app",
        100.0 * portal_share,
        kib(without_portal as u64),
        without_portal / floor_brotli as f64
    );
    let mut largest: Vec<_> = items
        .iter()
        .filter(|(name, _)| !name.contains("subsection"))
        .collect();
    largest.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    println!("largest items:");
    for (name, bytes) in largest.into_iter().take(10) {
        let short: String = name.chars().take(120).collect();
        println!("{:>10}  {short}", kib(*bytes));
    }
}

/// The median growth of `key` (`wasm` or `js`) from the measurement `from` to `to` (`before`, `warm`, `after`)
/// over `runs`, in percent, and each run's.
fn median_growth(runs: &[Value], key: &str, (from, to): (&str, &str)) -> (f64, String) {
    let mut growths: Vec<f64> = runs
        .iter()
        .map(|run| {
            let before = run[from][key].as_f64().unwrap_or(f64::NAN);
            let after = run[to][key].as_f64().unwrap_or(f64::NAN);
            (after - before) / before * 100.0
        })
        .collect();
    let shown: Vec<String> = growths.iter().map(|g| format!("{g:+.1} %")).collect();
    (median(&mut growths), shown.join(", "))
}

/// The portal built as one module, as without route splitting, and what it would weigh without any item
/// named after the portal's own modules: if that rest, with the JavaScript (`js_brotli`, the split build's),
/// is over the budget on all wasm + JS, no split can meet it (splitting only adds to the sum).
fn print_unsplit(root: &Path, js_brotli: u64, floor_brotli: u64) {
    let measured = split_wasm::unsplit(root).and_then(|(before, shipped)| {
        bundle::brotli_beside(&shipped)?;
        let named = shipped.with_file_name("certportal_named.wasm");
        let items = attribution::named_items(root, &before, &named)?;
        let brotli = file_size(&shipped.with_extension("wasm.br"));
        Ok((file_size(&shipped), brotli, items))
    });
    let (raw, brotli, items) = match measured {
        Ok(measured) => measured,
        Err(e) => return println!("(no unsplit build: {e})"),
    };
    let portal_share = attribution::portal_share(&attribution::by_owner(&items));
    let floor = floor_brotli as f64;
    let whole = (brotli + js_brotli) as f64;
    println!(
        "one module {} raw, {} brotli; with the JavaScript {}: {:.2}× the floor app",
        kib(raw),
        kib(brotli),
        kib(whole as u64),
        whole / floor
    );
    let rest = attribution::brotli_without_portal(portal_share, brotli) + js_brotli as f64;
    println!(
        "without every item named after the portal ({:.1} % of the raw bytes), about {}: {:.2}× the floor app (budget on everything {BUNDLE_BUDGET}×)",
        100.0 * portal_share,
        kib(rest as u64),
        rest / floor
    );
}

/// Where start-up's time goes, portal beside floor app: the median of each phase's end over the cold loads;
/// and what the portal's bytes alone cost against the static page (`static_median`): its wasm in and
/// instantiated, then a start and first render no dearer than the floor app's.
fn print_startup_phases(phases: &Value, static_median: f64) {
    const PHASES: [(&str, &str); 5] = [
        ("html", "the page's HTML in"),
        ("wasmRequested", "the wasm asked for"),
        ("wasmArrived", "the wasm in"),
        ("instantiated", "the wasm compiled and instantiated"),
        ("ready", "app-ready (Rust started, config, first render)"),
    ];
    // The median over the loads of `to − from` (of `to` alone when `from` is None).
    let gap = |app: &str, from: Option<&str>, to: &str| {
        let mut values: Vec<f64> = phases[app]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|load| {
                Some(load[to].as_f64()? - from.map_or(Some(0.0), |f| load[f].as_f64())?)
            })
            .collect();
        median(&mut values)
    };
    let phase = |app: &str, key: &str| gap(app, None, key);
    println!(
        "{:<50} {:>8} {:>10}",
        "where the time goes (median ms after navigation)", "portal", "floor app"
    );
    for (key, label) in PHASES {
        println!(
            "{label:<50} {:>8.0} {:>10.0}",
            phase("portal", key),
            phase("floor", key)
        );
    }
    for app in ["portal", "floor"] {
        println!(
            "{app}: wasm in → instantiated {:.0} ms, instantiated → app-ready {:.0} ms",
            gap(app, Some("wasmArrived"), "instantiated"),
            gap(app, Some("instantiated"), "ready")
        );
    }
    let bytes_alone = phase("portal", "instantiated") + gap("floor", Some("instantiated"), "ready");
    println!(
        "the portal's bytes alone (its wasm instantiated, then the floor app's start): {bytes_alone:.0} ms = {:.2}× static",
        bytes_alone / static_median
    );
}

/// Brotli bytes each page fetched (e2e/bench/run.mjs follows every navigation link after a cold load of the
/// renewal page), file by file; returns the first load's ratio to the floor app's wasm + JS.
fn print_downloads_per_page(dist: &Path, downloads: &Value, floor_brotli: u64) -> f64 {
    println!("\n## What each page downloads (wasm + JS, brotli; pages opened in turn from the navigation)");
    let brotli = |name: &str| file_size(&dist.join(format!("{name}.br")));
    let mut first = f64::NAN;
    for (order, visit) in downloads.as_array().into_iter().flatten().enumerate() {
        let (page, files) = (visit[0].as_str().unwrap_or_default(), &visit[1]);
        let names: Vec<&str> = files
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let bytes: u64 = names.iter().map(|name| brotli(name)).sum();
        let ratio = bytes as f64 / floor_brotli as f64;
        if order == 0 {
            first = ratio;
            println!(
                "{page:<34} {:>10} = {ratio:.2}× floor (budget {FIRST_DOWNLOAD_BUDGET}×: {})",
                kib(bytes),
                verdict(ratio <= FIRST_DOWNLOAD_BUDGET)
            );
        } else {
            println!("{page:<34} {:>10}", kib(bytes));
        }
        for name in names {
            println!("    {:>10}  {name}", kib(brotli(name)));
        }
    }
    first
}

/// The committed figure: the file's first line that is not a `#` comment.
fn committed_bundle(root: &Path) -> Result<u64, String> {
    let path = root.join(COMMITTED_BUNDLE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .and_then(|line| line.parse().ok())
        .ok_or_else(|| format!("{} holds no byte count", path.display()))
}

fn within_committed_growth(committed: u64, now: u64) -> Result<(), String> {
    if now * 100 <= committed * (100 + GROWTH_ALLOWED_PERCENT) {
        return Ok(());
    }
    let growth = 100.0 * (now as f64 / committed as f64 - 1.0);
    Err(format!(
        "the portal's wasm+JS grew from {committed} to {now} bytes brotli ({growth:+.1} %, allowed \
         {GROWTH_ALLOWED_PERCENT} %): `cargo xtask bench` shows where the bytes are; if the growth is \
         wanted, write {now} into {COMMITTED_BUNDLE}"
    ))
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
fn browser_measurements(
    root: &Path,
    dist: &Path,
    floor: &Path,
    smoke: bool,
) -> Result<Value, String> {
    let sim = bundle::target_dir(root).join("debug/kf-sim");
    let e2e = root.join("e2e");
    let output = Command::new("node")
        .arg(e2e.join("bench/run.mjs"))
        .current_dir(&e2e)
        .env("KF_SIM_BIN", &sim)
        .env("PORTAL_DIST", dist)
        .env("FLOOR_DIST", floor)
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

    let committed = committed_bundle(root)?;
    println!(
        "portal wasm+JS brotli {} bytes, committed {committed} ({COMMITTED_BUNDLE})",
        portal_code.brotli
    );
    within_committed_growth(committed, portal_code.brotli)?;
    let mut summary = vec![format!("bundle {bundle_ratio:.2}× floor")];
    if !smoke {
        println!("\n## Where the first download's wasm bytes are (twiggy, main module, by crate and portal module, raw)");
        print_attribution(root, main_module_size(&dist), floor_code.brotli);
        println!("\n## Without route splitting (the whole portal one wasm module, for the budget on everything)");
        print_unsplit(root, size_of(&dist, "js").brotli, floor_code.brotli);
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

    let browser = browser_measurements(root, &dist, &floor, smoke)?;
    let first = print_downloads_per_page(&dist, &browser["downloads"], floor_code.brotli);
    summary.push(format!("first download {first:.2}× floor"));
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
        let mut floor_starts = numbers(&browser["startup"]["floor"]);
        let floor_median = median(&mut floor_starts);
        println!(
            "floor app median {floor_median:.0} ms: {:.2}× static (any Leptos page's own start-up); the portal {:.2}× the floor app",
            floor_median / plain_median,
            portal_median / floor_median
        );
        summary.push(format!(
            "floor app start-up {:.2}× static",
            floor_median / plain_median
        ));
        print_startup_phases(&browser["startupPhases"], plain_median);
        let mut slow_portal = numbers(&browser["throttled"]["portal"]);
        let mut slow_floor = numbers(&browser["throttled"]["floor"]);
        let (slow_portal, slow_floor) = (median(&mut slow_portal), median(&mut slow_floor));
        println!(
            "\n## Start-up over a slow link (1.6 Mbit/s, 150 ms round trip; median of {} cold loads)",
            numbers(&browser["throttled"]["portal"]).len()
        );
        println!(
            "portal {slow_portal:.0} ms, floor app {slow_floor:.0} ms: {:.2}×",
            slow_portal / slow_floor
        );
        summary.push(format!(
            "slow link {:.1} s ({:.2}× floor)",
            slow_portal / 1000.0,
            slow_portal / slow_floor
        ));

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

        let task = |key: &str| median(&mut numbers(&browser["longestTask"][key]));
        let (typing, polling) = (task("typing"), task("reenrollment"));
        let longest = typing.max(polling);
        println!(
            "\n## Longest task (median of the runs: {})",
            numbers(&browser["longestTask"]["typing"]).len()
        );
        println!(
            "while typing into both forms {typing:.0} ms, while a job is polled {polling:.0} ms (budget {LONG_TASK_BUDGET_MS} ms: {})",
            verdict(longest <= LONG_TASK_BUDGET_MS)
        );
        println!(
            "start-up (compiling the wasm, the first render; counted in start-up above) {:.0} ms",
            task("startup")
        );
        summary.push(format!("longest task {longest:.0} ms"));

        let runs = browser["memory"].as_array().cloned().unwrap_or_default();
        let plain = browser["plainPollingMemory"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        println!(
            "\n## Memory over polling cycles 100 ms apart (after a forced GC; median of {} runs)",
            runs.len()
        );
        println!("the first 1,000 include the warm-up (wasm code tiered up, optimised JS, the resource timing buffer filling); the budget holds for the next 1,000, where a leak would show");
        for (key, label) in [("wasm", "wasm linear memory"), ("js", "JS heap")] {
            let (warming, warming_runs) = median_growth(&runs, key, ("before", "warm"));
            let (steady, steady_runs) = median_growth(&runs, key, ("warm", "after"));
            println!(
                "{label:<20} polls 20→1,020 {warming:+.1} % (runs: {warming_runs}); polls 1,020→2,020 {steady:+.1} % (runs: {steady_runs}; budget {MEMORY_BUDGET_PERCENT} %: {})",
                verdict(steady < MEMORY_BUDGET_PERCENT)
            );
            summary.push(format!("{label} {warming:+.1} % then {steady:+.1} %"));
        }
        let (warming, warming_runs) = median_growth(&plain, "js", ("before", "warm"));
        let (steady, steady_runs) = median_growth(&plain, "js", ("warm", "after"));
        println!(
            "the browser's own: JS heap of a plain page polling the same way (fetch, no wasm) {warming:+.1} % (runs: {warming_runs}), then {steady:+.1} % (runs: {steady_runs})"
        );
        summary.push(format!(
            "plain polling page's JS heap {warming:+.1} % then {steady:+.1} %"
        ));
    }
    println!("\nbench: {}", summary.join(" · "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_may_grow_five_percent_over_the_committed_figure() {
        assert!(within_committed_growth(100_000, 90_000).is_ok());
        assert!(within_committed_growth(100_000, 105_000).is_ok());
        let refused = within_committed_growth(100_000, 105_200).unwrap_err();
        assert!(refused.contains("+5.2 %"), "{refused}");
        assert!(
            refused.contains("write 105200 into bench/bundle-brotli-bytes.txt"),
            "{refused}"
        );
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut values = vec![5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 6.0, 8.0, 7.0, 9.0];
        assert_eq!(median(&mut values), 5.0);
        assert_eq!(percentile(&mut values, 0.9), 9.0);
        assert_eq!(median(&mut [42.0]), 42.0);
        assert!(median(&mut []).is_nan());
    }
}
