//! Runtime configuration: `config.json`, fetched at start-up before the app mounts, so one build serves
//! every environment (operators overwrite the file; nothing is baked in at compile time).

use serde::Deserialize;
use std::fmt;

use crate::domain::collection::CollectionId;
use crate::domain::command_version::CommandVersion;
use crate::domain::job_tracking::TrackingLimits;
use crate::domain::polling::PollSchedule;

/// How requests to Keyfactor Command are authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// The SSO reverse proxy authenticates the user; the app sends only the proxy's cookie.
    Proxy,
    /// The app asks for `DOMAIN\user` and a password and sends HTTP Basic; both stay in memory only.
    Basic,
}

/// Which Keyfactor Command rules (field spellings, enrollment patterns) the app follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandVersionSetting {
    /// Read `x-keyfactor-product-version` from `GET /Status/Endpoints`.
    Auto,
    /// A fixed version such as `"10.5"` or `"25.1"`, for servers or proxies that hide the header.
    Fixed(CommandVersion),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// Base URL of the Keyfactor API, relative to the page's `<base href>` or absolute same-origin path.
    pub api_base: String,
    /// Value of the `x-keyfactor-api-version` header.
    pub api_version: String,
    pub command_version: CommandVersionSetting,
    pub auth: AuthMode,
    pub request_timeout_ms: u32,
    /// How long after submitting the first job poll waits; each later wait doubles, up to `poll_max_interval_ms`.
    pub poll_interval_ms: u32,
    pub poll_max_interval_ms: u32,
    /// When job tracking stops searching and when an orchestrator counts as offline.
    pub tracking: TrackingLimits,
    /// The certificate collection to ask in, for users whose permissions are granted per collection.
    pub collection: Option<CollectionId>,
    /// Basic mode: signed out after this long without a key press, click or touch.
    pub basic_idle_timeout_s: u32,
}

const TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u32> = 1_000..=600_000;
/// From very short (tests, fast orchestrators) to ten minutes between polls.
const POLL_RANGE_MS: std::ops::RangeInclusive<u32> = 100..=600_000;
/// A job may take an orchestrator check-in (minutes) to show up; an hour is the most worth waiting.
const JOB_SEARCH_RANGE_S: std::ops::RangeInclusive<u32> = 10..=3_600;
/// From a minute to a working day without a key press or click.
const IDLE_TIMEOUT_RANGE_S: std::ops::RangeInclusive<u32> = 60..=28_800;
/// Orchestrators check in every few minutes; one silent for a day is certainly offline.
const ORCHESTRATOR_SILENCE_RANGE_S: std::ops::RangeInclusive<u32> = 60..=86_400;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_api_base")]
    api_base: String,
    #[serde(default = "default_api_version")]
    api_version: String,
    #[serde(default = "default_command_version")]
    command_version: String,
    #[serde(default = "default_auth")]
    auth: AuthMode,
    #[serde(default = "default_timeout")]
    request_timeout_ms: u32,
    #[serde(default = "default_poll_interval")]
    poll_interval_ms: u32,
    #[serde(default = "default_poll_max_interval")]
    poll_max_interval_ms: u32,
    #[serde(default = "default_job_search_limit")]
    job_search_limit_s: u32,
    #[serde(default = "default_orchestrator_offline_after")]
    orchestrator_offline_after_s: u32,
    #[serde(default)]
    collection_id: Option<u32>,
    #[serde(default = "default_basic_idle_timeout")]
    basic_idle_timeout_s: u32,
}

