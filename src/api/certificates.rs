//! Certificate endpoints: `GET /Certificates/{id}`, the `GET /Certificates` search, and the certificate as
//! a file (`POST /Certificates/Download`, `POST /Certificates/Recover`), and revocation
//! (`POST /Certificates/Revoke`).

use super::error::ApiError;
use super::transport::{read_all_pages, Expect, Keyfactor, Transport};
use crate::domain::models::{
    Certificate, CertificateOperation, DownloadRequest, DownloadResponse, RecoveryRequest,
    RecoveryResponse, RevocationRequest, RevocationResponse,
};
use crate::domain::query::{ListEndpoint, ListQuery};
use crate::domain::retrieval::{
    decode_file, CertificateFormat, SecretBytes, FORMAT_HEADER, PFX_FORMAT,
};
use crate::domain::SecretString;

/// How much of a certificate's history the plan shows.
const HISTORY_ROWS: u32 = 20;
/// Rows per request when a whole list is read.
const PAGE_SIZE: u32 = 25;
/// A server that ignored `PageReturned` would otherwise be read forever.
const MAX_PAGES: u32 = 200;

/// What a refused revocation needs.
const REVOCATION_REFUSED: &str =
    "Revoking takes Keyfactor's \"Certificates - Revoke\" permission (with \"Certificates - \
    Read\"); the new certificate is installed either way, and the old one simply expires.";
/// What a refused key recovery leaves the user: which permission it takes, and what still works.
const RECOVERY_REFUSED: &str =
    "Recovering the private key takes Keyfactor's \"Certificates - Recover Private \
    Key\" permission; the certificate with its chain can still be downloaded.";

/// Asks Keyfactor to include the stores a certificate is installed in.
fn with_locations() -> (String, String) {
    ("includeLocations".to_owned(), "true".to_owned())
}

impl<T: Transport> Keyfactor<T> {
    /// `GET /Certificates/{id}?includeLocations=true`: one certificate and where it is installed.
    pub async fn certificate_with_locations(&self, id: i32) -> Result<Certificate, ApiError> {
        let mut params = vec![with_locations()];
        params.extend(self.collection_query());
        let answer = self.get_json(&format!("Certificates/{id}"), &params).await;
        self.explain_collection_refusal(answer)
    }

    /// Every certificate `query` matches: page after page (`PageReturned`, `ReturnLimit`) until a short one.
    pub async fn all_certificates(&self, query: &ListQuery) -> Result<Vec<Certificate>, ApiError> {
        read_all_pages(query, PAGE_SIZE, MAX_PAGES, |page| async move {
            self.search_certificates(&page).await
        })
        .await
    }

