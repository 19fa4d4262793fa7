//! Getting a certificate out of Command: `POST /Certificates/Download` (the certificate, optionally
//! with its chain, as PEM, DER or PKCS#7) and `POST /Certificates/Recover` (with the private key
//! Command holds, as a password-protected PFX or PEM).
//!
//! The files are real (`crate::pki`): the certificate's DER X.509 (whose SHA-1 is its thumbprint),
//! its CA's self-signed certificate as the chain, PEM armour around them, a `certs-only` PKCS#7, and
//! for Recover a PKCS#12 (PBES2/AES-256-CBC, HMAC-SHA-256 MAC) or a PEM with the PKCS#8 key
//! encrypted under the request's password (PBES2: PBKDF2-HMAC-SHA-256, AES-256-CBC). Every
//! shape on the wire (`Content` / `PFX` + `FileName`, base64) is as the v10 spec reads; no recording
//! of a success exists, only of the 400s (`errors-400-certificates-recover-format__…json`), which
//! the recorded wire mode writes with `\u0027` like every error body.

use axum::http::HeaderMap;
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};

use super::call::Posting;
use super::enrollment::certificate_not_found;
use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::listing::QueryParams;
use crate::model::{Certificate, World};
use crate::permissions::{Permission, Scope};
use crate::pki;

/// The header both endpoints read the format from (`x-certificateformat` in the spec).
pub const FORMAT_HEADER: &str = "x-certificateformat";

/// What `X-CertificateFormat` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Pem,
    Der,
    P7b,
    Pfx,
}

impl Format {
    fn parse(headers: &HeaderMap, allowed: &[Format]) -> ApiResult<Format> {
        let raw = headers
            .get(FORMAT_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::FormatMissing,
                    "You must supply a certificate format in the 'X-CertificateFormat' header of the request.",
                )
            })?;
        let format = match raw.to_ascii_uppercase().as_str() {
            "PEM" => Some(Format::Pem),
            "DER" => Some(Format::Der),
            "P7B" => Some(Format::P7b),
            "PFX" => Some(Format::Pfx),
            _ => None,
        };
        format.filter(|f| allowed.contains(f)).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::FormatInvalid,
                format!("The format '{raw}' is invalid."),
            )
        })
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(ErrorCode::MalformedRequest, message)
}

/// The certificate a Download/Recover body names: `CertID`, else `Thumbprint`, else `SerialNumber`
/// with `IssuerDN` (a serial number is unique only per CA).
fn certificate_named<'w>(world: &'w World, body: &JsonBody) -> ApiResult<&'w Certificate> {
    if let Some(id) = body.int("CertID")?.filter(|id| *id != 0) {
        return i32::try_from(id)
            .ok()
            .and_then(|id| world.certificate(id))
            .ok_or_else(|| certificate_not_found(&id.to_string()));
    }
    if let Some(thumbprint) = body.text("Thumbprint")? {
        return world
            .certificate_by_thumbprint(&thumbprint)
            .ok_or_else(|| certificate_not_found(&thumbprint));
    }
    match (body.text("SerialNumber")?, body.text("IssuerDN")?) {
        (Some(serial), Some(issuer)) => {
            let compact = |dn: &str| dn.replace(", ", ",").to_ascii_lowercase();
            world
                .certificates
                .iter()
                .find(|c| {
                    c.serial_number.eq_ignore_ascii_case(serial.trim())
                        && world
                            .authority(c.ca_id)
                            .is_some_and(|ca| compact(ca.issuer_dn) == compact(&issuer))
                })
                .ok_or_else(|| certificate_not_found(&serial))
        }
        (Some(_), None) => Err(bad_request(
            "IssuerDN is required with SerialNumber: serial numbers are unique only per certificate authority.",
        )),
        _ => Err(bad_request(
            "At least one of CertID, Thumbprint, or SerialNumber and IssuerDN must be provided.",
        )),
    }
}

/// The certificate's DER, then (with `chain`) its issuing CA's.
fn encodings(world: &World, certificate: &Certificate, chain: bool) -> Vec<Vec<u8>> {
    let mut parts = vec![certificate.content.clone()];
    if chain {
        parts.extend(
            world
                .authority(certificate.ca_id)
                .map(|ca| ca.credentials.der.clone()),
        );
    }
    parts
}

fn pem_block(label: &str, der: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The scope (`collectionId`) and the certificate, once the caller may read it there.
fn readable<'w>(
    caller: &Caller,
    params: &QueryParams,
    world: &'w World,
    body: &JsonBody,
    now: crate::model::Timestamp,
) -> ApiResult<(Scope, &'w Certificate)> {
    let scope = Scope::from_params(params)?;
    let certificate = certificate_named(world, body)?;
    caller.require_read(scope, certificate, world, now)?;
    Ok((scope, certificate))
}