fn default_api_base() -> String {
    "KeyfactorAPI/".to_owned()
}
fn default_api_version() -> String {
    "1".to_owned()
}
fn default_command_version() -> String {
    "auto".to_owned()
}
fn default_auth() -> AuthMode {
    AuthMode::Proxy
}
fn default_timeout() -> u32 {
    30_000
}
fn default_poll_interval() -> u32 {
    PollSchedule::DEFAULT_INITIAL_MS
}
fn default_poll_max_interval() -> u32 {
    PollSchedule::DEFAULT_MAX_MS
}
fn default_job_search_limit() -> u32 {
    whole_seconds(TrackingLimits::default().not_found_after)
}
fn default_orchestrator_offline_after() -> u32 {
    whole_seconds(TrackingLimits::default().agent_silent_after)
}
fn default_basic_idle_timeout() -> u32 {
    15 * 60
}
fn whole_seconds(duration: chrono::Duration) -> u32 {
    u32::try_from(duration.num_seconds()).unwrap_or(u32::MAX)
}

/// The message for a setting outside its range, or nothing.
fn check_range(
    name: &str,
    value: u32,
    range: &std::ops::RangeInclusive<u32>,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(ConfigError::Invalid(format!(
        "{name} must be between {} and {}, not {value}",
        range.start(),
        range.end(),
    )))
}

/// Why `config.json` could not be used; shown on the error page operators see first.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config.json could not be loaded: {0}")]
    Unavailable(String),
    #[error("config.json is not valid: {0}")]
    Invalid(String),
}

impl RuntimeConfig {
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let api_base = raw.api_base.trim();
        if api_base.is_empty() {
            return Err(ConfigError::Invalid("api_base must not be empty".into()));
        }
        if api_base.contains("://") || api_base.starts_with("//") {
            // Cross-origin calls need CORS that Keyfactor Command does not offer, and break connect-src 'self'.
            return Err(ConfigError::Invalid(format!(
                "api_base must be a same-origin path such as \"KeyfactorAPI/\", not {api_base:?}"
            )));
        }
        if raw.api_version.trim().is_empty() {
            return Err(ConfigError::Invalid("api_version must not be empty".into()));
        }
        for (name, value, range) in [
            (
                "request_timeout_ms",
                raw.request_timeout_ms,
                &TIMEOUT_RANGE_MS,
            ),
            ("poll_interval_ms", raw.poll_interval_ms, &POLL_RANGE_MS),
            (
                "poll_max_interval_ms",
                raw.poll_max_interval_ms,
                &POLL_RANGE_MS,
            ),
            (
                "job_search_limit_s",
                raw.job_search_limit_s,
                &JOB_SEARCH_RANGE_S,
            ),
            (
                "orchestrator_offline_after_s",
                raw.orchestrator_offline_after_s,
                &ORCHESTRATOR_SILENCE_RANGE_S,
            ),
            (
                "basic_idle_timeout_s",
                raw.basic_idle_timeout_s,
                &IDLE_TIMEOUT_RANGE_S,
            ),
        ] {
            check_range(name, value, range)?;
        }
        if raw.poll_max_interval_ms < raw.poll_interval_ms {
            return Err(ConfigError::Invalid(format!(
                "poll_max_interval_ms ({}) must not be below poll_interval_ms ({})",
                raw.poll_max_interval_ms, raw.poll_interval_ms
            )));
        }
        let command_version = match raw.command_version.trim() {
            "" | "auto" => CommandVersionSetting::Auto,
            fixed => CommandVersionSetting::Fixed(fixed.parse().map_err(|e| {
                ConfigError::Invalid(format!(
                    "command_version must be \"auto\" or a version: {e}"
                ))
            })?),
        };
        let collection = raw
            .collection_id
            .map(CollectionId::new)
            .transpose()
            .map_err(|e| ConfigError::Invalid(format!("collection_id: {e}")))?;
        let mut api_base = api_base.to_owned();
        if !api_base.ends_with('/') {
            api_base.push('/');
        }
        Ok(Self {
            api_base,
            api_version: raw.api_version.trim().to_owned(),
            command_version,
            auth: raw.auth,
            request_timeout_ms: raw.request_timeout_ms,
            poll_interval_ms: raw.poll_interval_ms,
            poll_max_interval_ms: raw.poll_max_interval_ms,
            tracking: TrackingLimits {
                not_found_after: chrono::Duration::seconds(raw.job_search_limit_s.into()),
                agent_silent_after: chrono::Duration::seconds(
                    raw.orchestrator_offline_after_s.into(),
                ),
                ..TrackingLimits::default()
            },
            collection,
            basic_idle_timeout_s: raw.basic_idle_timeout_s,
        })
    }

    /// How often jobs are polled.
    pub fn poll_schedule(&self) -> PollSchedule {
        PollSchedule::new(self.poll_interval_ms, self.poll_max_interval_ms)
    }
}

