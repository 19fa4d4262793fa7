//! The one error type of the API layer, and the pure interpretation of an HTTP answer: the client reads
//! status, content type and body off the wire, everything else (what a 401 means, whether an HTML page
//! is a sign-in page, what Keyfactor's error body says) is decided here and tested natively.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::domain::models::KeyfactorErrorBody;
use crate::domain::submission::Failure;

/// How the portal authenticates decides what a 401 means.
pub use crate::config::AuthMode;

/// Longest piece of server text an error message quotes.
const MAX_QUOTED_CHARS: usize = 300;

/// What came back for one request, before interpretation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpAnswer<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a str,
    /// `fetch` with `redirect: manual` saw a redirect (status 0, type `opaqueredirect`).
    pub redirected_opaque: bool,
}

/// Everything that can go wrong talking to Keyfactor Command. `Display` is the sentence shown to the
/// user: specific, never a raw body (server text is cleaned and capped at 300 characters).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The SSO session ran out: a redirect (to the sign-in page), or 401 behind the proxy.
    #[error("Your sign-in session has expired. Sign in again to continue.")]
    SessionExpired,
    /// 401 in Basic mode.
    #[error("Keyfactor Command did not accept your user name or password.")]
    BadCredentials,
    /// 403: signed in, but a Keyfactor permission is missing; `message` names it when Keyfactor says.
    #[error("You are not allowed to do this: {}{hint}", clean(.message))]
    Forbidden {
        message: String,
        /// The portal's own advice after Keyfactor's words (a collection to name, what still works): never
        /// cut short like quoted server text.
        hint: String,
    },
    /// 400/409/422…: Keyfactor refused the request, usually with `{"ErrorCode","Message"}`.
    #[error("Keyfactor Command rejected the request: {}{}", clean(.message), code_suffix(.code))]
    Rejected {
        status: u16,
        code: Option<String>,
        message: String,
    },
    #[error("Not found: {}", clean(.message))]
    NotFound { message: String },
    /// 5xx, and the server-side "try later" answers 408 and 429.
    #[error("{}", server_sentence(*.status, .message.as_deref()))]
    Server {
        status: u16,
        message: Option<String>,
    },
    /// HTML (or other non-JSON) where JSON was expected: a proxy or sign-in page is in the way.
    #[error(
        "Keyfactor Command answered with a web page instead of data (HTTP {status}): a sign-in page or a \
         proxy is in the way. If the notice at the top asks you to sign in again, do so there; nothing on \
         this page is lost."
    )]
    NotJson { status: u16 },
    /// Invalid, truncated or wrongly shaped JSON.
    #[error("Keyfactor Command sent an answer the portal cannot read: {}.", clean(.detail))]
    Malformed { detail: String },
    #[error("Keyfactor Command did not answer within {}. Try again.", seconds(*.after_ms))]
    Timeout { after_ms: u32 },
    /// The connection failed or dropped.
    #[error("Could not reach Keyfactor Command ({}). Check your network connection.", clean(.detail))]
    Network { detail: String },
    /// The page that asked went away; never shown.
    #[error("The request was cancelled.")]
    Cancelled,
}

impl ApiError {
    /// Whether asking again may succeed: the server or the network had a moment, not the request a flaw.
    /// The UI offers "Try again" only for these, and only on idempotent reads. `NotJson` is not transient:
    /// a sign-in page does not go away by retrying, the user has to reload.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Server { .. } | Self::Timeout { .. } | Self::Network { .. }
        )
    }

    /// Whether a read that failed this way is worth asking again by hand: the server or the network had a
    /// moment, or the user has signed in again since (the session notice says when).
    pub fn worth_retrying(&self) -> bool {
        self.is_transient() || matches!(self, Self::SessionExpired | Self::NotJson { .. })
    }

    /// Whether the answer says the session is gone: the SSO session, or in basic mode the credentials
    /// Keyfactor no longer accepts. Behind a proxy, a web page where data was expected
    /// is most likely its sign-in page served in place of the API (some gateways do that instead of a 401
    /// or a redirect), so it counts too; the sign-in notice's "Continue" clears it once data comes back.
    pub fn means_signed_out(&self, auth: AuthMode) -> bool {
        match self {
            Self::SessionExpired | Self::BadCredentials => true,
            Self::NotJson { .. } => auth == AuthMode::Proxy,
            _ => false,
        }
    }
}