    /// `GET /Certificates`, one page, with each certificate's locations.
    pub async fn search_certificates(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<Certificate>, ApiError> {
        let mut params = vec![with_locations()];
        params.extend(self.collection_query());
        let answer = self
            .get_page(ListEndpoint::Certificates, query, &params)
            .await;
        self.explain_collection_refusal(answer)
    }

    /// `GET /Certificates/{id}/History`: what happened to the certificate, newest first, the latest rows only.
    pub async fn certificate_history(
        &self,
        id: i32,
    ) -> Result<Vec<CertificateOperation>, ApiError> {
        let query = ListQuery {
            limit: HISTORY_ROWS,
            sort_field: Some("OperationStart".into()),
            sort_ascending: false,
            ..ListQuery::default()
        };
        let path = format!("Certificates/{id}/History");
        let answer = self
            .get_page_at(
                ListEndpoint::CertificateHistory,
                &path,
                &query,
                &self.collection_query(),
            )
            .await;
        self.explain_collection_refusal(answer)
    }

    /// `POST /Certificates/Download`: the certificate as `format`, with its chain where the format carries one.
    pub async fn download_certificate(
        &self,
        id: i32,
        format: CertificateFormat,
    ) -> Result<Vec<u8>, ApiError> {
        let request = DownloadRequest {
            cert_id: id,
            include_chain: format.include_chain(),
        };
        let headers = [(FORMAT_HEADER, format.header_value())];
        let answer: Result<DownloadResponse, ApiError> = self
            .post_with_headers(
                "Certificates/Download",
                &self.collection_query(),
                &headers,
                &request,
                Expect::Json,
            )
            .await;
        let answer = self.explain_collection_refusal(answer)?;
        decode_file(&answer.content).map_err(|detail| ApiError::Malformed { detail })
    }

    /// `POST /Certificates/Recover`: the certificate with the private key Command holds, as a PFX with its
    /// chain, protected by `password`.
    pub async fn recover_pfx(
        &self,
        id: i32,
        password: SecretString,
    ) -> Result<SecretBytes, ApiError> {
        let request = RecoveryRequest {
            password,
            cert_id: id,
            include_chain: true,
        };
        let headers = [(FORMAT_HEADER, PFX_FORMAT)];
        let answer: Result<RecoveryResponse, ApiError> = self
            .post_with_headers(
                "Certificates/Recover",
                &self.collection_query(),
                &headers,
                &request,
                Expect::Json,
            )
            .await;
        let answer = self
            .explain_collection_refusal(answer)
            .map_err(|error| error.refused_with(RECOVERY_REFUSED))?;
        SecretBytes::decode(&answer.pfx).map_err(|detail| ApiError::Malformed { detail })
    }

    /// `POST /Certificates/Revoke`: the collection, when the page works in one, goes in the body
    /// (`CollectionId`), where the spec puts it for this operation.
    pub async fn revoke(
        &self,
        request: &RevocationRequest,
    ) -> Result<RevocationResponse, ApiError> {
        let request = RevocationRequest {
            collection_id: self.0.collection_id().map(|id| id.get()),
            ..request.clone()
        };
        let answer = self
            .post("Certificates/Revoke", &[], &request, Expect::Json)
            .await;
        self.explain_collection_refusal(answer)
            .map_err(|error| error.refused_with(REVOCATION_REFUSED))
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
        Scripted::new(CommandVersion::default())
    }

    #[test]
    fn a_download_names_its_format_in_the_header_and_asks_for_the_chain_only_where_it_fits() {
        for (format, header, chain) in [
            (CertificateFormat::PemWithChain, "PEM", true),
            (CertificateFormat::Der, "DER", false),
            (CertificateFormat::Pkcs7, "P7B", true),
        ] {
            let api = keyfactor(script().ok(
                "POST",
                "Certificates/Download",
                json!({ "Content": "aGVsbG8=" }),
            ));
            assert_eq!(run(api.download_certificate(7, format)).unwrap(), b"hello");
            let sent = &api.sent()[0];
            assert_eq!(
                sent.headers,
                [("x-certificateformat".to_owned(), header.to_owned())]
            );
            assert_eq!(
                sent.body,
                Some(json!({ "CertID": 7, "IncludeChain": chain }))
            );
        }
    }

    #[test]
    fn a_recovered_pfx_carries_the_password_and_a_refusal_names_the_collection() {
        let api = keyfactor(script().ok(
            "POST",
            "Certificates/Recover",
            json!({ "PFX": "MIIK", "FileName": "x.pfx" }),
        ));
        let password = SecretString::from("Gen3rated-PFX-pa55".to_owned());
        let pfx = run(api.recover_pfx(7, password)).unwrap();
        assert_eq!(pfx.expose(), [0x30, 0x82, 0x0a]);
        let sent = &api.sent()[0];
        assert_eq!(
            sent.headers,
            [("x-certificateformat".to_owned(), "PFX".to_owned())]
        );
        assert_eq!(
            sent.body,
            Some(json!({ "Password": "Gen3rated-PFX-pa55", "CertID": 7, "IncludeChain": true }))
        );

        let refused = ApiError::Forbidden {
            message: "Missing Certificates: Recover Private Key.".into(),
            hint: String::new(),
        };
        let api = keyfactor(
            script()
                .in_collection(CollectionId::new(3).unwrap())
                .answer("POST", "Certificates/Recover", Err(refused)),
        );
        let error = run(api.recover_pfx(7, SecretString::from("x".repeat(12))))
            .err()
            .unwrap();
        assert_eq!(api.sent()[0].param("collectionId"), Some("3"));
        assert!(
            error.to_string().contains("can still be downloaded"),
            "{error}"
        );
        assert!(error.to_string().contains("collection 3"), "{error}");
    }

    #[test]
    fn the_history_is_read_newest_first_in_the_collection_spelled_for_the_version() {
        let rows =
            json!([{ "Id": 2, "OperationStart": "2026-11-28T10:00:00Z", "Action": "Renewed" }]);
        let api = keyfactor(script().in_collection(CollectionId::new(3).unwrap()).ok(
            "GET",
            "Certificates/7/History",
            rows,
        ));
        let history = run(api.certificate_history(7)).unwrap();
        assert_eq!(history[0].action.as_deref(), Some("Renewed"));
        let sent = &api.sent()[0];
        assert_eq!(sent.param("query.sortField"), Some("OperationStart"));
        assert_eq!(sent.param("query.sortAscending"), Some("1"), "newest first");
        assert_eq!(sent.param("query.returnLimit"), Some("20"));
        assert_eq!(sent.param("collectionId"), Some("3"));
    }

    #[test]
    fn an_empty_file_is_a_malformed_answer() {
        let api = keyfactor(script().ok("POST", "Certificates/Download", json!({ "Content": "" })));
        let error = run(api.download_certificate(7, CertificateFormat::Pem)).unwrap_err();
        assert!(matches!(error, ApiError::Malformed { .. }), "{error:?}");
    }
}
