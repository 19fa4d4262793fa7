//! Reusable reactive behaviour for components (browser only).

pub mod save_file;
pub mod use_action_log;
pub mod use_job_polling;
pub mod use_secret_vault;
pub mod use_session_end;
pub mod use_view_tasks;