impl ApiError {
    /// A refusal with the portal's `advice` added after what Keyfactor said; other errors unchanged.
    pub fn refused_with(self, advice: &str) -> Self {
        match self {
            Self::Forbidden { message, hint }
                if hint.is_empty() && advice.starts_with(['.', ' ']) =>
            {
                // Keyfactor's sentence runs on into the advice.
                Self::Forbidden {
                    message: message.trim_end_matches('.').to_owned(),
                    hint: advice.to_owned(),
                }
            }
            Self::Forbidden { message, hint } => Self::Forbidden {
                message,
                hint: format!("{hint} {}", advice.trim_start()),
            },
            other => other,
        }
    }
}

impl Failure for ApiError {
    /// Whether Command may have carried out a request that failed this way: its answer was lost (timeout,
    /// dropped connection, cut-off body, a gateway error), or a proxy or sign-in page answered in its
    /// place, which the browser cannot tell from one that passed the request on first. Before such a
    /// renewal or reenrollment is sent again, the portal looks for its effect.
    fn may_have_taken_effect(&self) -> bool {
        matches!(
            self,
            Self::SessionExpired
                | Self::NotJson { .. }
                | Self::Malformed { .. }
                | Self::Server { .. }
                | Self::Timeout { .. }
                | Self::Network { .. }
        )
    }

    fn is_cancelled(&self) -> bool {
        matches!(self, Self::Cancelled)
    }
}

/// Interprets an answer that should carry a JSON body of type `T`.
pub fn decode_json<T: DeserializeOwned>(
    answer: &HttpAnswer,
    auth: AuthMode,
) -> Result<T, ApiError> {
    check_status(answer, auth)?;
    if looks_like_html(answer) {
        return Err(ApiError::NotJson {
            status: answer.status,
        });
    }
    if answer.body.trim().is_empty() {
        return Err(ApiError::Malformed {
            detail: "the answer was empty".into(),
        });
    }
    serde_json::from_str(answer.body).map_err(|error| ApiError::Malformed {
        detail: describe_json_error(&error),
    })
}

/// Interprets an answer that should carry no body: 204, or a 2xx with an empty (or ignorable JSON) body.
/// An answer's JSON as the type an endpoint promises; a mismatch says what was unexpected.
pub fn decode_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|error| ApiError::Malformed {
        detail: describe_json_error(&error),
    })
}

pub fn expect_no_content(answer: &HttpAnswer, auth: AuthMode) -> Result<(), ApiError> {
    check_status(answer, auth)?;
    if answer.status == 204 || answer.body.trim().is_empty() {
        return Ok(());
    }
    if looks_like_html(answer) {
        return Err(ApiError::NotJson {
            status: answer.status,
        });
    }
    // A body that is not JSON at all is not Command's answer: something in between garbled it.
    serde_json::from_str::<serde_json::Value>(answer.body)
        .map(drop)
        .map_err(|error| ApiError::Malformed {
            detail: describe_json_error(&error),
        })
}

/// Maps every non-success answer to its error; `Ok` for 2xx.
fn check_status(answer: &HttpAnswer, auth: AuthMode) -> Result<(), ApiError> {
    if answer.redirected_opaque {
        return Err(ApiError::SessionExpired);
    }
    let status = answer.status;
    match status {
        200..=299 => Ok(()),
        // Only the SSO proxy redirects API calls, and it redirects to its sign-in page.
        300..=399 => Err(ApiError::SessionExpired),
        401 => Err(match auth {
            AuthMode::Proxy => ApiError::SessionExpired,
            AuthMode::Basic => ApiError::BadCredentials,
        }),
        403 => Err(ApiError::Forbidden {
            hint: String::new(),
            message: explain(answer).message.unwrap_or_else(|| {
                "your Keyfactor Command role lacks the permission this needs. Ask your Keyfactor administrator."
                    .into()
            }),
        }),
        404 => Err(ApiError::NotFound {
            message: explain(answer).message.unwrap_or_else(|| {
                "Keyfactor Command does not know this item; it may have been deleted.".into()
            }),
        }),
        408 | 429 | 500..=599 => Err(ApiError::Server { status, message: explain(answer).message }),
        400..=499 => {
            let explanation = explain(answer);
            Err(ApiError::Rejected {
                status,
                code: explanation.code,
                message: explanation.message.unwrap_or_else(|| format!("HTTP {status}, without an explanation")),
            })
        }
        other => Err(ApiError::Malformed { detail: format!("unexpected HTTP status {other}") }),
    }
}

/// What the server said about a failure, if anything readable.
#[derive(Default)]
struct Explanation {
    code: Option<String>,
    message: Option<String>,
}

