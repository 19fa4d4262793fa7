//! The simulator's certificates are real X.509: what Download and Recover hand out opens with
//! ordinary X.509/PKCS#7/PKCS#12 code and agrees with what the API says about each certificate.

mod common;

use common::{decode, post_format, renewal, TestSim};
use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::DecodePrivateKey;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};
use std::str::FromStr;
use x509_cert::name::Name;
use x509_cert::Certificate;

const DOWNLOAD: &str = "/Certificates/Download";
const RECOVER: &str = "/Certificates/Recover";

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The DER blocks of a PEM text, in order.
fn pem_certificates(text: &str) -> Vec<Vec<u8>> {
    let blocks = text
        .split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .filter_map(|rest| rest.split("-----END CERTIFICATE-----").next());
    blocks
        .map(|body| {
            let compact: String = body.split_whitespace().collect();
            decode(&Value::String(compact))
        })
        .collect()
}

fn public_key(certificate: &Certificate) -> VerifyingKey {
    let spki = certificate.tbs_certificate().subject_public_key_info();
    VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes()).expect("P-256 key")
}

/// `certificate` is signed by the holder of `issuer`'s key.
fn verifies_under(certificate: &Certificate, issuer: &Certificate) -> bool {
    let tbs = certificate.tbs_certificate().to_der().expect("TBS");
    let signature = DerSignature::from_bytes(certificate.signature().raw_bytes()).expect("DER");
    public_key(issuer).verify(&tbs, &signature).is_ok()
}

async fn download(sim: &TestSim, format: &str, body: Value) -> Vec<u8> {
    let reply = post_format(sim, "helpdesk", DOWNLOAD, Some(format), body).await;
    decode(&reply.expecting(StatusCode::OK).json()["Content"])
}

#[tokio::test]
async fn downloaded_pem_is_the_certificate_the_api_describes_then_its_ca() {
    for sim in [TestSim::v10().await, TestSim::v25_spec().await] {
        for id in [1, 2, 13, 40] {
            let model = sim
                .get("helpdesk", &format!("/Certificates/{id}"))
                .await
                .json();
            let pem = download(&sim, "PEM", json!({ "CertID": id, "IncludeChain": true })).await;
            let chain = pem_certificates(&String::from_utf8(pem).expect("PEM text"));
            assert_eq!(chain.len(), 2, "leaf then CA");
            let leaf = Certificate::from_der(&chain[0]).expect("leaf X.509");
            let ca = Certificate::from_der(&chain[1]).expect("CA X.509");
            let tbs = leaf.tbs_certificate();
            assert_eq!(hex_upper(&Sha1::digest(&chain[0])), model["Thumbprint"]);
            let subject = Name::from_str(model["IssuedDN"].as_str().expect("IssuedDN"));
            assert_eq!(tbs.subject(), &subject.expect("subject DN"));
            let issuer = Name::from_str(model["IssuerDN"].as_str().expect("IssuerDN"));
            assert_eq!(tbs.issuer(), &issuer.expect("issuer DN"));
            let serial = model["SerialNumber"].as_str().expect("serial");
            // Compared as numbers: DER drops leading zero bytes unless the next has its high bit set.
            let der_serial = hex_upper(tbs.serial_number().as_bytes());
            assert_eq!(
                der_serial.trim_start_matches("00"),
                serial.trim_start_matches("00")
            );
            let not_after = tbs.validity().not_after.to_system_time();
            let expected =
                chrono::DateTime::parse_from_rfc3339(model["NotAfter"].as_str().expect("NotAfter"));
            assert_eq!(
                chrono::DateTime::<chrono::Utc>::from(not_after),
                expected.expect("date")
            );
            // The chain is leaf → CA: the CA is the leaf's issuer, self-signed, and signed the leaf.
            assert_eq!(ca.tbs_certificate().subject(), tbs.issuer());
            assert_eq!(
                ca.tbs_certificate().issuer(),
                ca.tbs_certificate().subject()
            );
            assert!(
                verifies_under(&leaf, &ca),
                "certificate {id} verifies under its CA"
            );
            assert!(verifies_under(&ca, &ca), "the CA is self-signed");
            // DER is the leaf alone, the same bytes.
            let der = download(&sim, "DER", json!({ "CertID": id, "IncludeChain": true })).await;
            assert_eq!(der, chain[0]);
        }
    }
}

