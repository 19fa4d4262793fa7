//! Retiring the certificate a renewal superseded: offered only once every installation job of the renewal
//! succeeded, refused while any store still holds the old certificate, and revoked with RFC 5280's
//! `CRLReason` 4 (superseded) and a comment naming the new certificate (`docs/keyfactor.md`, "Revocation").

use chrono::{DateTime, Utc};

use super::display;
use super::job_tracking::JobPhase;
use super::models::{CertState, Certificate, JobResult, RevocationRequest, RevocationResponse};

/// RFC 5280 `CRLReason` superseded, as `POST /Certificates/Revoke` numbers it.
pub const SUPERSEDED: i32 = 4;

/// How the installation of the new certificate went, as far as retiring the old one goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Installation {
    /// No job was scheduled: nothing confirms the new certificate is in use.
    NoJobs,
    /// A job has not ended yet.
    Running,
    /// These stores' jobs failed (or Keyfactor could not schedule one there).
    Failed {
        stores: Vec<String>,
    },
    Succeeded,
}

impl Installation {
    /// From the stores Keyfactor could not schedule and each scheduled store's job (its name, its phase). A
    /// failure is final: it wins over jobs still running. Only `Success` counts: a warning may mean the
    /// certificate did not go in.
    pub fn of(unscheduled: &[String], jobs: &[(String, JobPhase)]) -> Self {
        let mut failed: Vec<String> = unscheduled.to_vec();
        let mut running = false;
        for (store, phase) in jobs {
            match phase {
                JobPhase::Finished {
                    result: JobResult::Success,
                    ..
                } => {}
                JobPhase::Finished { .. } => failed.push(store.clone()),
                _ => running = true,
            }
        }
        if !failed.is_empty() {
            Self::Failed { stores: failed }
        } else if running {
            Self::Running
        } else if jobs.is_empty() {
            Self::NoJobs
        } else {
            Self::Succeeded
        }
    }

    /// Why the old certificate is not (yet) revoked; `None` once it may be.
    pub fn reason_not_to_revoke(&self) -> Option<String> {
        match self {
            Self::NoJobs => Some(
                "No installation job ran, so nothing confirms the new certificate is in use."
                    .to_owned(),
            ),
            Self::Running => Some("Waiting for the installation jobs to end.".to_owned()),
            Self::Failed { stores } => Some(format!(
                "The installation failed in {}, so the old certificate may still be in use.",
                stores.join(", ")
            )),
            Self::Succeeded => None,
        }
    }
}

/// The old certificate, as the confirmation names it, and the new one that supersedes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Superseded {
    pub old_id: i32,
    pub new_id: i32,
    pub common_name: String,
    pub serial_number: Option<String>,
    pub thumbprint: Option<String>,
    pub issuer: Option<String>,
}

impl Superseded {
    pub fn of(old: &Certificate, new_id: i32) -> Self {
        Self {
            old_id: old.id,
            new_id,
            common_name: display::certificate_name(old),
            serial_number: old.serial_number.clone(),
            thumbprint: old.thumbprint.clone(),
            issuer: old.issuer_dn.clone(),
        }
    }

    /// The revocation's comment, kept by Command in the certificate's history.
    pub fn comment(&self) -> String {
        format!(
            "Superseded by certificate {} (renewed with the certificate portal)",
            self.new_id
        )
    }

    /// What the confirmation lists: exactly what will be revoked, and why.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let unknown = || "not known".to_owned();
        vec![
            ("Certificate ID", self.old_id.to_string()),
            ("Common name", self.common_name.clone()),
            (
                "Serial number",
                self.serial_number.clone().unwrap_or_else(unknown),
            ),
            (
                "Thumbprint",
                self.thumbprint.clone().unwrap_or_else(unknown),
            ),
            ("Issuer", self.issuer.clone().unwrap_or_else(unknown)),
            ("Reason", reason_name(SUPERSEDED)),
            ("Comment", self.comment()),
        ]
    }

    /// The revocation, effective `at`; the endpoint adds the collection.
    pub fn request(&self, at: DateTime<Utc>) -> RevocationRequest {
        RevocationRequest {
            certificate_ids: vec![self.old_id],
            reason: SUPERSEDED,
            comment: self.comment(),
            effective_date: at,
            collection_id: None,
        }
    }
}

/// A `CRLReason` as people read it, with its number.
pub fn reason_name(code: i32) -> String {
    let name = match code {
        0 => "Unspecified",
        1 => "Key compromise",
        2 => "CA compromise",
        3 => "Affiliation changed",
        4 => "Superseded",
        5 => "Cessation of operation",
        6 => "Certificate hold",
        _ => "Other",
    };
    format!("{name} ({code})")
}

