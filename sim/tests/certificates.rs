//! Certificate search and retrieval: QueryString, paging, sorting, flavour spelling, field set.

mod common;

use common::TestSim;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn retrieval_has_the_spec_field_spellings_and_empty_unrequested_lists() {
    let sim = TestSim::v10().await;
    let plain = sim.get("helpdesk", "/Certificates/1").await.json();
    for field in [
        "Id",
        "Thumbprint",
        "SerialNumber",
        "IssuedDN",
        "IssuedCN",
        "ImportDate",
        "NotBefore",
        "NotAfter",
        "IssuerDN",
        "TemplateId",
        "CertState",
        "KeySizeInBits",
        "KeyType",
        "RequesterId",
        "KeyUsage",
        "SigningAlgorithm",
        "CertStateString",
        "KeyTypeString",
        "RevocationEffDate",
        "RevocationReason",
        "CertificateAuthorityId",
        "CertificateAuthorityName",
        "TemplateName",
        "ArchivedKey",
        "HasPrivateKey",
        "CertRequestId",
        "RequesterName",
        "ContentBytes",
        "ExtendedKeyUsages",
        "SubjectAltNameElements",
        "CRLDistributionPoints",
        "LocationsCount",
        "SSLLocations",
        "Locations",
        "Metadata",
        "CARowIndex",
        "CARecordId",
        "DetailedKeyUsage",
        "KeyRecoverable",
        "Curve",
        "CertificateKeyId",
    ] {
        assert!(plain.get(field).is_some(), "missing {field}");
    }
    assert_eq!(plain["IssuedCN"], "web01.eu.keyexample.com");
    assert_eq!(plain["Thumbprint"].as_str().map(str::len), Some(40));
    assert_eq!(
        plain["CertificateAuthorityName"],
        "ca01.keyexample.com\\CorpIssuingCA1"
    );
    assert_eq!(plain["IssuerDN"], "CN=CorpIssuingCA1,DC=keyexample,DC=com");
    assert_eq!(
        plain["TemplateName"], "Web Server",
        "TemplateName is the display name"
    );
    assert_eq!(plain["Locations"], Value::Array(vec![]));
    assert_eq!(plain["Metadata"], serde_json::json!({}));

    let full = sim
        .get(
            "helpdesk",
            "/Certificates/1?includeLocations=true&includeMetadata=true",
        )
        .await
        .json();
    let locations = full["Locations"].as_array().expect("locations");
    assert_eq!(locations.len(), 2);
    assert!(locations
        .iter()
        .any(|l| l["StorePath"] == "/etc/ssl/certs/web01.pem"));
    for location in locations {
        for field in [
            "StoreMachine",
            "StorePath",
            "StoreType",
            "Alias",
            "ChainLevel",
            "CertStoreId",
        ] {
            assert!(location.get(field).is_some(), "location lacks {field}");
        }
    }
    assert!(full["Metadata"].as_object().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn v25_certificates_carry_the_v25_additions() {
    let sim = TestSim::v25().await;
    let cert = sim.get("helpdesk", "/Certificates/1").await.json();
    assert_eq!(cert["EnrollmentPatternId"], 2);
    assert!(cert.get("OwnerRoleId").is_some() && cert.get("Lifespan").is_some());
    assert!(cert.get("CertificateKeyId").is_none());
}

#[tokio::test]
async fn unknown_certificate_is_404_with_keyfactor_body() {
    let sim = TestSim::v10().await;
    let reply = sim.get("helpdesk", "/Certificates/987654").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.json()["ErrorCode"]
        .as_str()
        .is_some_and(|c| c.starts_with("0x")));
}

#[tokio::test]
async fn each_flavour_honours_its_own_parameter_spelling_and_ignores_the_other() {
    let filter = r#"IssuedCN -eq "web01.eu.keyexample.com""#;
    for (sim, (query_string, return_limit), (ignored_query, ignored_limit)) in [
        (
            TestSim::v10().await,
            ("pq.queryString", "pq.returnLimit"),
            ("QueryString", "ReturnLimit"),
        ),
        (
            TestSim::v25().await,
            ("QueryString", "ReturnLimit"),
            ("pq.queryString", "pq.returnLimit"),
        ),
    ] {
        let honoured = [(query_string, filter), (return_limit, "5")];
        let found = sim.get_query("helpdesk", "/Certificates", &honoured).await;
        assert_eq!(found.ids(), vec![1], "{query_string}");
        let ignored = [(ignored_query, filter), (ignored_limit, "5")];
        let unfiltered = sim.get_query("helpdesk", "/Certificates", &ignored).await;
        assert_eq!(unfiltered.status, StatusCode::OK);
        assert_eq!(
            unfiltered.ids().len(),
            50,
            "{ignored_query} ignored: the unfiltered first page of 50"
        );
    }
}

#[tokio::test]
async fn paging_until_a_short_page_visits_every_match_once() {
    let sim = TestSim::v25().await;
    let filter = r#"IssuedCN -contains "keyexample.com""#;
    let mut seen = Vec::new();
    for page in 1.. {
        let pairs = [
            ("QueryString", filter),
            ("PageReturned", &page.to_string()),
            ("ReturnLimit", "40"),
        ];
        let ids = sim
            .get_query("helpdesk", "/Certificates", &pairs)
            .await
            .ids();
        let short = ids.len() < 40;
        seen.extend(ids);
        if short {
            break;
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert!(seen.len() > 100);
    let beyond = sim.get("helpdesk", "/Certificates?PageReturned=999").await;
    assert_eq!(beyond.json(), Value::Array(vec![]));
}

#[tokio::test]
async fn sort_ascending_zero_and_descending_one() {
    let sim = TestSim::v25().await;
    let sorted = |direction: &'static str| {
        let pairs = [
            ("SortField", "NotAfter"),
            ("SortAscending", direction),
            ("ReturnLimit", "30"),
        ];
        let sim = &sim;
        async move {
            sim.get_query("helpdesk", "/Certificates", &pairs)
                .await
                .json()
                .as_array()
                .expect("array")
                .iter()
                .map(|c| c["NotAfter"].as_str().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
        }
    };
    let ascending = sorted("0").await;
    let descending = sorted("1").await;
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]));
    assert!(descending.windows(2).all(|w| w[0] >= w[1]));
    assert!(ascending[0] < descending[0]);
}

