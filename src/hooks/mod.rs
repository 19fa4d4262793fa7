//! Reusable reactive behaviour for components (browser only).

pub mod use_job_polling;
