use chrono::{DateTime, Utc};

use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::command_version::CommandVersion;
use crate::domain::enrollment_choices::EnrollmentChoices;
use crate::domain::models::{
    Agent, Certificate, CertificateLocation, CertificateRef, CertificateStore, RenewalRequest,
    RenewalResponse,
};
use crate::domain::query::ListQuery;
use crate::domain::renewal::{
    installed_locations, renewed_since_conditions, thumbprint_condition, InstalledLocation,
    RenewalPlan,
};
use crate::domain::Guid;

/// Everything the flow knows about the chosen certificate before renewing it.
#[derive(Clone, Debug)]
pub struct PlanData {
    pub reference: CertificateRef,
    pub version: CommandVersion,
    pub plan: RenewalPlan,
    pub certificate: Certificate,
    pub locations: Vec<InstalledLocation>,
    /// Why the orchestrators could not be listed (the plan is still usable without them).
    pub agents_problem: Option<ApiError>,
}

/// What a renewal submit led to.
#[derive(Clone, Debug)]
pub enum RenewOutcome {
    Issued(RenewalResponse),
    /// An earlier attempt, whose answer was lost, had already renewed the certificate.
    AlreadyRenewed(Box<Certificate>),
}

/// The certificate's details and locations: by id directly, by thumbprint through a search.
pub async fn find_certificate<T: Transport>(
    api: &Keyfactor<T>,
    reference: &CertificateRef,
) -> Result<Certificate, ApiError> {
    match reference {
        CertificateRef::Id(id) => api.certificate_with_locations(*id).await,
        CertificateRef::Thumbprint(thumbprint) => api
            .search_certificates(&ListQuery::matching(&[thumbprint_condition(thumbprint)]))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::NotFound {
                message: format!("no certificate has the thumbprint {thumbprint}."),
            }),
    }
}

/// The server's version, the renewal Keyfactor offers, the certificate and where it is installed.
pub async fn load_plan<T: Transport>(
    api: &Keyfactor<T>,
    reference: CertificateRef,
) -> Result<PlanData, ApiError> {
    let version = api.command_version().await?;
    let plan = api.renewal_plan(&reference).await?;
    let certificate = find_certificate(api, &reference).await?;
    let (stores, agents, agents_problem) = if certificate.locations.is_empty() {
        (Vec::new(), Vec::new(), None)
    } else {
        match orchestrators_of(api, &certificate.locations).await {
            Ok((stores, agents)) => (stores, agents, None),
            Err(error) => (Vec::new(), Vec::new(), Some(error)),
        }
    };
    Ok(PlanData {
        locations: installed_locations(&certificate.locations, &stores, &agents),
        plan,
        reference,
        version,
        certificate,
        agents_problem,
    })
}

