//! Requests started from an event handler belong to the view that offers them, not to whatever part of the
//! page the click came from: a button that disappears once the request starts (as "Renew again anyway" does)
//! must not cancel it. They are cancelled, with their fetches, when that view goes away.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

#[derive(Clone)]
pub struct ViewTasks(Owner);

/// Tasks owned by the calling component.
pub fn use_view_tasks() -> ViewTasks {
    ViewTasks(Owner::current().unwrap_or_default())
}

impl ViewTasks {
    pub fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.0.with(|| spawn_local_scoped_with_cancellation(task));
    }
}
