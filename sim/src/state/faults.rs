//! Injected faults as `POST /__sim/faults` arms them: which requests they match and how many uses they
//! have left (the fault layer, `faults.rs`, applies them).

use axum::http::{Method, StatusCode};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// That HTTP status: Keyfactor error body for 4xx, a generic page for 5xx.
    Status,
    /// 200 with an HTML page where JSON was expected.
    Html,
    MalformedJson,
    /// The real response body cut in half.
    TruncatedJson,
    /// The real response, wrapped into valid JSON of another shape.
    WrongShape,
    /// Never answers; holds the connection until the client gives up.
    Timeout,
    /// Closes the connection without any response.
    Drop,
    /// Carries the request out, then answers 504 as a proxy does that gave up waiting on a slow Command:
    /// the change is made, but the client never sees Command's answer.
    LostAnswer,
    /// Waits `delay_ms`, then answers normally.
    Latency,
    /// 302 to the SSO sign-in page, like an expired proxy session.
    Redirect,
}

fn one() -> u32 {
    1
}

/// A fault as posted: `times` 0 means until cleared.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub times: u32,
    /// Matching requests let through untouched before the fault applies (e.g. 2: the third one fails).
    #[serde(default)]
    pub after: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Matches still to go (`None` = unlimited).
    #[serde(skip_deserializing)]
    pub remaining: Option<u32>,
}

impl Fault {
    /// Validates a posted fault and arms its counter.
    pub fn armed(mut self) -> Result<Self, String> {
        if self.path.is_empty() || !self.path.starts_with('/') {
            return Err("path must start with '/'".into());
        }
        if let Some(status) = self.status {
            StatusCode::from_u16(status).map_err(|_| format!("invalid status {status}"))?;
        }
        self.remaining = (self.times > 0).then_some(self.times);
        Ok(self)
    }

    fn matches(&self, method: &Method, paths: &[&str]) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()));
        let path_matches = |path: &&str| match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => *path == self.path,
        };
        method_matches && paths.iter().any(path_matches)
    }
}

/// Takes one use of the first fault matching the request (removing it when used up).
pub fn take(faults: &mut Vec<Fault>, method: &Method, paths: &[&str]) -> Option<Fault> {
    let index = faults.iter().position(|f| f.matches(method, paths))?;
    if faults[index].after > 0 {
        faults[index].after -= 1;
        return None;
    }
    let fault = faults[index].clone();
    match &mut faults[index].remaining {
        Some(1) => {
            faults.remove(index);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(path: &str, times: u32) -> Fault {
        Fault {
            method: Some("POST".into()),
            path: path.into(),
            kind: FaultKind::Status,
            times,
            after: 0,
            status: Some(503),
            delay_ms: None,
            remaining: None,
        }
        .armed()
        .expect("valid fault")
    }

    #[test]
    fn faults_match_exactly_or_by_prefix_and_are_used_up() {
        let mut faults = vec![fault("/KeyfactorAPI/Enrollment/*", 2)];
        let renew = ["/KeyfactorAPI/Enrollment/Renew"];
        assert!(
            take(&mut faults, &Method::GET, &renew).is_none(),
            "method must match"
        );
        assert!(take(&mut faults, &Method::POST, &renew).is_some());
        assert!(take(&mut faults, &Method::POST, &renew).is_some());
        assert!(
            take(&mut faults, &Method::POST, &renew).is_none(),
            "used up after 2"
        );

        let mut exact = vec![fault("/KeyfactorAPI/Enrollment/Renew", 0)];
        assert!(take(
            &mut exact,
            &Method::POST,
            &["/KeyfactorAPI/Enrollment/RenewX"]
        )
        .is_none());
        for _ in 0..5 {
            assert!(
                take(&mut exact, &Method::POST, &renew).is_some(),
                "0 = until cleared"
            );
        }
    }
}
