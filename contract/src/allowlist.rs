//! The proxy's allow-list (`deploy/nginx/certportal-allowlist.conf`, an nginx `map` of `METHOD path-regex`
//! entries) against the requests the portal sent in the e2e run: every request must be allowed by an
//! entry (or nginx would refuse a call the portal makes), and every entry must allow a request (or the
//! proxy passes on an operation the portal never uses). The regexes are read as nginx reads them (PCRE);
//! entries are held to a subset both engines read alike: anchored, case-sensitive, one method each.

use std::collections::BTreeMap;

use regex::bytes::{Regex, RegexBuilder};

use crate::Exchange;

/// The map the API location consults (`if ($certportal_api_allowed != 1) { return 403 … }`).
const RESULT_VARIABLE: &str = "$certportal_api_allowed";
/// What the map's entries are matched against: the method, a space, the path after the API base.
const SOURCE: &str = "\"$request_method $certportal_api_path\"";
/// Where the path of a recorded request starts, as in the contract check.
const API_ROOT: &str = "/KeyfactorAPI";
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// One `"~^METHOD path-regex$" 1;  # what uses it` line.
#[derive(Debug)]
pub struct AllowEntry {
    /// 1-based line in the file.
    pub line: usize,
    pub method: String,
    /// The regex of the path, as written (`/Certificates/[0-9]{1,10}`, without the anchors).
    pub path: String,
    /// The line's comment: which portal feature uses it.
    pub purpose: String,
    regex: Regex,
}

/// The parsed allow-list.
#[derive(Debug)]
pub struct AllowList {
    pub entries: Vec<AllowEntry>,
}

impl AllowList {
    /// Reads the `map "$request_method $certportal_api_path" $certportal_api_allowed { … }` block of an
    /// nginx configuration file; anything in it that is not `default 0;` or a well-formed entry is an
    /// error, so the file cannot say more than this check understands.
    pub fn parse(text: &str) -> Result<Self, String> {
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|line| {
                let code = strip_comment(line).trim();
                code.starts_with("map ") && code.contains(RESULT_VARIABLE)
            })
            .ok_or(format!("no `map … {RESULT_VARIABLE} {{` block"))?;
        let header = strip_comment(lines[start]).trim();
        let expected = format!("map {SOURCE} {RESULT_VARIABLE} {{");
        if header.split_whitespace().collect::<Vec<_>>()
            != expected.split_whitespace().collect::<Vec<_>>()
        {
            return Err(format!(
                "line {}: the allow-list map must read `{expected}` (entries are matched against the \
                 method, a space and the path after the API base)",
                start + 1
            ));
        }
        let mut entries = Vec::new();
        let mut default_seen = false;
        for (index, raw) in lines.iter().enumerate().skip(start + 1) {
            let number = index + 1;
            let code = strip_comment(raw).trim();
            if code.is_empty() {
                continue;
            }
            if code == "}" {
                if !default_seen {
                    return Err(format!(
                        "line {number}: the allow-list map has no `default 0;`"
                    ));
                }
                if entries.is_empty() {
                    return Err("the allow-list map has no entries".into());
                }
                return Ok(AllowList { entries });
            }
            if code.starts_with("default") {
                if code.split_whitespace().collect::<Vec<_>>() != ["default", "0;"] {
                    return Err(format!(
                        "line {number}: the allow-list's default must be `default 0;` (refuse), not `{code}`"
                    ));
                }
                default_seen = true;
                continue;
            }
            entries.push(parse_entry(raw, number)?);
        }
        Err(format!(
            "the allow-list map opened at line {} is not closed",
            start + 1
        ))
    }

    /// The index of the first entry allowing `METHOD path` (`path` after the API base, no query).
    pub fn allowing(&self, method: &str, path: &str) -> Option<usize> {
        let key = format!("{method} {path}");
        self.entries
            .iter()
            .position(|e| e.regex.is_match(key.as_bytes()))
    }
}

fn parse_entry(raw: &str, number: usize) -> Result<AllowEntry, String> {
    let (code, comment) = raw
        .split_once('#')
        .map_or((raw, ""), |(code, comment)| (code, comment.trim()));
    let code = code.trim();
    let bad = |why: &str| format!("line {number}: {why}: `{}`", raw.trim());
    let rest = code
        .strip_prefix('"')
        .ok_or_else(|| bad("an entry is a quoted regex, \"~^METHOD /path$\""))?;
    let (pattern, value) = rest
        .split_once('"')
        .ok_or_else(|| bad("unterminated quote"))?;
    if value.split_whitespace().collect::<Vec<_>>() != ["1;"] {
        return Err(bad("an entry's value is `1;`"));
    }
    if pattern.starts_with("~*") {
        return Err(bad(
            "case-insensitive entries (~*) would let other spellings of a path through",
        ));
    }
    let anchored = pattern
        .strip_prefix("~^")
        .and_then(|p| p.strip_suffix('$'))
        .ok_or_else(|| bad("an entry is a regex anchored at both ends, \"~^METHOD /path$\""))?;
    let (method, path) = anchored
        .split_once(' ')
        .ok_or_else(|| bad("an entry names one method, a space, then the path"))?;
    if !METHODS.contains(&method) {
        return Err(bad(&format!(
            "{method} is not one HTTP method of {METHODS:?}"
        )));
    }
    if !path.starts_with('/') || path.contains(' ') || path.contains('$') {
        return Err(bad(
            "the path starts with / and holds no space and no inner $",
        ));
    }
    if has_top_level_alternation(path) {
        return Err(bad(
            "a | outside parentheses would unanchor the entry; group alternatives, (a|b)",
        ));
    }
    if comment.is_empty() {
        return Err(bad("say which portal feature uses it in a # comment"));
    }
    // Byte-wise and ASCII classes, as nginx's PCRE reads a pattern without (*UTF).
    let regex = RegexBuilder::new(&format!("^{method} {path}$"))
        .unicode(false)
        .build()
        .map_err(|e| bad(&format!("not a regex this check reads: {e}")))?;
    Ok(AllowEntry {
        line: number,
        method: method.to_owned(),
        path: path.to_owned(),
        purpose: comment.to_owned(),
        regex,
    })
}