#[tokio::test]
async fn p7b_is_a_certs_only_signed_data_with_the_certificate_and_its_ca() {
    let sim = TestSim::v10().await;
    let p7b = download(&sim, "P7B", json!({ "CertID": 1, "IncludeChain": true })).await;
    let info = cms::content_info::ContentInfo::from_der(&p7b).expect("ContentInfo");
    assert_eq!(info.content_type.to_string(), "1.2.840.113549.1.7.2");
    let signed: cms::signed_data::SignedData = info.content.decode_as().expect("SignedData");
    assert!(signed.signer_infos.0.is_empty(), "certs-only: no signers");
    let certificates = signed.certificates.expect("certificates").0;
    let pem = download(&sim, "PEM", json!({ "CertID": 1, "IncludeChain": true })).await;
    let mut expected = pem_certificates(&String::from_utf8(pem).expect("PEM text"));
    let mut held: Vec<Vec<u8>> = certificates
        .iter()
        .map(|choice| match choice {
            cms::cert::CertificateChoices::Certificate(c) => c.to_der().expect("DER"),
            cms::cert::CertificateChoices::Other(_) => Vec::new(),
        })
        .collect();
    expected.sort();
    held.sort();
    assert_eq!(held, expected);
}

#[tokio::test]
async fn recovered_pfx_opens_with_the_password_only_and_holds_the_key_of_its_certificate() {
    use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
    let sim = TestSim::v10().await;
    let body = json!({ "CertID": 1, "Password": "Correct-Horse-1", "IncludeChain": true });
    let reply = post_format(&sim, "helpdesk", RECOVER, Some("PFX"), body).await;
    let pfx = decode(&reply.expecting(StatusCode::OK).json()["PFX"]);
    assert!(KeyStore::from_pkcs12(&pfx, "wrong", Pkcs12ImportPolicy::Strict).is_err());
    let store = KeyStore::from_pkcs12(&pfx, "Correct-Horse-1", Pkcs12ImportPolicy::Strict)
        .expect("opens with the password");
    let (_, chain) = store.private_key_chain().expect("a key and its chain");
    let pem = download(&sim, "PEM", json!({ "CertID": 1, "IncludeChain": true })).await;
    let expected = pem_certificates(&String::from_utf8(pem).expect("PEM text"));
    let held: Vec<&[u8]> = chain.certs().iter().map(|c| c.as_der()).collect();
    assert_eq!(held, expected.iter().map(Vec::as_slice).collect::<Vec<_>>());
    let key = SigningKey::from_pkcs8_der(chain.key().as_der()).expect("PKCS#8 P-256 key");
    let leaf = Certificate::from_der(&expected[0]).expect("leaf");
    assert_eq!(key.verifying_key(), &public_key(&leaf));
}

#[tokio::test]
async fn a_renewal_issues_a_real_certificate_whose_sha1_is_the_thumbprint_renew_answered() {
    let sim = TestSim::v10().await;
    let issued = sim
        .post("helpdesk", "/Enrollment/Renew", renewal(1))
        .await
        .json();
    let thumbprint = issued["Thumbprint"].as_str().expect("issued");
    let der = download(&sim, "DER", json!({ "Thumbprint": thumbprint })).await;
    assert_eq!(hex_upper(&Sha1::digest(&der)), thumbprint);
    let renewed = Certificate::from_der(&der).expect("X.509");
    let old = download(&sim, "DER", json!({ "CertID": 1 })).await;
    let old = Certificate::from_der(&old).expect("X.509");
    assert_eq!(
        renewed.tbs_certificate().subject(),
        old.tbs_certificate().subject()
    );
    assert_ne!(public_key(&renewed), public_key(&old), "a new key");
}

#[tokio::test]
async fn recovered_pem_holds_the_key_encrypted_under_the_password_then_the_certificate() {
    let sim = TestSim::v10().await;
    let body = json!({ "CertID": 1, "Password": "Correct-Horse-1" });
    let reply = post_format(&sim, "helpdesk", RECOVER, Some("PEM"), body).await;
    let text = String::from_utf8(decode(&reply.expecting(StatusCode::OK).json()["PFX"]))
        .expect("PEM text");
    let key_block = text
        .split("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        .nth(1)
        .and_then(|rest| rest.split("-----END ENCRYPTED PRIVATE KEY-----").next())
        .expect("an encrypted key");
    let compact: String = key_block.split_whitespace().collect();
    let encrypted = decode(&Value::String(compact));
    let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(encrypted.as_slice()).expect("PKCS#8");
    assert!(info.decrypt("wrong").is_err());
    let document = info
        .decrypt("Correct-Horse-1")
        .expect("opens with the password");
    let key = SigningKey::from_pkcs8_der(document.as_bytes()).expect("P-256 key");
    let certificates = pem_certificates(&text);
    assert_eq!(
        certificates.len(),
        1,
        "the certificate alone without IncludeChain"
    );
    let leaf = Certificate::from_der(&certificates[0]).expect("leaf");
    assert_eq!(key.verifying_key(), &public_key(&leaf));
}