/// The stores holding the certificate (for their `AgentId`), each read once, and the orchestrators; a failure
/// here only hides the orchestrator column, it does not stop the renewal.
async fn orchestrators_of<T: Transport>(
    api: &Keyfactor<T>,
    locations: &[CertificateLocation],
) -> Result<(Vec<CertificateStore>, Vec<Agent>), ApiError> {
    let mut ids: Vec<Guid> = Vec::new();
    for id in locations.iter().filter_map(|l| l.cert_store_id.as_ref()) {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let mut stores = Vec::with_capacity(ids.len());
    for id in &ids {
        stores.push(api.store(id).await?);
    }
    Ok((stores, api.agents().await?))
}

/// Renews `original`, unless a renewal sent at `unconfirmed` (whose answer was lost) is found to have gone
/// through: then one `GET /Certificates` finds its certificate and nothing is sent.
pub async fn renew_once<T: Transport>(
    api: &Keyfactor<T>,
    request: &RenewalRequest,
    original: &Certificate,
    unconfirmed: Option<DateTime<Utc>>,
) -> Result<RenewOutcome, ApiError> {
    if let Some(sent_at) = unconfirmed {
        let query = ListQuery::matching(&renewed_since_conditions(original, sent_at));
        if let Some(renewed) = api.search_certificates(&query).await?.into_iter().next() {
            return Ok(RenewOutcome::AlreadyRenewed(Box::new(renewed)));
        }
    }
    api.renew(request).await.map(RenewOutcome::Issued)
}

/// The templates (≤ v24) or enrollment patterns (v25) the caller may enroll with, with their CAs.
pub async fn enrollment_choices<T: Transport>(
    api: &Keyfactor<T>,
    version: CommandVersion,
) -> Result<EnrollmentChoices, ApiError> {
    let context = api.enrollment_context().await?;
    if version.uses_enrollment_patterns() {
        let patterns = api.enrollment_patterns().await?;
        Ok(EnrollmentChoices::from_patterns(&context, &patterns))
    } else {
        Ok(EnrollmentChoices::from_templates(&context))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::scripted::{keyfactor, run, Scripted};
    use crate::domain::collection::CollectionId;

    const STORE: &str = "5a2f0e6b-1c3d-4e5f-8a9b-0c1d2e3f4a5b";
    const AGENT: &str = "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b";

    fn v10() -> Scripted {
        Scripted::new(CommandVersion {
            major: 10,
            minor: 5,
        })
    }

    fn one_click() -> serde_json::Value {
        json!({ "AvailableRenewalType": 2 })
    }

    /// Certificate 1, installed twice in one store (Keyfactor's id in two cases) and once in another.
    fn installed_certificate() -> serde_json::Value {
        json!({
            "Id": 1, "IssuedDN": "CN=web01", "Locations": [
                { "CertStoreId": STORE, "Alias": "a" },
                { "CertStoreId": STORE.to_uppercase(), "Alias": "b" },
                { "CertStoreId": "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b", "Alias": "c" },
            ]
        })
    }

    fn store(id: &str) -> serde_json::Value {
        json!({ "Id": id, "ClientMachine": "web01", "Storepath": "/etc/tls", "CertStoreType": 2, "AgentId": AGENT })
    }

    #[test]
    fn a_plan_reads_each_store_once_then_the_orchestrators() {
        let api = keyfactor(
            v10()
                .ok("GET", "Enrollment/AvailableRenewal/Id/1", one_click())
                .ok("GET", "Certificates/1", installed_certificate())
                .ok("GET", &format!("CertificateStores/{STORE}"), store(STORE))
                .ok(
                    "GET",
                    "CertificateStores/0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b",
                    store("0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b"),
                )
                .ok(
                    "GET",
                    "Agents",
                    json!([{ "AgentId": AGENT.to_uppercase(), "ClientMachine": "orch01" }]),
                ),
        );
        let plan = run(load_plan(&api, CertificateRef::Id(1))).unwrap();
        assert_eq!(plan.plan, RenewalPlan::OneClick);
        assert_eq!(plan.locations.len(), 3);
        assert!(plan.agents_problem.is_none());
        let machines: Vec<_> = plan
            .locations
            .iter()
            .map(|l| l.orchestrator.as_ref().map(|o| o.machine.as_str()))
            .collect();
        assert_eq!(machines, [Some("orch01"); 3]);
        assert_eq!(
            api.lines(),
            [
                "GET Enrollment/AvailableRenewal/Id/1",
                "GET Certificates/1",
                &format!("GET CertificateStores/{STORE}"),
                "GET CertificateStores/0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b",
                "GET Agents",
            ]
        );
        assert_eq!(api.sent()[1].param("includeLocations"), Some("true"));
    }

    #[test]
    fn a_certificate_in_no_store_needs_no_store_or_orchestrator_read() {
        let api = keyfactor(
            v10()
                .ok("GET", "Enrollment/AvailableRenewal/Id/1", one_click())
                .ok("GET", "Certificates/1", json!({ "Id": 1 })),
        );
        let plan = run(load_plan(&api, CertificateRef::Id(1))).unwrap();
        assert!(plan.locations.is_empty());
        assert_eq!(api.lines().len(), 2);
    }

    #[test]
    fn orchestrators_that_cannot_be_read_leave_the_plan_usable_and_say_why() {
        let api = keyfactor(
            v10()
                .ok("GET", "Enrollment/AvailableRenewal/Id/1", one_click())
                .ok("GET", "Certificates/1", installed_certificate())
                .answer(
                    "GET",
                    &format!("CertificateStores/{STORE}"),
                    Err(ApiError::Forbidden {
                        message: "no store read".into(),
                        hint: String::new(),
                    }),
                ),
        );
        let plan = run(load_plan(&api, CertificateRef::Id(1))).unwrap();
        assert!(matches!(
            plan.agents_problem,
            Some(ApiError::Forbidden { .. })
        ));
        assert_eq!(plan.locations.len(), 3);
    }

    #[test]
    fn a_thumbprint_is_searched_and_an_unknown_one_is_not_found() {
        let thumbprint = "A".repeat(40);
        let api = keyfactor(v10().ok("GET", "Certificates", json!([])));
        let error = run(find_certificate(
            &api,
            &CertificateRef::Thumbprint(thumbprint.clone()),
        ))
        .unwrap_err();
        assert!(matches!(error, ApiError::NotFound { message } if message.contains(&thumbprint)));
        assert!(api.sent()[0]
            .param("pq.queryString")
            .is_some_and(|q| q.contains(&thumbprint)));
    }

    #[test]
    fn in_a_collection_every_certificate_read_names_it_and_a_refusal_explains_it() {
        let collection = CollectionId::new(3).unwrap();
        let api = keyfactor(
            v10()
                .in_collection(collection)
                .ok("GET", "Enrollment/AvailableRenewal/Id/1", one_click())
                .answer(
                    "GET",
                    "Certificates/1",
                    Err(ApiError::Forbidden {
                        message: "Forbidden.".into(),
                        hint: String::new(),
                    }),
                ),
        );
        let error = run(load_plan(&api, CertificateRef::Id(1))).unwrap_err();
        assert!(api
            .sent()
            .iter()
            .all(|sent| sent.param("collectionId") == Some("3")));
        assert!(matches!(error, ApiError::Forbidden { .. }), "{error:?}");
        assert!(error.to_string().contains("collection 3"), "{error}");
    }

    fn original() -> Certificate {
        serde_json::from_value(json!({ "Id": 1, "IssuedDN": "CN=web01" })).unwrap()
    }

    fn request() -> RenewalRequest {
        RenewalRequest::one_click(
            CertificateRef::Id(1),
            "2026-11-28T10:00:00Z".parse().unwrap(),
        )
    }

    fn issued() -> serde_json::Value {
        json!({ "KeyfactorId": 2, "RequestDisposition": "ISSUED", "Password": "pw" })
    }

    #[test]
    fn a_first_renewal_is_sent_without_looking_for_anything() {
        let api = keyfactor(v10().ok("POST", "Enrollment/Renew", issued()));
        let outcome = run(renew_once(&api, &request(), &original(), None)).unwrap();
        assert!(matches!(outcome, RenewOutcome::Issued(r) if r.keyfactor_id == Some(2)));
        assert_eq!(api.lines(), ["POST Enrollment/Renew"]);
    }

    #[test]
    fn after_a_lost_answer_a_certificate_issued_since_is_found_and_nothing_is_sent() {
        let sent_at = "2026-11-28T10:00:00Z".parse().unwrap();
        let api = keyfactor(v10().ok("GET", "Certificates", json!([{ "Id": 7 }])));
        let outcome = run(renew_once(&api, &request(), &original(), Some(sent_at))).unwrap();
        assert!(matches!(outcome, RenewOutcome::AlreadyRenewed(c) if c.id == 7));
        assert_eq!(api.lines(), ["GET Certificates"]);
        let query = api.sent()[0].param("pq.queryString").unwrap().to_owned();
        assert!(
            query.contains("IssuedDN -eq \"CN=web01\" AND Id -ne 1 AND ImportDate -ge"),
            "{query}"
        );
    }

    #[test]
    fn after_a_lost_answer_that_issued_nothing_the_renewal_is_sent() {
        let sent_at = "2026-11-28T10:00:00Z".parse().unwrap();
        let api = keyfactor(v10().ok("GET", "Certificates", json!([])).ok(
            "POST",
            "Enrollment/Renew",
            issued(),
        ));
        run(renew_once(&api, &request(), &original(), Some(sent_at))).unwrap();
        assert_eq!(api.lines(), ["GET Certificates", "POST Enrollment/Renew"]);
    }

    #[test]
    fn templates_before_v25_and_enrollment_patterns_from_v25() {
        let context = json!({ "Templates": [] });
        let api = keyfactor(v10().ok("GET", "Enrollment/PFX/Context/My", context.clone()));
        run(enrollment_choices(
            &api,
            CommandVersion {
                major: 10,
                minor: 5,
            },
        ))
        .unwrap();
        assert_eq!(api.lines(), ["GET Enrollment/PFX/Context/My"]);
        let v25 = CommandVersion {
            major: 25,
            minor: 4,
        };
        let api = keyfactor(
            Scripted::new(v25)
                .ok("GET", "Enrollment/PFX/Context/My", context)
                .ok("GET", "EnrollmentPatterns", json!([])),
        );
        run(enrollment_choices(&api, v25)).unwrap();
        assert_eq!(
            api.lines(),
            ["GET Enrollment/PFX/Context/My", "GET EnrollmentPatterns"]
        );
    }
}