/// What reading the old certificate again says about revoking it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// These stores (machine and path) still hold it: revoking would break them.
    StillInstalled(Vec<String>),
    AlreadyRevoked {
        reason: Option<i32>,
    },
    Clear,
}

impl Check {
    /// `current` is the certificate read with its locations just before sending.
    pub fn of(current: &Certificate) -> Self {
        if current.cert_state == Some(CertState::Revoked) || current.revocation_reason.is_some() {
            return Self::AlreadyRevoked {
                reason: current.revocation_reason,
            };
        }
        let mut stores: Vec<String> = Vec::new();
        for location in &current.locations {
            let name = format!(
                "{} {}",
                location
                    .store_machine
                    .as_deref()
                    .unwrap_or("(unknown machine)"),
                location.store_path.as_deref().unwrap_or("")
            )
            .trim()
            .to_owned();
            if !stores.contains(&name) {
                stores.push(name);
            }
        }
        if stores.is_empty() {
            Self::Clear
        } else {
            Self::StillInstalled(stores)
        }
    }
}

/// What came of retiring the old certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retired {
    Revoked,
    /// A workflow holds the revocation until someone approves it.
    AwaitingApproval {
        message: Option<String>,
    },
    /// Found revoked before sending: by an earlier attempt whose answer was lost (`ours`), or by someone.
    AlreadyRevoked {
        reason: Option<i32>,
        ours: bool,
    },
    /// Nothing was sent: these stores still hold the old certificate.
    StillInstalled(Vec<String>),
    /// Keyfactor answered without naming the certificate as revoked or held.
    NotConfirmed,
}

impl Retired {
    pub fn from_response(old_id: i32, response: &RevocationResponse) -> Self {
        if let Some(held) = response
            .suspended_certs
            .iter()
            .find(|s| s.cert_id == Some(old_id))
        {
            return Self::AwaitingApproval {
                message: held.message.clone(),
            };
        }
        if response.revoked_ids.contains(&old_id) {
            Self::Revoked
        } else {
            Self::NotConfirmed
        }
    }

    /// Whether the old certificate is (or will be) revoked.
    pub fn is_revoked(&self) -> bool {
        matches!(
            self,
            Self::Revoked | Self::AlreadyRevoked { .. } | Self::AwaitingApproval { .. }
        )
    }

