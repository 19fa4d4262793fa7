//! Running commands, streaming their output, and tallying the tests they report.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// A `cargo` command in the workspace root, with the caller's environment (CARGO_TARGET_DIR included).
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root);
    command
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command with inherited output; an error names the command.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Runs a command and returns its trimmed stdout, or None when it cannot run or fails.
pub fn output_of(command: &mut Command) -> Option<String> {
    let output = command.stderr(Stdio::null()).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs a command, echoing its output line by line, and returns (success, all lines).
fn run_streaming(command: &mut Command) -> (bool, Vec<String>) {
    println!("\n==> {}", describe(command));
    let mut child = match command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return (false, vec![format!("cannot start: {e}")]),
    };
    let (tx, rx) = mpsc::channel();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|stream| {
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                println!("{line}");
                let _ = tx.send(line);
            }
        })
    })
    .collect();
    drop(tx);
    let lines: Vec<String> = rx.iter().collect();
    for reader in readers {
        let _ = reader.join();
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, lines)
}

/// Sums `test result: ok. N passed; M failed` lines (cargo test, nextest-compatible, wasm-bindgen-test).
fn cargo_counts(lines: &[String]) -> (u32, u32) {
    let number_before = |line: &str, word: &str| -> u32 {
        line.split([';', '.', ','])
            .find_map(|part| {
                part.trim()
                    .strip_suffix(word)
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(0)
    };
    lines
        .iter()
        .filter(|line| line.starts_with("test result:"))
        .fold((0, 0), |(p, f), line| {
            (
                p + number_before(line, "passed"),
                f + number_before(line, "failed"),
            )
        })
}

pub struct Outcome {
    name: String,
    ok: bool,
    passed: u32,
    failed: u32,
    elapsed: Duration,
    note: String,
}

#[derive(Default)]
pub struct TestTally {
    outcomes: Vec<Outcome>,
}

impl TestTally {
    /// Runs one step to completion, whatever happened before, and records its tests.
    pub fn step(&mut self, name: &str, command: &mut Command) {
        let started = Instant::now();
        let (ok, lines) = run_streaming(command);
        let (passed, failed) = cargo_counts(&lines);
        self.outcomes.push(Outcome {
            name: name.into(),
            ok,
            passed,
            failed,
            elapsed: started.elapsed(),
            note: String::new(),
        });
    }

    /// Runs a step done in this process (not a command) and records whether it succeeded.
    pub fn check(&mut self, name: &str, step: impl FnOnce() -> Result<(), String>) {
        let started = Instant::now();
        let result = step();
        if let Err(message) = &result {
            eprintln!("{name}: {message}");
        }
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: result.is_ok(),
            passed: 0,
            failed: 0,
            elapsed: started.elapsed(),
            note: result.err().unwrap_or_default(),
        });
    }

    pub fn record_failure(&mut self, name: &str, message: &str) {
        eprintln!("{name}: {message}");
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: false,
            passed: 0,
            failed: 0,
            elapsed: Duration::ZERO,
            note: message.into(),
        });
    }

    /// The browser end-to-end suite, as two Playwright runs side by side (the tests mostly wait on the browser
    /// and the simulators, so two runs share the machine's cores well): the fault matrix, and everything else.
    /// Each run starts the simulators its config names on ports of its own (`E2E_PORT_BASE`), so the two never
    /// share a simulator's state. Returns the folder where both recorded every API exchange, for the contract
    /// check.
    pub fn playwright(
        &mut self,
        e2e: &Path,
        sim: &Path,
        dist: &Path,
        sub_path_dist: &Path,
    ) -> PathBuf {
        let results_dir =
            std::env::var("E2E_RESULTS_DIR").unwrap_or_else(|_| "test-results".into());
        let port_base: u16 = std::env::var("E2E_PORT_BASE")
            .ok()
            .and_then(|base| base.parse().ok())
            .unwrap_or(18089);
        let recordings = e2e.join(&results_dir).join("contract");
        let _ = std::fs::remove_dir_all(&recordings);
        let run = |results: &str, port_base: u16, selection: &[&str]| {
            let _ = std::fs::remove_file(e2e.join(results).join("results.json"));
            let mut command = Command::new("node");
            command
                .arg(e2e.join("node_modules/@playwright/test/cli.js"))
                .arg("test")
                .args(selection)
                .current_dir(e2e)
                .env("KF_SIM_BIN", sim)
                .env("PORTAL_DIST", dist)
                .env("PORTAL_DIST_SUB_PATH", sub_path_dist)
                .env("E2E_CONTRACT_DIR", &recordings)
                .env("E2E_RESULTS_DIR", results)
                .env("E2E_PORT_BASE", port_base.to_string());
            command
        };
        let matrix_results = format!("{results_dir}-fault-matrix");
        let mut matrix = run(
            &matrix_results,
            port_base + 100,
            &["tests/faults.spec.mjs", "--project", "recorded"],
        );
        let mut rest = run(&results_dir, port_base, &["--grep-invert", "fault matrix"]);
        let started = Instant::now();
        // The matrix's output is printed once the rest is done, not interleaved with it.
        let matrix = thread::spawn(move || {
            let output = matrix.output();
            (output, started.elapsed())
        });
        let (rest_ok, _) = run_streaming(&mut rest);
        self.push_playwright_outcome(
            "end-to-end (Playwright)",
            e2e,
            &results_dir,
            rest_ok,
            started.elapsed(),
        );
        let (matrix_output, matrix_elapsed) = matrix.join().unwrap_or_else(|_| {
            (
                Err(std::io::Error::other("the fault matrix's thread panicked")),
                started.elapsed(),
            )
        });
        let matrix_ok = match matrix_output {
            Ok(output) => {
                println!("\n==> the fault matrix (tests/faults.spec.mjs), run beside the rest");
                print!("{}", String::from_utf8_lossy(&output.stdout));
                eprint!("{}", String::from_utf8_lossy(&output.stderr));
                output.status.success()
            }
            Err(e) => {
                eprintln!("the fault matrix could not start: {e}");
                false
            }
        };
        self.push_playwright_outcome(
            "end-to-end fault matrix",
            e2e,
            &matrix_results,
            matrix_ok,
            matrix_elapsed,
        );
        recordings
    }

    fn push_playwright_outcome(
        &mut self,
        name: &str,
        e2e: &Path,
        results_dir: &str,
        ok: bool,
        elapsed: Duration,
    ) {
        let report = e2e.join(results_dir).join("results.json");
        let (passed, failed, note) = match playwright_counts(&report) {
            Some((passed, failed)) => (passed, failed, String::new()),
            None => (0, 0, format!("no report at {}", report.display())),
        };
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: ok && failed == 0 && passed > 0,
            passed,
            failed,
            elapsed,
            note,
        });
    }

    /// Prints the table and the closing line; fails when any step failed.
    pub fn finish(self) -> Result<(), String> {
        println!(
            "\n{:<34} {:>7} {:>7} {:>8}  result",
            "step", "passed", "failed", "seconds"
        );
        for o in &self.outcomes {
            println!(
                "{:<34} {:>7} {:>7} {:>8.1}  {}{}",
                o.name,
                o.passed,
                o.failed,
                o.elapsed.as_secs_f64(),
                if o.ok { "ok" } else { "FAILED" },
                if o.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", o.note)
                }
            );
        }
        let passed: u32 = self.outcomes.iter().map(|o| o.passed).sum();
        let failed: u32 = self.outcomes.iter().map(|o| o.failed).sum();
        // A failed step that reported no failing test (fmt, clippy, a crash) still counts as one failure.
        let failed = failed
            + self
                .outcomes
                .iter()
                .filter(|o| !o.ok && o.failed == 0)
                .count() as u32;
        let failed_steps: Vec<&str> = self
            .outcomes
            .iter()
            .filter(|o| !o.ok)
            .map(|o| o.name.as_str())
            .collect();
        println!("\ntests: {passed} passed, {failed} failed");
        if failed_steps.is_empty() {
            Ok(())
        } else {
            Err(format!("failed: {}", failed_steps.join(", ")))
        }
    }
}

/// Reads Playwright's JSON report stats: (expected + flaky, unexpected).
fn playwright_counts(report: &Path) -> Option<(u32, u32)> {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).ok()?).ok()?;
    let stat = |key: &str| report["stats"][key].as_u64().map(|n| n as u32);
    Some((
        stat("expected")? + stat("flaky").unwrap_or(0),
        stat("unexpected")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_cargo_test_result_lines() {
        let lines: Vec<String> = [
            "running 3 tests",
            "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "test result: FAILED. 5 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(cargo_counts(&lines), (8, 2));
    }
}
