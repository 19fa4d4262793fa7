//! Reusable, presentational, accessibility-wired pieces; they hold no Keyfactor logic.

pub mod api_error;
pub mod basic_sign_in;
pub mod error_summary;
pub mod field;
pub mod session_banner;