impl fmt::Display for AuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMode::Proxy => "proxy",
            AuthMode::Basic => "basic",
        })
    }
}

/// Fetches `config.json` next to `index.html` (it resolves against `<base href>`, so sub-paths work).
/// boot.js asks for it and reads it while the wasm loads, so the first page waits neither one more round trip
/// nor the body; that answer is taken here, and the request made here only where there is none (a page
/// without boot.js).
#[cfg(target_arch = "wasm32")]
pub async fn load() -> Result<RuntimeConfig, ConfigError> {
    let (status, text) = match early_answer() {
        Some(answer) => read_early_answer(answer).await?,
        None => fetch().await?,
    };
    if !(200..300).contains(&status) {
        return Err(ConfigError::Unavailable(format!("HTTP {status}")));
    }
    RuntimeConfig::from_json(&text)
}

/// The name under which boot.js leaves its answer for config.json: a promise of `{ status, text }`.
#[cfg(target_arch = "wasm32")]
const EARLY_ANSWER: &str = "certportalConfig";

/// boot.js's answer for config.json, taken once: the name is removed from the window.
#[cfg(target_arch = "wasm32")]
fn early_answer() -> Option<js_sys::Promise> {
    use wasm_bindgen::{JsCast, JsValue};
    let window = web_sys::window()?;
    let name = JsValue::from_str(EARLY_ANSWER);
    let answer = js_sys::Reflect::get(&window, &name).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &name);
    answer.dyn_into::<js_sys::Promise>().ok()
}

#[cfg(target_arch = "wasm32")]
async fn read_early_answer(answer: js_sys::Promise) -> Result<(u16, String), ConfigError> {
    use wasm_bindgen::{JsCast, JsValue};
    let answer = wasm_bindgen_futures::JsFuture::from(answer)
        .await
        .map_err(|e| {
            ConfigError::Unavailable(
                e.dyn_into::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|_| "the request failed".to_owned()),
            )
        })?;
    let field = |name: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(name)).ok();
    let status = field("status").and_then(|status| status.as_f64());
    let text = field("text").and_then(|text| text.as_string());
    match (status, text) {
        (Some(status), Some(text)) => Ok((status as u16, text)),
        _ => Err(ConfigError::Unavailable(
            "boot.js left no answer the portal can read".to_owned(),
        )),
    }
}