    /// One sentence for the page and the bulk row.
    pub fn describe(&self, old_id: i32) -> String {
        match self {
            Self::Revoked => format!(
                "Certificate {old_id} is revoked (reason: {}).",
                reason_name(SUPERSEDED)
            ),
            Self::AwaitingApproval { message } => format!(
                "The revocation of certificate {old_id} waits for approval in Keyfactor.{}",
                message
                    .as_deref()
                    .map(|m| format!(" Keyfactor says: {m}"))
                    .unwrap_or_default()
            ),
            Self::AlreadyRevoked { ours: true, .. } => format!(
                "Certificate {old_id} is revoked: the earlier attempt, whose answer was lost, went through."
            ),
            Self::AlreadyRevoked { reason, .. } => format!(
                "Certificate {old_id} was already revoked{}; nothing was sent.",
                reason
                    .map(|r| format!(" (reason: {})", reason_name(r)))
                    .unwrap_or_default()
            ),
            Self::StillInstalled(stores) => format!(
                "Not revoked: certificate {old_id} is still in {}. Revoking it would break {}; remove it there first.",
                stores.join(", "),
                if stores.len() == 1 { "that store" } else { "those stores" }
            ),
            Self::NotConfirmed => format!(
                "Keyfactor answered without listing certificate {old_id} as revoked; check the certificate before trying again."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn finished(result: JobResult) -> JobPhase {
        JobPhase::Finished {
            result,
            message: None,
        }
    }

    fn jobs(phases: &[JobPhase]) -> Vec<(String, JobPhase)> {
        phases
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("web0{i} /etc/tls"), p.clone()))
            .collect()
    }

    fn certificate(value: serde_json::Value) -> Certificate {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn revoking_is_offered_only_when_every_job_succeeded() {
        let ok = finished(JobResult::Success);
        assert_eq!(
            Installation::of(&[], &jobs(&[ok.clone(), ok.clone()])),
            Installation::Succeeded
        );
        assert_eq!(
            Installation::of(&[], &jobs(&[ok.clone(), JobPhase::InProcess])),
            Installation::Running
        );
        assert_eq!(
            Installation::of(&[], &jobs(&[ok.clone(), JobPhase::Searching])),
            Installation::Running
        );
        assert_eq!(Installation::of(&[], &[]), Installation::NoJobs);
        assert!(Installation::Succeeded.reason_not_to_revoke().is_none());
        assert!(Installation::Running.reason_not_to_revoke().is_some());
    }

    #[test]
    fn a_failed_job_a_warning_or_an_unscheduled_store_is_final_and_named() {
        let failed = Installation::of(
            &[],
            &jobs(&[JobPhase::InProcess, finished(JobResult::Failure)]),
        );
        assert_eq!(
            failed,
            Installation::Failed {
                stores: vec!["web01 /etc/tls".into()]
            }
        );
        assert!(failed
            .reason_not_to_revoke()
            .unwrap()
            .contains("web01 /etc/tls"));
        assert!(matches!(
            Installation::of(&[], &jobs(&[finished(JobResult::Warning)])),
            Installation::Failed { .. }
        ));
        assert_eq!(
            Installation::of(&["db01 /x".into()], &jobs(&[finished(JobResult::Success)])),
            Installation::Failed {
                stores: vec!["db01 /x".into()]
            }
        );
    }

    #[test]
    fn the_confirmation_names_the_old_certificate_and_the_request_carries_reason_4_and_the_comment()
    {
        let old = certificate(json!({
            "Id": 7, "IssuedCN": "web01.example.com", "SerialNumber": "0A1B",
            "Thumbprint": "AB12", "IssuerDN": "CN=Issuing CA"
        }));
        let superseded = Superseded::of(&old, 42);
        let facts = superseded.facts();
        for (label, value) in [
            ("Certificate ID", "7"),
            ("Common name", "web01.example.com"),
            ("Serial number", "0A1B"),
            ("Thumbprint", "AB12"),
            ("Issuer", "CN=Issuing CA"),
            ("Reason", "Superseded (4)"),
        ] {
            assert!(facts.contains(&(label, value.to_owned())), "{label}");
        }
        let at = DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            serde_json::to_value(superseded.request(at)).unwrap(),
            json!({
                "CertificateIds": [7], "Reason": 4,
                "Comment": "Superseded by certificate 42 (renewed with the certificate portal)",
                "EffectiveDate": "2026-05-01T10:00:00.000Z",
            })
        );
    }

    #[test]
    fn a_store_still_holding_the_old_certificate_refuses_and_is_named_once() {
        let held = certificate(json!({ "Id": 7, "Locations": [
            { "StoreMachine": "web01", "StorePath": "/etc/tls", "Alias": "a" },
            { "StoreMachine": "web01", "StorePath": "/etc/tls", "Alias": "b" },
            { "StoreMachine": "lb01", "StorePath": "/etc/haproxy" },
        ]}));
        assert_eq!(
            Check::of(&held),
            Check::StillInstalled(vec!["web01 /etc/tls".into(), "lb01 /etc/haproxy".into()])
        );
        let text = Retired::StillInstalled(vec!["web01 /etc/tls".into()]).describe(7);
        assert!(text.contains("web01 /etc/tls") && text.starts_with("Not revoked"));
        assert_eq!(
            Check::of(&certificate(json!({ "Id": 7, "Locations": [] }))),
            Check::Clear
        );
    }

    #[test]
    fn a_revoked_certificate_is_recognised_by_its_state_or_its_reason() {
        assert_eq!(
            Check::of(&certificate(
                json!({ "Id": 7, "CertState": 2, "RevocationReason": 4 })
            )),
            Check::AlreadyRevoked { reason: Some(4) }
        );
        assert_eq!(
            Check::of(&certificate(
                json!({ "Id": 7, "CertState": "Revoked", "RevocationReason": null })
            )),
            Check::AlreadyRevoked { reason: None }
        );
    }

    #[test]
    fn the_answer_says_revoked_held_for_approval_or_unconfirmed() {
        let answer = |value| serde_json::from_value::<RevocationResponse>(value).unwrap();
        assert_eq!(
            Retired::from_response(
                7,
                &answer(json!({ "RevokedIds": [7], "SuspendedCerts": [] }))
            ),
            Retired::Revoked
        );
        assert_eq!(
            Retired::from_response(
                7,
                &answer(
                    json!({ "RevokedIds": [], "SuspendedCerts": [{ "CertId": 7, "Message": "Needs approval" }] })
                )
            ),
            Retired::AwaitingApproval {
                message: Some("Needs approval".into())
            }
        );
        assert_eq!(
            Retired::from_response(
                7,
                &answer(json!({ "RevokedIds": null, "SuspendedCerts": null }))
            ),
            Retired::NotConfirmed
        );
        assert!(Retired::Revoked.describe(7).contains("Superseded (4)"));
    }
}
