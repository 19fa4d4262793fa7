//! Keyfactor's error body `{"ErrorCode": "0x…", "Message": "…"}` with codes that stay constant,
//! so clients and tests can rely on them being opaque but stable.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// The hex codes the simulator uses (Command's real catalogue is not published).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// `x-keyfactor-requested-with` missing or not one of the accepted values.
    RequestedWithMissing,
    /// Body is not JSON, or a value has the wrong type.
    MalformedRequest,
    /// A list endpoint's QueryString, paging or sorting parameter is invalid.
    InvalidQuery,
    /// Enrollment (Renew, Deploy, Replace) request rejected.
    InvalidEnrollment,
    /// Certificate store request (Reenrollment) rejected.
    InvalidStoreRequest,
    NotFound,
    Forbidden,
    /// Recover: Command holds no private key for the certificate (recorded, 25.4.1).
    NoPrivateKey,
    /// Download/Recover: no `X-CertificateFormat` header (recorded).
    FormatMissing,
    /// Download/Recover: `X-CertificateFormat` names no format the endpoint offers (recorded).
    FormatInvalid,
}

impl ErrorCode {
    pub fn hex(self) -> &'static str {
        match self {
            ErrorCode::RequestedWithMissing => "0xA0140001",
            ErrorCode::MalformedRequest => "0xA0010002",
            ErrorCode::InvalidQuery => "0xA0020005",
            ErrorCode::InvalidEnrollment => "0xA0110003",
            ErrorCode::InvalidStoreRequest => "0xA0150004",
            ErrorCode::NotFound => "0xA0060001",
            ErrorCode::Forbidden => "0xA0130001",
            ErrorCode::NoPrivateKey => "0xA0110002",
            ErrorCode::FormatMissing => "0xA0110007",
            ErrorCode::FormatInvalid => "0xA0110008",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }
}

/// The error body for any 4xx status, used by handlers and by the `status` fault alike.
pub fn keyfactor_error_body(code: ErrorCode, message: &str) -> serde_json::Value {
    json!({ "ErrorCode": code.hex(), "Message": message })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(keyfactor_error_body(self.code, &self.message)),
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
