//! The session action log: what the user did in this tab (renewals, Replace/Deploy, reenrollments,
//! revocations), with request ids and outcomes, for their records or a help-desk ticket. It lives in
//! memory only (gone on reload) and holds no secret; the JSON export says where a password was issued
//! without giving it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::domain::models::{Disposition, EnrollmentManagementResponse, RenewalResponse};
use crate::domain::renewal::REDACTED;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ActionKind {
    Renewal,
    Replace,
    Deploy,
    Reenrollment,
    Revocation,
    /// A certificate request approved or denied.
    Approval,
    Denial,
}

impl ActionKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Renewal => "Renewal",
            Self::Replace => "Replace",
            Self::Deploy => "Deploy",
            Self::Reenrollment => "Reenrollment",
            Self::Revocation => "Revocation",
            Self::Approval => "Approval",
            Self::Denial => "Denial",
        }
    }
}

/// One thing the user asked Keyfactor to do, and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedAction {
    pub at: DateTime<Utc>,
    pub kind: ActionKind,
    /// The certificate or store it was about, as the user knows it.
    pub subject: String,
    /// Keyfactor's ids for it (request id, new certificate id, stores), when there are any.
    pub reference: String,
    pub outcome: String,
    /// A renewal answered with a PFX password (never kept here).
    pub issued_password: bool,
}

/// Keyfactor's ids of a renewal's answer, e.g. "request 10413, new certificate 302".
pub fn renewal_reference(response: &RenewalResponse) -> String {
    [
        response
            .keyfactor_request_id
            .map(|id| format!("request {id}")),
        response
            .keyfactor_id
            .filter(|id| *id > 0)
            .map(|id| format!("new certificate {id}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// A renewal's disposition in words ("issued", "pending approval", …).
pub fn renewal_outcome(response: &RenewalResponse) -> String {
    response
        .request_disposition
        .as_ref()
        .map_or_else(|| "no disposition".to_owned(), Disposition::to_string)
}

/// What Replace or Deploy scheduled: "2 stores scheduled" or "1 store scheduled, 1 failed".
pub fn installation_outcome(answer: &EnrollmentManagementResponse) -> String {
    let stores = |n: usize| {
        if n == 1 {
            "1 store".to_owned()
        } else {
            format!("{n} stores")
        }
    };
    match answer.failed_stores.len() {
        0 => format!("{} scheduled", stores(answer.successful_stores.len())),
        failed => format!(
            "{} scheduled, {failed} failed",
            stores(answer.successful_stores.len())
        ),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Exported<'a> {
    at: String,
    kind: ActionKind,
    subject: &'a str,
    reference: &'a str,
    outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'static str>,
}

/// The log as pretty JSON, oldest first; passwords appear only as `"<redacted>"`.
pub fn export_json(actions: &[LoggedAction]) -> String {
    let exported: Vec<Exported> = actions
        .iter()
        .map(|action| Exported {
            at: action.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            kind: action.kind,
            subject: &action.subject,
            reference: &action.reference,
            outcome: &action.outcome,
            password: action.issued_password.then_some(REDACTED),
        })
        .collect();
    serde_json::to_string_pretty(&exported).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_export_says_a_password_was_issued_without_giving_it() {
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 4, 30, 0).unwrap();
        let actions = [
            LoggedAction {
                at,
                kind: ActionKind::Renewal,
                subject: "web01.eu.keyexample.com (ID 1)".into(),
                reference: "request 10413, new certificate 302".into(),
                outcome: "ISSUED".into(),
                issued_password: true,
            },
            LoggedAction {
                at,
                kind: ActionKind::Reenrollment,
                subject: "web02.eu.keyexample.com /etc/nginx/tls/web02.pem".into(),
                reference: String::new(),
                outcome: "scheduled".into(),
                issued_password: false,
            },
        ];
        let json: serde_json::Value = serde_json::from_str(&export_json(&actions)).unwrap();
        assert_eq!(json[0]["kind"], "Renewal");
        assert_eq!(json[0]["at"], "2026-11-25T04:30:00Z");
        assert_eq!(json[0]["password"], REDACTED);
        assert!(json[1].get("password").is_none());
        assert_eq!(export_json(&[]), "[]");
    }

    #[test]
    fn answers_are_summed_up_in_words() {
        let renewal: RenewalResponse = serde_json::from_value(serde_json::json!({
            "KeyfactorID": 302, "KeyfactorRequestId": 10413, "RequestDisposition": "ISSUED", "Password": "x"
        }))
        .unwrap();
        assert_eq!(
            renewal_reference(&renewal),
            "request 10413, new certificate 302"
        );
        assert_eq!(renewal_outcome(&renewal), "issued");
        let pending: RenewalResponse = serde_json::from_value(serde_json::json!({
            "KeyfactorId": 0, "KeyfactorRequestId": 10414, "RequestDisposition": "PENDING"
        }))
        .unwrap();
        assert_eq!(renewal_reference(&pending), "request 10414");
        let installed: EnrollmentManagementResponse = serde_json::from_value(serde_json::json!({
            "SuccessfulStores": ["a", "b"], "FailedStores": []
        }))
        .unwrap();
        assert_eq!(installation_outcome(&installed), "2 stores scheduled");
        let partly: EnrollmentManagementResponse = serde_json::from_value(serde_json::json!({
            "SuccessfulStores": ["a"], "FailedStores": ["b"]
        }))
        .unwrap();
        assert_eq!(installation_outcome(&partly), "1 store scheduled, 1 failed");
    }
}
