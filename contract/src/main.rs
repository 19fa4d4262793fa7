//! `kf-contract <dir>`: checks every exchange the e2e run recorded (`<dir>/command-<major>.jsonl`, written by
//! e2e/tests/fixtures.mjs) against Keyfactor's OpenAPI specs; prints what was checked per Command version and
//! every violation, and fails if there is one, or if nothing was recorded at all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;

use kf_contract::{Contract, Exchange, Flavour};

/// What one Command version's recordings came to.
#[derive(Default)]
struct Tally {
    requests: usize,
    kinds: BTreeSet<String>,
    responses: usize,
    uncovered: BTreeSet<String>,
    /// (kind, message) → the first test that showed it.
    violations: BTreeMap<(String, String), String>,
    /// (kind, note) → the first test that showed it: passes, but stays visible.
    notes: BTreeMap<(String, String), String>,
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: kf-contract <directory of command-<major>.jsonl recordings>");
        return ExitCode::from(2);
    };
    match check_dir(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kf-contract: {message}");
            ExitCode::FAILURE
        }
    }
}

fn check_dir(dir: &Path) -> Result<(), String> {
    let mut files: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| format!("no recordings in {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let major = name.strip_prefix("command-")?.strip_suffix(".jsonl")?;
            Some((major.parse().ok()?, entry.path()))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no command-<major>.jsonl recordings in {}",
            dir.display()
        ));
    }
    let mut contract = Contract::new();
    let mut tallies = BTreeMap::new();
    for (major, file) in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let tally: &mut Tally = tallies.entry(*major).or_default();
        for (number, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let exchange: Exchange = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", file.display(), number + 1))?;
            let verdict = contract.check(*major, &exchange);
            tally.requests += 1;
            tally.responses += usize::from(verdict.response_checked);
            if verdict.spec.is_none() {
                tally.uncovered.insert(verdict.key.clone());
            }
            for message in verdict.violations {
                tally
                    .violations
                    .entry((verdict.key.clone(), message))
                    .or_insert_with(|| exchange.test.clone());
            }
            for note in verdict.notes {
                tally
                    .notes
                    .entry((verdict.key.clone(), note))
                    .or_insert_with(|| exchange.test.clone());
            }
            tally.kinds.insert(verdict.key);
        }
    }

    println!("\nContract check against Keyfactor's OpenAPI specs");
    println!(
        "{:<12} {:<10} {:>9} {:>15} {:>10} {:>14} {:>11}",
        "Command",
        "rules",
        "requests",
        "distinct kinds",
        "responses",
        "not in a spec",
        "violations"
    );
    for (major, tally) in &tallies {
        println!(
            "{:<12} {:<10} {:>9} {:>15} {:>10} {:>14} {:>11}",
            format!("v{major}"),
            Flavour::of_major(*major).label(),
            tally.requests,
            tally.kinds.len(),
            tally.responses,
            tally.uncovered.len(),
            tally.violations.len()
        );
    }
    let mut failed = false;
    for (major, tally) in &tallies {
        for kind in tally.kinds.difference(&tally.uncovered) {
            println!("  v{major}: checked {kind}");
        }
        for kind in &tally.uncovered {
            println!("  v{major}: in no spec here, checked for headers, query fields and status only: {kind}");
        }
        for ((kind, note), test) in &tally.notes {
            println!("  v{major} note {kind}\n      {note}\n      (first seen in: {test})");
        }
        for ((kind, message), test) in &tally.violations {
            failed = true;
            println!("  v{major} VIOLATION {kind}\n      {message}\n      (first seen in: {test})");
        }
    }
    if failed {
        Err("requests or answers outside Keyfactor's spec (listed above)".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_recorded_is_a_failure_not_a_pass() {
        let dir = std::env::temp_dir().join(format!("kf-contract-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(check_dir(&dir)
            .unwrap_err()
            .contains("no command-<major>.jsonl"));
        assert!(check_dir(&dir.join("missing")).is_err());

        std::fs::write(
            dir.join("command-10.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"ReturnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"}}"#,
        )
        .unwrap();
        assert!(
            check_dir(&dir).is_err(),
            "a v11+ spelling on Command 10 fails the run"
        );
        std::fs::write(
            dir.join("command-10.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"pq.returnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"}}"#,
        )
        .unwrap();
        assert_eq!(check_dir(&dir), Ok(()));

        // Command 11–24 recordings are checked v12-style: unprefixed names, as on 25.
        std::fs::write(
            dir.join("command-12.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"pq.returnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"}}"#,
        )
        .unwrap();
        assert!(
            check_dir(&dir).is_err(),
            "a v10 spelling on Command 12 fails the run"
        );
        std::fs::write(
            dir.join("command-12.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"ReturnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"},"status":200,"response":[],"wire":"recorded"}"#,
        )
        .unwrap();
        assert_eq!(check_dir(&dir), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
