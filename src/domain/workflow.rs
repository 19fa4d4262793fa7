//! Certificate requests waiting for approval: what state a request is in, what an approver decided and
//! what Command made of it, and whether the user may decide at all. Keyfactor facts: `docs/keyfactor.md`,
//! "Requests waiting for approval".

use std::fmt;

use super::models::{ApproveDenyResult, CertificateRequest, ProcessedCertificateRequest};
use super::text::Trimmed;

/// Where a request stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Issued,
    Denied,
    /// A state this portal does not act on, as Command wrote it.
    Other(String),
}

impl RequestState {
    /// From `StateString`: the spec's `State` is a bare enum whose members no material names, so the
    /// number alone is shown, never interpreted.
    pub fn of(request: &CertificateRequest) -> Self {
        let name = request.state_string.as_deref().map(str::trim).unwrap_or("");
        match name.to_ascii_lowercase().as_str() {
            "pending" => Self::Pending,
            "issued" => Self::Issued,
            "denied" => Self::Denied,
            "" => Self::Other(
                request
                    .state
                    .map_or_else(|| "unknown".to_owned(), |n| format!("state {n}")),
            ),
            _ => Self::Other(name.to_owned()),
        }
    }
}

impl fmt::Display for RequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pending => f.write_str("waiting for approval"),
            Self::Issued => f.write_str("issued"),
            Self::Denied => f.write_str("denied"),
            Self::Other(name) => f.write_str(name),
        }
    }
}

/// What an approver decides about one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// With the comment the requester will read.
    Deny(String),
}

/// A denial needs a comment: it is all the requester learns about why.
pub fn parse_denial_comment(raw: &str) -> Result<String, String> {
    let comment = Trimmed::new(raw).text;
    if comment.is_empty() {
        return Err("Enter a comment: it tells the requester why the request was denied.".into());
    }
    Ok(comment.to_owned())
}

/// What Command answered about one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecisionOutcome {
    Approved,
    Denied {
        comment: Option<String>,
    },
    /// Listed in `Failures`, with Command's reason.
    Failed {
        reason: Option<String>,
    },
    /// An earlier attempt whose answer was lost had already settled it: the state it is in now.
    AlreadyDecided(RequestState),
    /// The answer did not mention the request at all.
    NotMentioned,
}

impl DecisionOutcome {
    /// The one request's fate in an `ApproveDenyResult`.
    pub fn of(result: &ApproveDenyResult, request_id: i32) -> Self {
        let find = |list: &[ProcessedCertificateRequest]| {
            list.iter()
                .find(|row| row.keyfactor_request_id == Some(request_id))
                .map(|row| row.comment.clone())
        };
        if let Some(reason) = find(&result.failures) {
            Self::Failed { reason }
        } else if let Some(comment) = find(&result.denials) {
            Self::Denied { comment }
        } else if find(&result.successes).is_some() {
            Self::Approved
        } else {
            Self::NotMentioned
        }
    }

    /// Whether the request is settled (nothing left to send).
    pub fn settled(&self) -> bool {
        !matches!(self, Self::Failed { .. } | Self::NotMentioned)
    }

    /// The sentence shown next to the request.
    pub fn sentence(&self) -> String {
        match self {
            Self::Approved => "Approved: Keyfactor issued the certificate.".to_owned(),
            Self::Denied { .. } => "Denied: the requester sees your comment.".to_owned(),
            Self::Failed { reason } => format!(
                "Keyfactor did not accept the decision: {}",
                reason.as_deref().unwrap_or("it gave no reason.")
            ),
            Self::AlreadyDecided(state) => format!(
                "An earlier attempt, whose answer was lost, had already reached Keyfactor: the request is {state}."
            ),
            Self::NotMentioned => {
                "Keyfactor's answer does not mention this request; reload the list to see its state."
                    .to_owned()
            }
        }
    }
}

/// Whether the signed-in user may approve or deny, as far as Command lets the portal tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalRight {
    May,
    /// Command refused: the sentence names the missing permission.
    MayNot {
        reason: String,
    },
    /// The check itself failed (network, server): the buttons stay hidden, with this reason.
    Unknown {
        reason: String,
    },
}

