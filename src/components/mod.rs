//! Reusable, presentational, accessibility-wired pieces; they hold no Keyfactor logic.

pub mod api_error;
pub mod basic_sign_in;
pub mod certificate_download;
pub mod collection_notice;
pub mod data_table;
pub mod enrollment_pickers;
pub mod error_summary;
pub mod field;
pub mod installation_job;
pub mod job_timeline;
#[cfg(feature = "split-routes")]
pub mod loaded_on_use;
pub mod page_section;
pub mod secret_value;
pub mod session_banner;
pub mod store_picker;