#[tokio::test]
async fn query_language_filters_by_dates_templates_sans_and_combinations() {
    let sim = TestSim::v25().await;
    let search = |filter: &'static str| {
        let pairs = [("QueryString", filter), ("ReturnLimit", "1000")];
        let sim = &sim;
        async move { sim.get_query("helpdesk", "/Certificates", &pairs).await }
    };
    let soon = search("NotAfter -le %TODAY+7%").await.json();
    let soon = soon.as_array().expect("array");
    assert!(
        soon.iter().any(|c| c["Id"] == 1),
        "cert 1 expires within 7 days"
    );
    assert!(
        soon.iter().all(|c| c["Id"] != 2),
        "cert 2 expires in 20 days"
    );

    let by_template =
        search(r#"TemplateShortName -eq "CodeSigning" AND RequesterName -eq "KEYEXAMPLE\alice""#)
            .await
            .ids();
    assert!(by_template.contains(&5));

    let either = search(r#"(IssuedCN -eq "web01.eu.keyexample.com" OR IssuedCN -eq "web02.eu.keyexample.com") AND CA -eq "ca01.keyexample.com\CorpIssuingCA1""#)
        .await
        .ids();
    assert!(either.contains(&1) && either.contains(&12));

    let by_san = search(r#"SAN -contains "shop.keyexample""#).await.ids();
    assert_eq!(by_san, vec![13]);

    for bad in [r#"Nope -eq "x""#, r#"IssuedCN -eq "unterminated"#, "Id -eq"] {
        let reply = search(bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.json()["ErrorCode"].as_str().is_some());
    }
}

#[tokio::test]
async fn revoked_and_expired_are_hidden_unless_asked_for_per_flavour_spelling() {
    let sim = TestSim::v10().await;
    let ids = |reply: common::Reply| reply.ids();
    let default = ids(sim
        .get("helpdesk", "/Certificates?pq.returnLimit=1000")
        .await);
    assert!(!default.contains(&4) && !default.contains(&11));
    let all = ids(sim
        .get(
            "helpdesk",
            "/Certificates?pq.returnLimit=1000&pq.includeRevoked=true&pq.includeExpired=true",
        )
        .await);
    assert!(all.contains(&4) && all.contains(&11));
    let v25 = TestSim::v25().await;
    let all = ids(v25
        .get(
            "helpdesk",
            "/Certificates?ReturnLimit=1000&IncludeRevoked=true&IncludeExpired=true",
        )
        .await);
    assert!(all.contains(&4) && all.contains(&11));
}