/// A link to one request (`/requests?id=N&renews=M`): `renews`, the certificate it renews, lets the
/// owner put the issued certificate where that one is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLink {
    pub id: i32,
    pub renews: Option<i32>,
}

impl RequestLink {
    /// From the page's query; `None` when `id` is missing or not a request id (then the lists show).
    pub fn from_query(id: Option<&str>, renews: Option<&str>) -> Option<Self> {
        let positive = |raw: &str| raw.trim().parse::<i32>().ok().filter(|n| *n > 0);
        Some(Self {
            id: positive(id?)?,
            renews: renews.and_then(positive),
        })
    }

    /// The route, without the sub-path.
    pub fn route(self) -> String {
        match self.renews {
            Some(old) => format!("/requests?id={}&renews={old}", self.id),
            None => format!("/requests?id={}", self.id),
        }
    }
}

/// Newest first, so the request just made is on top.
pub fn newest_first(requests: &mut [CertificateRequest]) {
    requests.sort_by(|a, b| {
        b.submission_date
            .cmp(&a.submission_date)
            .then(b.id.cmp(&a.id))
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(value: serde_json::Value) -> CertificateRequest {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_state_is_read_from_its_name_and_an_unnamed_number_is_only_shown() {
        let named = |name: &str| {
            RequestState::of(&request(
                json!({ "Id": 1, "State": 1, "StateString": name }),
            ))
        };
        assert_eq!(named("Pending"), RequestState::Pending);
        assert_eq!(named("ISSUED"), RequestState::Issued);
        assert_eq!(named("Denied"), RequestState::Denied);
        assert_eq!(
            named("External Validation"),
            RequestState::Other("External Validation".into())
        );
        let bare = RequestState::of(&request(json!({ "Id": 1, "State": 4 })));
        assert_eq!(bare.to_string(), "state 4");
    }

    #[test]
    fn a_denial_needs_a_comment() {
        assert!(parse_denial_comment("  \t").is_err());
        assert_eq!(
            parse_denial_comment(" Use the new CA ").unwrap(),
            "Use the new CA"
        );
    }

    #[test]
    fn the_answer_is_read_for_the_one_request() {
        let result: ApproveDenyResult = serde_json::from_value(json!({
            "Failures": [{ "KeyfactorRequestId": 9, "Comment": "The request is not pending (it is Issued)." }],
            "Denials": [{ "KeyfactorRequestId": 8, "Comment": "no" }],
            "Successes": [{ "KeyfactorRequestId": 7, "Comment": "Approved" }],
        }))
        .unwrap();
        assert_eq!(DecisionOutcome::of(&result, 7), DecisionOutcome::Approved);
        assert_eq!(
            DecisionOutcome::of(&result, 8),
            DecisionOutcome::Denied {
                comment: Some("no".into())
            }
        );
        let failed = DecisionOutcome::of(&result, 9);
        assert!(!failed.settled());
        assert!(
            failed.sentence().contains("not pending"),
            "{}",
            failed.sentence()
        );
        assert_eq!(
            DecisionOutcome::of(&result, 6),
            DecisionOutcome::NotMentioned
        );
        let empty: ApproveDenyResult =
            serde_json::from_value(json!({ "Failures": null, "Successes": null })).unwrap();
        assert_eq!(
            DecisionOutcome::of(&empty, 7),
            DecisionOutcome::NotMentioned
        );
    }

    #[test]
    fn a_request_link_round_trips_and_ignores_what_is_not_an_id() {
        let link = RequestLink::from_query(Some("10412"), Some("5")).unwrap();
        assert_eq!(link.route(), "/requests?id=10412&renews=5");
        assert_eq!(RequestLink::from_query(Some("x"), None), None);
        assert_eq!(RequestLink::from_query(None, Some("5")), None);
        let bare = RequestLink::from_query(Some(" 7 "), Some("-1")).unwrap();
        assert_eq!(bare.route(), "/requests?id=7");
    }

    #[test]
    fn newest_requests_come_first() {
        let mut rows = vec![
            request(json!({ "Id": 1, "SubmissionDate": "2026-11-01T10:00:00Z" })),
            request(json!({ "Id": 2, "SubmissionDate": "2026-11-02T10:00:00Z" })),
        ];
        newest_first(&mut rows);
        assert_eq!(rows[0].id, 2);
    }
}
