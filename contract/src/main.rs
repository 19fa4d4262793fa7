//! `kf-contract <dir> [--allow-list <file>]`: checks every exchange the e2e run recorded
//! (`<dir>/command-<major>.jsonl`, written by e2e/tests/fixtures.mjs) against Keyfactor's OpenAPI specs, and
//! against the proxy's allow-list (deploy/nginx/certportal-allowlist.conf unless `--allow-list` names
//! another): every request must be allowed, every entry must allow a request. Prints what was checked per
//! Command version and every violation, and fails if there is one, or if nothing was recorded at all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;

use kf_contract::allowlist::{AllowList, AllowListCheck};
use kf_contract::{Contract, Exchange, Flavour};

/// The allow-list the deployment ships, checked unless `--allow-list` names another file.
const SHIPPED_ALLOW_LIST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../deploy/nginx/certportal-allowlist.conf"
);
const USAGE: &str = "usage: kf-contract <directory of command-<major>.jsonl recordings> [--allow-list <nginx map file>]";

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, allow_list) = match args.as_slice() {
        [dir] => (dir, SHIPPED_ALLOW_LIST),
        [dir, flag, file] if flag == "--allow-list" => (dir, file.as_str()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let allow_list = match std::fs::read_to_string(allow_list)
        .map_err(|e| e.to_string())
        .and_then(|text| AllowList::parse(&text))
    {
        Ok(list) => (allow_list, list),
        Err(message) => {
            eprintln!("kf-contract: {allow_list}: {message}");
            return ExitCode::FAILURE;
        }
    };
    match check_dir(Path::new(dir), Some((allow_list.0, &allow_list.1))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kf-contract: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Checks the recordings in `dir` against the specs and, when given, against the proxy's allow-list
/// (its file name, for messages, and its entries).
fn check_dir(dir: &Path, allow_list: Option<(&str, &AllowList)>) -> Result<(), String> {
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
    let mut proxy = allow_list.map(|(_, list)| AllowListCheck::new(list));
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
            if let Some(proxy) = proxy.as_mut() {
                proxy.record(&exchange);
            }
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
    let proxy_failures = match (allow_list, &proxy) {
        (Some((file, list)), Some(proxy)) => report_allow_list(file, list, proxy),
        _ => Vec::new(),
    };
    match (failed, proxy_failures.is_empty()) {
        (false, true) => Ok(()),
        (true, true) => Err("requests or answers outside Keyfactor's spec (listed above)".into()),
        (false, false) => Err(format!(
            "the proxy allow-list and the portal's calls disagree:\n  {}",
            proxy_failures.join("\n  ")
        )),
        (true, false) => Err(format!(
            "requests or answers outside Keyfactor's spec (listed above), and the proxy allow-list and the \
             portal's calls disagree:\n  {}",
            proxy_failures.join("\n  ")
        )),
    }
}

/// Prints what each allow-list entry let through and every disagreement; returns the disagreements.
fn report_allow_list(file: &str, list: &AllowList, proxy: &AllowListCheck) -> Vec<String> {
    println!(
        "\nProxy allow-list ({file}): {} entries, {} recorded requests",
        list.entries.len(),
        proxy.requests
    );
    for (entry, hits) in list.entries.iter().zip(&proxy.hits) {
        println!(
            "  line {:>3}  {:<6} {:<60} {:>6} requests  ({})",
            entry.line, entry.method, entry.path, hits, entry.purpose
        );
    }
    let failures = proxy.failures();
    for failure in &failures {
        println!("  ALLOW-LIST {failure}");
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_recorded_is_a_failure_not_a_pass() {
        let dir = std::env::temp_dir().join(format!("kf-contract-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(check_dir(&dir, None)
            .unwrap_err()
            .contains("no command-<major>.jsonl"));
        assert!(check_dir(&dir.join("missing"), None).is_err());

        std::fs::write(
            dir.join("command-10.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"ReturnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"}}"#,
        )
        .unwrap();
        assert!(
            check_dir(&dir, None).is_err(),
            "a v11+ spelling on Command 10 fails the run"
        );
        std::fs::write(
            dir.join("command-10.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"pq.returnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"}}"#,
        )
        .unwrap();
        assert_eq!(check_dir(&dir, None), Ok(()));

        // Command 11–24 recordings are checked v12-style: unprefixed names, as on 25.
        std::fs::write(
            dir.join("command-12.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"pq.returnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"}}"#,
        )
        .unwrap();
        assert!(
            check_dir(&dir, None).is_err(),
            "a v10 spelling on Command 12 fails the run"
        );
        std::fs::write(
            dir.join("command-12.jsonl"),
            r#"{"method":"GET","path":"/KeyfactorAPI/Certificates","query":"ReturnLimit=5","headers":{"x-keyfactor-requested-with":"APIClient"},"status":200,"response":[],"wire":"recorded"}"#,
        )
        .unwrap();
        assert_eq!(check_dir(&dir, None), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_allow_list_fails_the_run_in_both_directions() {
        let dir = std::env::temp_dir().join(format!("kf-contract-allow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let list = AllowList::parse(
            r#"map "$request_method $certportal_api_path" $certportal_api_allowed {
    default 0;
    "~^GET /Status/Endpoints$" 1;  # every page
    "~^GET /Agents$" 1;  # orchestrators
}"#,
        )
        .unwrap();
        let line = |path: &str| {
            format!(
                r#"{{"method":"GET","path":"/KeyfactorAPI{path}","query":null,"headers":{{"x-keyfactor-requested-with":"APIClient"}},"status":200,"response":[],"wire":"recorded"}}"#
            )
        };
        let write = |paths: &[&str]| {
            let lines: Vec<String> = paths.iter().map(|p| line(p)).collect();
            std::fs::write(dir.join("command-25.jsonl"), lines.join("\n")).unwrap();
        };
        write(&["/Status/Endpoints", "/Agents"]);
        assert_eq!(check_dir(&dir, Some(("test list", &list))), Ok(()));

        write(&["/Status/Endpoints"]);
        let error = check_dir(&dir, Some(("test list", &list))).unwrap_err();
        assert!(error.contains("line 4 `GET /Agents`"), "{error}");

        write(&["/Status/Endpoints", "/Agents", "/CertificateStoreTypes"]);
        let error = check_dir(&dir, Some(("test list", &list))).unwrap_err();
        assert!(error.contains("GET /CertificateStoreTypes (1×"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