#[cfg(target_arch = "wasm32")]
async fn fetch() -> Result<(u16, String), ConfigError> {
    use gloo_net::http::Request;
    use web_sys::RequestCache;
    let unavailable = |e: gloo_net::Error| ConfigError::Unavailable(e.to_string());
    let response = Request::get("config.json")
        .cache(RequestCache::NoCache)
        .send()
        .await
        .map_err(unavailable)?;
    let text = response.text().await.map_err(unavailable)?;
    Ok((response.status(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_default_config_is_valid() {
        let cfg = RuntimeConfig::from_json(include_str!("../public/config.json")).unwrap();
        assert_eq!(cfg.api_base, "KeyfactorAPI/");
        assert_eq!(cfg.auth, AuthMode::Proxy);
        assert_eq!(cfg.command_version, CommandVersionSetting::Auto);
    }

    #[test]
    fn defaults_fill_missing_keys_and_base_gets_trailing_slash() {
        let cfg =
            RuntimeConfig::from_json(r#"{"api_base":"/KeyfactorAPI","auth":"basic"}"#).unwrap();
        assert_eq!(cfg.api_base, "/KeyfactorAPI/");
        assert_eq!(cfg.auth, AuthMode::Basic);
        assert_eq!(cfg.request_timeout_ms, 30_000);
        assert_eq!(cfg.api_version, "1");
        assert_eq!(cfg.collection, None);
        let scoped = RuntimeConfig::from_json(r#"{"collection_id":12}"#).unwrap();
        assert_eq!(scoped.collection.map(CollectionId::get), Some(12));
    }

    #[test]
    fn rejects_what_an_operator_could_get_wrong() {
        for (json, expected) in [
            (r#"{"auth":"kerberos"}"#, "unknown variant"),
            (
                r#"{"api_base":"https://kf.example.com/KeyfactorAPI"}"#,
                "same-origin",
            ),
            (r#"{"request_timeout_ms":5}"#, "between 1000 and 600000"),
            (
                r#"{"basic_idle_timeout_s":10}"#,
                "basic_idle_timeout_s must be between 60 and 28800",
            ),
            (r#"{"command_version":"latest"}"#, "command_version"),
            (r#"{"api_bse":"x"}"#, "unknown field"),
            (
                r#"{"collection_id":0}"#,
                "collection_id: Certificate collections are numbered from 1",
            ),
            (r#"{"collection_id":"7"}"#, "invalid type"),
            ("<html>", "expected value"),
        ] {
            let err = RuntimeConfig::from_json(json).unwrap_err().to_string();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }

    #[test]
    fn fixed_command_version_is_kept() {
        let cfg = RuntimeConfig::from_json(r#"{"command_version":"25.1"}"#).unwrap();
        assert_eq!(
            cfg.command_version,
            CommandVersionSetting::Fixed(CommandVersion {
                major: 25,
                minor: 1
            })
        );
    }

    #[test]
    fn poll_intervals_default_to_two_seconds_doubling_to_thirty() {
        let cfg = RuntimeConfig::from_json("{}").unwrap();
        assert_eq!(
            (cfg.poll_interval_ms, cfg.poll_max_interval_ms),
            (2_000, 30_000)
        );
        let fast =
            RuntimeConfig::from_json(r#"{"poll_interval_ms":200,"poll_max_interval_ms":400}"#)
                .unwrap();
        assert_eq!(
            (fast.poll_interval_ms, fast.poll_max_interval_ms),
            (200, 400)
        );
    }

    #[test]
    fn tracking_limits_default_to_three_and_fifteen_minutes_and_can_be_set() {
        let cfg = RuntimeConfig::from_json("{}").unwrap();
        assert_eq!(cfg.tracking, TrackingLimits::default());
        let set = RuntimeConfig::from_json(
            r#"{"job_search_limit_s":600,"orchestrator_offline_after_s":3600}"#,
        )
        .unwrap();
        assert_eq!(set.tracking.not_found_after, chrono::Duration::minutes(10));
        assert_eq!(set.tracking.agent_silent_after, chrono::Duration::hours(1));
        assert_eq!(
            set.tracking.clock_skew,
            TrackingLimits::default().clock_skew
        );
        for (json, expected) in [
            (
                r#"{"job_search_limit_s":1}"#,
                "job_search_limit_s must be between 10 and 3600, not 1",
            ),
            (
                r#"{"orchestrator_offline_after_s":100000}"#,
                "orchestrator_offline_after_s must be between 60 and 86400",
            ),
        ] {
            let err = RuntimeConfig::from_json(json).unwrap_err().to_string();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }

    #[test]
    fn poll_intervals_out_of_range_or_inverted_are_rejected() {
        for (json, expected) in [
            (
                r#"{"poll_interval_ms":0}"#,
                "poll_interval_ms must be between 100 and 600000",
            ),
            (
                r#"{"poll_max_interval_ms":700000}"#,
                "poll_max_interval_ms must be between",
            ),
            (
                r#"{"poll_interval_ms":5000,"poll_max_interval_ms":1000}"#,
                "must not be below poll_interval_ms",
            ),
        ] {
            let err = RuntimeConfig::from_json(json).unwrap_err().to_string();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }
}
