//! Where the secrets views show (generated PFX passwords) are held: in memory only, one slot each, wiped
//! when the view that asked for it goes away, and all at once when the user signs out or leaves the page,
//! so a page the browser restores from its back/forward cache shows none of them.

use leptos::prelude::*;

use crate::domain::SecretString;

/// Provided once at the app root.
#[derive(Clone, Copy)]
pub struct SecretVault {
    slots: StoredValue<Vec<RwSignal<Option<SecretString>>>>,
}

impl SecretVault {
    pub fn new() -> Self {
        Self {
            slots: StoredValue::new(Vec::new()),
        }
    }

    /// An empty slot for one secret, owned by the current view: wiped when that view goes away (untracked,
    /// since the views showing it are going away too and must not re-render).
    pub fn hold(&self) -> RwSignal<Option<SecretString>> {
        let slot = RwSignal::new(None);
        self.slots.update_value(|slots| {
            slots.retain(|slot| slot.try_with_untracked(|_| ()).is_some());
            slots.push(slot);
        });
        on_cleanup(move || {
            slot.try_update_untracked(Option::take);
        });
        slot
    }

    /// Wipes every secret still held; the views showing one say it was cleared.
    pub fn wipe_all(&self) {
        let slots = self
            .slots
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for slot in slots {
            if slot.try_with_untracked(Option::is_some) == Some(true) {
                slot.try_set(None);
            }
        }
    }
}

impl Default for SecretVault {
    fn default() -> Self {
        Self::new()
    }
}

/// The app's vault.
pub fn use_secret_vault() -> SecretVault {
    expect_context::<SecretVault>()
}