/// Reads Keyfactor's `{"ErrorCode","Message","FailedOperations"}` body (the code may be missing; failed
/// operations' reasons are appended), a bare JSON string, an ASP.NET Core problem `title`, or short plain
/// text. HTML error pages explain nothing a user can act on.
fn explain(answer: &HttpAnswer) -> Explanation {
    let body = answer.body.trim();
    if body.is_empty() || looks_like_html(answer) {
        return Explanation::default();
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return Explanation {
            code: None,
            message: Some(clean(body)),
        };
    };
    if let Some(text) = value.as_str() {
        return Explanation {
            code: None,
            message: Some(clean(text)),
        };
    }
    let keyfactor: KeyfactorErrorBody = serde_json::from_value(value.clone()).unwrap_or_default();
    let reasons: Vec<&str> = keyfactor
        .failed_operations
        .iter()
        .filter_map(|operation| operation.reason.as_deref())
        .filter(|reason| !reason.trim().is_empty())
        .collect();
    let headline = keyfactor
        .message
        .as_deref()
        .or_else(|| value.get("title").and_then(serde_json::Value::as_str))
        .filter(|text| !text.trim().is_empty());
    // "Headline: reason one; reason two." rather than doubled full stops.
    let without_period = |text: &str| text.trim().trim_end_matches('.').to_owned();
    let reasons = reasons
        .iter()
        .map(|reason| without_period(reason))
        .collect::<Vec<_>>()
        .join("; ");
    let message = match (headline, reasons.is_empty()) {
        (Some(headline), true) => Some(headline.to_owned()),
        (Some(headline), false) => Some(format!("{}: {reasons}.", without_period(headline))),
        (None, false) => Some(format!("{reasons}.")),
        (None, true) => None,
    };
    Explanation {
        code: keyfactor
            .error_code
            .filter(|code| !code.trim().is_empty())
            .map(|code| clean(&code)),
        message: message.map(|text| clean(&text)),
    }
}

/// HTML by content type or by its first character: a proxy's or IIS's page, not Keyfactor's JSON.
fn looks_like_html(answer: &HttpAnswer) -> bool {
    let html_type = answer
        .content_type
        .is_some_and(|kind| kind.to_ascii_lowercase().contains("html"));
    html_type || answer.body.trim_start().starts_with('<')
}

/// A short reason from serde: which field when it says so, without the line/column noise.
fn describe_json_error(error: &serde_json::Error) -> String {
    match error.classify() {
        Category::Eof => "the answer was cut off".into(),
        Category::Syntax => "the answer is not valid JSON".into(),
        Category::Io => "the answer could not be read".into(),
        Category::Data => {
            let text = error.to_string();
            let reason = text
                .rfind(" at line ")
                .map_or(text.as_str(), |at| &text[..at]);
            format!("unexpected content ({reason})")
        }
    }
}

/// Server text made safe to show: control characters removed, whitespace collapsed, at most 300 characters.
fn clean(text: &str) -> String {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", joined[..cut].trim_end()),
        None => joined,
    }
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_deref()
        .map(|code| format!(" (error code {})", clean(code)))
        .unwrap_or_default()
}

fn server_sentence(status: u16, message: Option<&str>) -> String {
    let headline = match status {
        408 => "Keyfactor Command gave up waiting for the request",
        429 => "Keyfactor Command is limiting how often it may be called",
        502..=504 => "Keyfactor Command or the proxy in front of it is unavailable",
        _ => "Keyfactor Command had an internal error",
    };
    let hint = if status == 429 {
        "Wait a minute, then try again."
    } else {
        "Try again in a moment."
    };
    match message {
        Some(message) => format!("{headline} (HTTP {status}): {}. {hint}", clean(message)),
        None => format!("{headline} (HTTP {status}). {hint}"),
    }
}

