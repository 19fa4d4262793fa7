//! "Expiring soon" (`/expiring?days=30&q=web`): the certificates the user can see that expire within a
//! window, a weekly timeline of them, filters by name, CA and template, the renewal each would get (read
//! only for the rows shown, two at a time), a link into the renewal flow, and the selection that a bulk
//! renewal ([`bulk`]) takes. The view lives in the URL, so a help-desk link reproduces it.

mod bulk;
mod calendar;
mod filter;
mod list;
mod page;
mod row;
mod selection;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::domain::models::Certificate;
use crate::domain::renewal::RenewalPlan;

pub use page::ExpiringPage;

/// The renewal a listed certificate would get.
#[derive(Clone, PartialEq, Eq)]
enum RenewalKind {
    Reading,
    Known(RenewalPlan),
    Unknown,
}

/// What the page remembers across its views: each certificate's renewal, and the selection.
#[derive(Clone, Copy)]
struct ListState {
    kinds: RwSignal<BTreeMap<i32, RenewalKind>>,
    selected: RwSignal<BTreeSet<i32>>,
}

/// Every certificate expiring in the URL's window, as Keyfactor answered.
type Certificates = LocalResource<Result<Vec<Certificate>, ApiError>>;