/// Whether `|` appears outside any group or class (escapes skipped).
fn has_top_level_alternation(pattern: &str) -> bool {
    let (mut depth, mut in_class, mut chars) = (0usize, false, pattern.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// A line without its `#` comment (the allow-list's regexes contain no `#`).
fn strip_comment(line: &str) -> &str {
    line.split_once('#').map_or(line, |(code, _)| code)
}

/// The path of a recorded request as nginx matches it: after the API base, percent-decoding undone.
/// `None` for a request outside the API.
pub fn api_path(recorded: &str) -> Option<String> {
    let at = recorded.find(API_ROOT)?;
    Some(percent_decode(&recorded[at + API_ROOT.len()..]))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The recorded requests checked against an allow-list, one at a time.
pub struct AllowListCheck<'a> {
    list: &'a AllowList,
    /// Requests each entry allowed.
    pub hits: Vec<usize>,
    /// `METHOD path` the list does not allow → (how many, the first test that sent one).
    pub refused: BTreeMap<String, (usize, String)>,
    pub requests: usize,
}

impl<'a> AllowListCheck<'a> {
    pub fn new(list: &'a AllowList) -> Self {
        Self {
            list,
            hits: vec![0; list.entries.len()],
            refused: BTreeMap::new(),
            requests: 0,
        }
    }

    pub fn record(&mut self, exchange: &Exchange) {
        self.requests += 1;
        let path = api_path(&exchange.path).unwrap_or_else(|| exchange.path.clone());
        match self.list.allowing(&exchange.method, &path) {
            Some(entry) => self.hits[entry] += 1,
            None => {
                self.refused
                    .entry(format!("{} {path}", exchange.method))
                    .or_insert((0, exchange.test.clone()))
                    .0 += 1;
            }
        }
    }

    /// Entries no recorded request matched.
    pub fn unused(&self) -> impl Iterator<Item = &AllowEntry> {
        self.list
            .entries
            .iter()
            .zip(&self.hits)
            .filter(|(_, hits)| **hits == 0)
            .map(|(entry, _)| entry)
    }

    /// One sentence per failure, in both directions; empty when the list and the portal agree.
    pub fn failures(&self) -> Vec<String> {
        let refused = self.refused.iter().map(|(request, (count, test))| {
            format!(
                "{request} ({count}×, first in: {test}) is a call the portal makes, but no allow-list entry \
                 matches it: nginx would refuse it with 403. Add an entry for it."
            )
        });
        let unused = self.unused().map(|entry| {
            format!(
                "line {} `{} {}` ({}) matched no request the portal sent: the proxy would pass on an \
                 operation the portal does not use. Remove it (or test the feature that uses it).",
                entry.line, entry.method, entry.path, entry.purpose
            )
        });
        refused.chain(unused).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"
# a comment before
map $uri $certportal_api_path {
    default "";
    "~^/certs/KeyfactorAPI(?<certportal_rest>/.*)$" $certportal_rest;
}

map "$request_method $certportal_api_path" $certportal_api_allowed {
    default 0;
    "~^GET /Status/Endpoints$"            1;  # every page
    "~^GET /Certificates/[0-9]{1,10}$"    1;  # renewal plan
    "~^POST /Enrollment/Renew$"           1;  # renewal
}
"#;

    fn exchange(method: &str, path: &str) -> Exchange {
        serde_json::from_value(serde_json::json!({
            "test": "a test",
            "method": method,
            "path": path,
        }))
        .unwrap()
    }

    fn check<'a>(list: &'a AllowList, requests: &[(&str, &str)]) -> AllowListCheck<'a> {
        let mut check = AllowListCheck::new(list);
        for (method, path) in requests {
            check.record(&exchange(method, path));
        }
        check
    }

    #[test]
    fn the_shipped_allow_list_parses_and_every_entry_says_what_uses_it() {
        let text = include_str!("../../deploy/nginx/certportal-allowlist.conf");
        let list = AllowList::parse(text).unwrap();
        assert!(list.entries.len() >= 15, "{list:?}");
        assert!(list.entries.iter().all(|e| !e.purpose.is_empty()));
        for (method, path) in [
            ("GET", "/Status/Endpoints"),
            ("GET", "/Certificates/12"),
            (
                "GET",
                "/CertificateStores/0e5f3a43-8e4f-4e8a-9f0a-2b4cbe1f7d0a/Inventory",
            ),
            (
                "GET",
                "/Enrollment/AvailableRenewal/Thumbprint/B67B04831CB7862741206878C8ACE9DA1B80C794",
            ),
            ("POST", "/Enrollment/Renew"),
        ] {
            assert!(list.allowing(method, path).is_some(), "{method} {path}");
        }
        for (method, path) in [
            ("POST", "/Certificates/Analyze"),
            ("POST", "/Certificates/Import"),
            ("GET", "/Security/Roles"),
            ("DELETE", "/Certificates/12"),
            ("GET", "/Certificates/12/Security"),
            ("GET", "/certificates/12"),
            ("GET", "/Status/Endpoints/"),
            ("HEAD", "/Status/Endpoints"),
            ("GET", "/Enrollment/AvailableRenewal/Thumbprint/B67B"),
            ("GET", "/CertificateStores/not-a-guid"),
        ] {
            assert!(list.allowing(method, path).is_none(), "{method} {path}");
        }
    }

    #[test]
    fn a_call_the_portal_makes_that_the_list_does_not_allow_fails() {
        let list = AllowList::parse(LIST).unwrap();
        let check = check(
            &list,
            &[
                ("GET", "/KeyfactorAPI/Status/Endpoints"),
                ("GET", "/certs/KeyfactorAPI/Certificates/5"),
                ("POST", "/KeyfactorAPI/Enrollment/Renew"),
                ("POST", "/KeyfactorAPI/Enrollment/PFX/Replace"),
                ("POST", "/certs/KeyfactorAPI/Enrollment/PFX/Replace"),
            ],
        );
        assert_eq!(check.unused().count(), 0);
        let failures = check.failures();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].starts_with("POST /Enrollment/PFX/Replace (2×, first in: a test)"));
        assert!(failures[0].contains("no allow-list entry matches it"));
    }

    #[test]
    fn an_entry_the_portal_never_uses_fails() {
        let list = AllowList::parse(LIST).unwrap();
        let check = check(
            &list,
            &[
                ("GET", "/KeyfactorAPI/Status/Endpoints"),
                ("POST", "/KeyfactorAPI/Enrollment/Renew"),
            ],
        );
        let failures = check.failures();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(
            failures[0].starts_with(
                "line 11 `GET /Certificates/[0-9]{1,10}` (renewal plan) matched no request"
            ),
            "{failures:?}"
        );
    }

    #[test]
    fn paths_are_matched_as_nginx_sees_them() {
        let list = AllowList::parse(LIST).unwrap();
        let check = check(
            &list,
            &[
                ("GET", "/KeyfactorAPI/Status/%45ndpoints"),
                ("GET", "/KeyfactorAPI/Certificates/5"),
                ("POST", "/KeyfactorAPI/Enrollment/Renew"),
            ],
        );
        assert_eq!(check.failures(), Vec::<String>::new());
        assert_eq!(check.hits, [1, 1, 1]);
        assert_eq!(
            api_path("/KeyfactorAPI/a%2Fb%zz%4"),
            Some("/a/b%zz%4".into())
        );
    }

    #[test]
    fn a_list_that_could_say_more_than_this_check_reads_is_refused() {
        let with = |entry: &str| {
            LIST.replace(
                "    \"~^POST /Enrollment/Renew$\"           1;  # renewal",
                entry,
            )
        };
        for (entry, why) in [
            ("    default 1;", "default must be `default 0;`"),
            (
                "    \"~*^POST /Enrollment/Renew$\" 1;  # renewal",
                "case-insensitive",
            ),
            (
                "    \"~^POST /Enrollment/Renew\" 1;  # renewal",
                "anchored at both ends",
            ),
            (
                "    \"~POST /Enrollment/Renew$\" 1;  # renewal",
                "anchored at both ends",
            ),
            (
                "    \"~^POST /Enrollment/Renew$\" 1;",
                "which portal feature",
            ),
            (
                "    \"~^(GET|POST) /Enrollment/Renew$\" 1;  # renewal",
                "one HTTP method",
            ),
            (
                "    \"~^POST /Enrollment/Renew$\" 0;  # renewal",
                "value is `1;`",
            ),
            ("    \"~^POST .*$\" 1;  # anything", "starts with /"),
            ("    POST /Enrollment/Renew 1;  # renewal", "quoted regex"),
            (
                "    \"~^POST /Enrollment/Renew|/.*$\" 1;  # renewal",
                "unanchor",
            ),
        ] {
            let error = AllowList::parse(&with(entry)).unwrap_err();
            assert!(error.contains(why), "{entry}: {error}");
        }
        let error =
            AllowList::parse(&LIST.replace("\"$request_method $certportal_api_path\"", "$uri"))
                .unwrap_err();
        assert!(error.contains("must read"), "{error}");
        assert!(AllowList::parse("map $a $b { default 0; }").is_err());
    }
}
