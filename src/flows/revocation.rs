use chrono::{DateTime, Utc};

use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::revocation::{Check, Retired, Superseded};

/// Revokes the superseded certificate unless reading it again (with its locations) shows a store still
/// holds it, or that it is revoked already: by the earlier attempt whose answer was lost (`lost_earlier`),
/// or by someone else. So a retry never sends a second revocation for an effect already there.
pub async fn retire_once<T: Transport>(
    api: &Keyfactor<T>,
    superseded: &Superseded,
    lost_earlier: bool,
    at: DateTime<Utc>,
) -> Result<Retired, ApiError> {
    let current = api.certificate_with_locations(superseded.old_id).await?;
    match Check::of(&current) {
        Check::StillInstalled(stores) => Ok(Retired::StillInstalled(stores)),
        Check::AlreadyRevoked { reason } => Ok(Retired::AlreadyRevoked {
            reason,
            ours: lost_earlier,
        }),
        Check::Clear => {
            let answer = api.revoke(&superseded.request(at)).await?;
            Ok(Retired::from_response(superseded.old_id, &answer))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::scripted::{keyfactor, run, Scripted};
    use crate::domain::collection::CollectionId;
    use crate::domain::command_version::CommandVersion;

    fn script() -> Scripted {
        Scripted::new(CommandVersion {
            major: 10,
            minor: 5,
        })
    }

    fn superseded() -> Superseded {
        Superseded {
            old_id: 7,
            new_id: 42,
            common_name: "web01.example.com".into(),
            serial_number: Some("0A1B".into()),
            thumbprint: Some("AB12".into()),
            issuer: Some("CN=Issuing CA".into()),
        }
    }

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn active(locations: serde_json::Value) -> serde_json::Value {
        json!({ "Id": 7, "CertState": 1, "RevocationReason": null, "Locations": locations })
    }

    #[test]
    fn a_certificate_in_no_store_is_read_then_revoked_once_with_reason_4_in_the_collection() {
        let api = keyfactor(
            script()
                .in_collection(CollectionId::new(3).unwrap())
                .ok("GET", "Certificates/7", active(json!([])))
                .ok(
                    "POST",
                    "Certificates/Revoke",
                    json!({ "RevokedIds": [7], "SuspendedCerts": [] }),
                ),
        );
        let retired = run(retire_once(&api, &superseded(), false, at())).unwrap();
        assert_eq!(retired, Retired::Revoked);
        assert_eq!(
            api.lines(),
            ["GET Certificates/7", "POST Certificates/Revoke"]
        );
        let sent = api.sent();
        assert_eq!(sent[0].param("includeLocations"), Some("true"));
        assert_eq!(sent[0].param("collectionId"), Some("3"));
        assert!(sent[1].query.is_empty());
        assert_eq!(
            sent[1].body,
            Some(json!({
                "CertificateIds": [7], "Reason": 4,
                "Comment": "Superseded by certificate 42 (renewed with the certificate portal)",
                "EffectiveDate": "2026-05-01T10:00:00.000Z", "CollectionId": 3,
            }))
        );
    }

    #[test]
    fn while_a_store_holds_the_old_certificate_nothing_is_sent() {
        let api = keyfactor(script().ok(
            "GET",
            "Certificates/7",
            active(json!([{ "StoreMachine": "web01", "StorePath": "/etc/tls" }])),
        ));
        assert_eq!(
            run(retire_once(&api, &superseded(), false, at())).unwrap(),
            Retired::StillInstalled(vec!["web01 /etc/tls".into()])
        );
        assert_eq!(api.lines(), ["GET Certificates/7"]);
    }

    #[test]
    fn after_a_lost_answer_the_revocation_found_in_place_is_not_sent_again() {
        let api = keyfactor(script().ok(
            "GET",
            "Certificates/7",
            json!({ "Id": 7, "CertState": 2, "RevocationReason": 4, "Locations": [] }),
        ));
        assert_eq!(
            run(retire_once(&api, &superseded(), true, at())).unwrap(),
            Retired::AlreadyRevoked {
                reason: Some(4),
                ours: true
            }
        );
        assert_eq!(api.lines(), ["GET Certificates/7"]);
    }

    #[test]
    fn a_refusal_names_the_missing_permission() {
        let api = keyfactor(
            script().ok("GET", "Certificates/7", active(json!([]))).answer(
                "POST",
                "Certificates/Revoke",
                Err(ApiError::Forbidden {
                    message: "User KEYEXAMPLE\\auditor does not have any of the required permissions: Certificates - Revoke".into(),
                    hint: String::new(),
                }),
            ),
        );
        let error = run(retire_once(&api, &superseded(), false, at())).unwrap_err();
        let ApiError::Forbidden { hint, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(hint.contains("Certificates - Revoke"), "{hint}");
    }
}