/// Whole seconds, else tenths rounded half up. Integer arithmetic: formatting an `f64` would link Rust's
/// float printing (some 9.5 KB of wasm) for this one message.
fn seconds(after_ms: u32) -> String {
    match after_ms {
        1000 => "1 second".into(),
        ms if ms % 1000 == 0 => format!("{} seconds", ms / 1000),
        ms => {
            let tenths = ms / 100 + u32::from(ms % 100 >= 50);
            format!("{}.{} seconds", tenths / 10, tenths % 10)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_strips_control_characters_and_caps_length() {
        assert_eq!(clean("  a\r\n\tb\u{7}c  "), "a b c");
        let long = "x".repeat(1000);
        let cleaned = clean(&long);
        assert_eq!(cleaned.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(cleaned.ends_with('…'));
        // Cuts on a character boundary, not a byte.
        assert_eq!(
            clean(&"é".repeat(400)).chars().count(),
            MAX_QUOTED_CHARS + 1
        );
    }

    #[test]
    fn a_web_page_for_data_means_signed_out_only_behind_the_proxy() {
        let page = ApiError::NotJson { status: 200 };
        assert!(page.means_signed_out(AuthMode::Proxy));
        assert!(!page.means_signed_out(AuthMode::Basic));
        assert!(ApiError::SessionExpired.means_signed_out(AuthMode::Basic));
        // Basic mode: credentials Keyfactor no longer accepts end the session like an SSO expiry.
        assert!(ApiError::BadCredentials.means_signed_out(AuthMode::Basic));
        assert!(!ApiError::Timeout { after_ms: 1 }.means_signed_out(AuthMode::Proxy));
        assert!(page.to_string().contains("nothing on this page is lost"));
        assert!(page.worth_retrying() && ApiError::SessionExpired.worth_retrying());
        assert!(!page.is_transient(), "never polled again by itself");
        assert!(!ApiError::Forbidden {
            message: String::new(),
            hint: String::new(),
        }
        .worth_retrying());
    }

    #[test]
    fn only_refusals_rule_out_that_a_request_took_effect() {
        let lost = [
            ApiError::SessionExpired,
            ApiError::NotJson { status: 200 },
            ApiError::Malformed {
                detail: "cut off".into(),
            },
            ApiError::Server {
                status: 502,
                message: None,
            },
            ApiError::Timeout { after_ms: 1 },
            ApiError::Network {
                detail: "reset".into(),
            },
        ];
        assert!(lost.iter().all(Failure::may_have_taken_effect));
        let refused = [
            ApiError::BadCredentials,
            ApiError::Forbidden {
                message: String::new(),
                hint: String::new(),
            },
            ApiError::Rejected {
                status: 400,
                code: None,
                message: String::new(),
            },
            ApiError::NotFound {
                message: String::new(),
            },
            ApiError::Cancelled,
        ];
        assert!(!refused.iter().any(Failure::may_have_taken_effect));
    }

    #[test]
    fn timeout_names_seconds() {
        assert_eq!(
            ApiError::Timeout { after_ms: 30_000 }.to_string(),
            "Keyfactor Command did not answer within 30 seconds. Try again."
        );
        assert!(ApiError::Timeout { after_ms: 1_500 }
            .to_string()
            .contains("1.5 seconds"));
        assert!(ApiError::Timeout { after_ms: 1_000 }
            .to_string()
            .contains("1 second."));
        assert!(ApiError::Timeout { after_ms: 2_449 }
            .to_string()
            .contains("2.4 seconds"));
        assert!(ApiError::Timeout { after_ms: 2_950 }
            .to_string()
            .contains("3.0 seconds"));
    }

    #[test]
    fn transient_and_session_classification() {
        let transient = [
            ApiError::Server {
                status: 503,
                message: None,
            },
            ApiError::Timeout { after_ms: 1 },
            ApiError::Network {
                detail: "reset".into(),
            },
        ];
        assert!(transient.iter().all(ApiError::is_transient));
        let permanent = [
            ApiError::SessionExpired,
            ApiError::BadCredentials,
            ApiError::Forbidden {
                message: "x".into(),
                hint: String::new(),
            },
            ApiError::Rejected {
                status: 400,
                code: None,
                message: "x".into(),
            },
            ApiError::NotFound {
                message: "x".into(),
            },
            ApiError::NotJson { status: 200 },
            ApiError::Malformed { detail: "x".into() },
            ApiError::Cancelled,
        ];
        assert!(!permanent.iter().any(ApiError::is_transient));
        let session: Vec<bool> = permanent
            .iter()
            .map(|error| error.means_signed_out(AuthMode::Basic))
            .collect();
        assert_eq!(
            session,
            [true, true, false, false, false, false, false, false]
        );
    }

    #[test]
    fn details_built_elsewhere_are_cleaned_too() {
        let error = ApiError::Network {
            detail: "TypeError:\nFailed to fetch".into(),
        };
        assert_eq!(error.to_string(), "Could not reach Keyfactor Command (TypeError: Failed to fetch). Check your network connection.");
    }

    #[test]
    fn the_portals_advice_follows_keyfactors_refusal_in_full() {
        let refusal = ApiError::Forbidden {
            message: format!("{}.", "x".repeat(400)),
            hint: String::new(),
        }
        .refused_with(" (asked within certificate collection 3).")
        .refused_with("The certificate can still be downloaded.");
        let shown = refusal.to_string();
        assert!(shown.ends_with(
            "… (asked within certificate collection 3). The certificate can still be downloaded."
        ), "{shown}");
        assert_eq!(
            ApiError::Timeout { after_ms: 1 }.refused_with("advice"),
            ApiError::Timeout { after_ms: 1 }
        );
    }
}