/// What Download and Recover check first, in order: `needs` on the `collectionId` scope, the
/// `X-CertificateFormat` among `formats`, then the JSON body.
fn opening(
    call: &Posting,
    needs: &[Permission],
    formats: &[Format],
) -> ApiResult<(Format, JsonBody)> {
    call.caller
        .require(needs, Scope::from_params(&call.params)?)?;
    let format = Format::parse(&call.headers, formats)?;
    let body = call.json()?;
    Ok((format, body))
}

/// `POST /Certificates/Download` (`collectionId`; `X-CertificateFormat`: PEM, DER or P7B). Body
/// `{CertID | Thumbprint | SerialNumber+IssuerDN, IncludeChain}` → `{"Content": base64}`: the PEM
/// text (leaf first, then the issuing CA with `IncludeChain`), the leaf's DER (DER ignores
/// `IncludeChain`), or a PKCS#7 holding the leaf (and the CA). Needs `Certificates - Read`.
pub async fn download(call: Posting) -> ApiResult<Json<Value>> {
    let formats = [Format::Pem, Format::Der, Format::P7b];
    let (format, body) = opening(&call, &[Permission::CertificatesRead], &formats)?;
    let Posting {
        sim,
        caller,
        params,
        ..
    } = call;
    let chain = body.bool("IncludeChain")?.unwrap_or(false);
    let state = sim.settled();
    let (_, certificate) = readable(&caller, &params, &state.world, &body, state.now())?;
    let parts = encodings(&state.world, certificate, chain && format != Format::Der);
    let content = match format {
        Format::Pem => parts
            .iter()
            .map(|der| pem_block("CERTIFICATE", der))
            .collect::<String>()
            .into_bytes(),
        Format::Der => parts[0].clone(),
        _ => pki::pkcs7_certs_only(&parts),
    };
    Ok(Json(json!({ "Content": base64(&content) })))
}

/// `POST /Certificates/Recover` (`collectionId`; `X-CertificateFormat`: PFX or PEM). Body
/// `{Password (required), CertID | Thumbprint | SerialNumber+IssuerDN, IncludeChain}` →
/// `{"PFX": base64, "FileName": "<CN>.pfx|.pem"}`. Needs `Certificates - Read` and `Certificates -
/// Recover Private Key`; 400 `0xA0110002` when Command holds no private key for it.
pub async fn recover(call: Posting) -> ApiResult<Json<Value>> {
    let needs = [
        Permission::CertificatesRead,
        Permission::CertificatesRecover,
    ];
    let (format, body) = opening(&call, &needs, &[Format::Pfx, Format::Pem])?;
    let Posting {
        sim,
        caller,
        params,
        ..
    } = call;
    let password = body
        .string("Password")?
        .filter(|p| !p.is_empty())
        .ok_or_else(|| bad_request("The Password field is required."))?;
    let chain = body.bool("IncludeChain")?.unwrap_or(false);
    let state = sim.settled();
    let (_, certificate) = readable(&caller, &params, &state.world, &body, state.now())?;
    if !(certificate.archived_key && certificate.has_private_key) {
        return Err(ApiError::bad_request(
            ErrorCode::NoPrivateKey,
            "No private key could be found for the given certificate.",
        ));
    }
    let parts = encodings(&state.world, certificate, chain);
    let file_stem = certificate.common_name.replace(['*', '/', '\\'], "_");
    let (content, extension) = match format {
        Format::Pem => {
            let mut text = pem_block(
                "ENCRYPTED PRIVATE KEY",
                &pki::encrypted_pkcs8(&certificate.private_key, &password)
                    .ok_or_else(|| unwritable("encrypted private key"))?,
            );
            text.extend(parts.iter().map(|der| pem_block("CERTIFICATE", der)));
            (text.into_bytes(), "pem")
        }
        _ => (
            pki::pkcs12(
                &certificate.common_name,
                &certificate.private_key,
                &parts,
                &password,
            )
            .ok_or_else(|| unwritable("PKCS#12"))?,
            "pfx",
        ),
    };
    Ok(Json(json!({
        "PFX": base64(&content),
        "FileName": format!("{file_stem}.{extension}"),
    })))
}

/// Cannot happen with the simulator's own keys and certificates; a 500 if it ever does.
fn unwritable(what: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::NoPrivateKey,
        format!("The {what} could not be written."),
    )
}
