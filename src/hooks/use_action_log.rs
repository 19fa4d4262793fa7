//! The tab's action log (`domain::action_log`), shared by the pages that change something in Keyfactor and
//! the page that shows it. Memory only: a reload starts it empty.

use chrono::Utc;
use leptos::prelude::*;

use crate::domain::action_log::{ActionKind, LoggedAction};

#[derive(Clone, Copy, Default)]
pub struct ActionLog(RwSignal<Vec<LoggedAction>>);

impl ActionLog {
    /// Adds what just happened, stamped now.
    pub fn record(
        self,
        kind: ActionKind,
        subject: String,
        reference: String,
        outcome: String,
        issued_password: bool,
    ) {
        self.0.try_update(|actions| {
            actions.push(LoggedAction {
                at: Utc::now(),
                kind,
                subject,
                reference,
                outcome,
                issued_password,
            })
        });
    }

    pub fn actions(self) -> Signal<Vec<LoggedAction>> {
        self.0.into()
    }
}

/// The log of this tab (provided once by the app).
pub fn use_action_log() -> ActionLog {
    expect_context::<ActionLog>()
}
