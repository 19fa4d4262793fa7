//! Reading what a bulk renewal's plan needs that the list has not read yet.

use std::collections::BTreeMap;

use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::bulk::{plan_rows, PlannedRow};
use crate::domain::command_version::CommandVersion;
use crate::domain::enrollment_choices::EnrollmentChoices;
use crate::domain::models::{Certificate, CertificateRef};
use crate::domain::renewal::RenewalPlan;
use crate::flows::renewal::enrollment_choices;

/// The plan for `certificates`, in their order: the version, the renewal of each certificate `known` has no
/// plan for (a failed read leaves that row out), and, only when a row is seeded, the templates and CAs the
/// user may use.
pub async fn load_plan<T: Transport>(
    api: &Keyfactor<T>,
    certificates: &[Certificate],
    known: &BTreeMap<i32, RenewalPlan>,
) -> Result<(CommandVersion, Vec<PlannedRow>), ApiError> {
    let version = api.command_version().await?;
    // Only the batch's own plans: a seeded plan of a certificate left out must not cost a choices read.
    let mut plans = BTreeMap::new();
    for certificate in certificates {
        let plan = match known.get(&certificate.id) {
            Some(plan) => plan.clone(),
            None => match api.renewal_plan(&CertificateRef::Id(certificate.id)).await {
                Ok(plan) => plan,
                Err(ApiError::Cancelled) => return Err(ApiError::Cancelled),
                Err(_) => continue,
            },
        };
        plans.insert(certificate.id, plan);
    }
    let choices = if plans.values().any(RenewalPlan::needs_choices) {
        enrollment_choices(api, version).await?
    } else {
        EnrollmentChoices::default()
    };
    Ok((version, plan_rows(certificates, &plans, &choices, version)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::scripted::{keyfactor, run, Scripted};
    use crate::domain::bulk::RowRenewal;

    const VERSION: CommandVersion = CommandVersion {
        major: 10,
        minor: 5,
    };
    const SEEDED: u8 = 1;
    const ONE_CLICK: u8 = 2;

    /// Certificates issued with the template `WebServer` by `ca01\Issuing`.
    fn certificates(ids: &[i32]) -> Vec<Certificate> {
        ids.iter()
            .map(|id| {
                serde_json::from_value(json!({
                    "Id": id, "IssuedCN": format!("svc{id}.keyexample.com"),
                    "TemplateName": "WebServer", "CertificateAuthorityName": "ca01\\Issuing",
                }))
                .unwrap()
            })
            .collect()
    }

    fn available(id: i32) -> String {
        format!("Enrollment/AvailableRenewal/Id/{id}")
    }

    fn offers(renewal_type: u8) -> serde_json::Value {
        json!({ "AvailableRenewalType": renewal_type })
    }

    fn renewals(rows: &[PlannedRow]) -> Vec<&RowRenewal> {
        rows.iter().map(|row| &row.renewal).collect()
    }

    #[test]
    fn plans_the_list_already_read_are_not_read_again() {
        let api = keyfactor(Scripted::new(VERSION).ok("GET", &available(2), offers(ONE_CLICK)));
        let known = BTreeMap::from([(1, RenewalPlan::OneClick)]);
        let (version, rows) = run(load_plan(&api, &certificates(&[1, 2]), &known)).unwrap();
        assert_eq!(version, VERSION);
        assert_eq!(
            renewals(&rows),
            [&RowRenewal::OneClick, &RowRenewal::OneClick]
        );
        assert_eq!(api.lines(), ["GET Enrollment/AvailableRenewal/Id/2"]);
    }

    #[test]
    fn a_seeded_row_reads_the_choices_once_and_takes_its_own_template_and_ca() {
        let api = keyfactor(
            Scripted::new(VERSION)
                .ok("GET", &available(1), offers(SEEDED))
                .ok("GET", &available(2), offers(SEEDED))
                .ok(
                    "GET",
                    "Enrollment/PFX/Context/My",
                    json!({ "Templates": [{ "Name": "WebServer", "CAs": [{ "Name": "ca01\\Issuing" }] }] }),
                ),
        );
        let (_, rows) = run(load_plan(&api, &certificates(&[1, 2]), &BTreeMap::new())).unwrap();
        assert!(rows
            .iter()
            .all(|row| matches!(row.renewal, RowRenewal::Seeded(_))));
        assert_eq!(
            api.lines(),
            [
                "GET Enrollment/AvailableRenewal/Id/1",
                "GET Enrollment/AvailableRenewal/Id/2",
                "GET Enrollment/PFX/Context/My",
            ]
        );
    }

    #[test]
    fn without_a_seeded_row_in_the_batch_no_choices_are_read() {
        let api = keyfactor(Scripted::new(VERSION));
        // Certificate 2 is seeded but not in the batch.
        let known = BTreeMap::from([(1, RenewalPlan::OneClick), (2, RenewalPlan::Seeded)]);
        run(load_plan(&api, &certificates(&[1]), &known)).unwrap();
        assert!(api.lines().is_empty());
    }

    #[test]
    fn a_failed_read_leaves_only_that_row_out() {
        let api = keyfactor(
            Scripted::new(VERSION)
                .answer(
                    "GET",
                    &available(1),
                    Err(ApiError::Forbidden {
                        message: "Forbidden.".into(),
                        hint: String::new(),
                    }),
                )
                .ok("GET", &available(2), offers(ONE_CLICK)),
        );
        let (_, rows) = run(load_plan(&api, &certificates(&[1, 2]), &BTreeMap::new())).unwrap();
        assert!(matches!(rows[0].renewal, RowRenewal::NotRenewable { .. }));
        assert_eq!(rows[1].renewal, RowRenewal::OneClick);
        assert_eq!(api.lines().len(), 2);
    }

    #[test]
    fn a_cancelled_read_stops_the_plan() {
        let api = keyfactor(Scripted::new(VERSION).answer(
            "GET",
            &available(1),
            Err(ApiError::Cancelled),
        ));
        let result = run(load_plan(&api, &certificates(&[1, 2]), &BTreeMap::new()));
        assert!(matches!(result, Err(ApiError::Cancelled)));
        assert_eq!(api.lines(), ["GET Enrollment/AvailableRenewal/Id/1"]);
    }
}
