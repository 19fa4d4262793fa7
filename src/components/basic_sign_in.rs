//! In `basic` auth mode the portal asks for the Keyfactor account itself; the credentials live only in the
//! client's memory and are gone on reload, on "Sign out", after the idle limit and when the user leaves
//! the page. When Keyfactor stops accepting them (401), the form asks again above the page, which stays
//! mounted underneath so nothing typed is lost.

use leptos::prelude::*;

use crate::api::client::{BasicSession, KeyfactorClient};
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::TextField;
use crate::config::RuntimeConfig;
use crate::domain::credentials::{BasicCredentials, CredentialsError};
use crate::hooks::use_secret_vault::use_secret_vault;
use crate::hooks::use_session_end::end_session;

/// Shows `children` once requests can be sent; in basic mode, a sign-in form until then, and above the
/// (hidden, kept) page when the credentials were rejected.
#[component]
pub fn BasicSignInGate(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<KeyfactorClient>().basic_session();
    let page_kept = move || session.get().has_pages();
    let rejected = move || session.get() == BasicSession::Rejected;
    view! {
        <Show when=move || session.get() != BasicSession::SignedIn>
            <BasicSignInForm />
        </Show>
        <Show when=page_kept>
            <div hidden=rejected>{children()}</div>
        </Show>
    }
}

/// Basic mode, signed in: ends the session now (credentials and every shown secret wiped).
#[component]
pub fn SignOutButton() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let session = client.basic_session();
    let vault = use_secret_vault();
    view! {
        <Show when=move || session.get().has_pages()>
            <button type="button" class="secondary" on:click={
                let client = client.clone();
                move |_| end_session(&client, vault, false)
            }>"Sign out"</button>
        </Show>
    }
}

/// Why the form is shown, when it is not the first sign-in of the tab.
fn reason(session: BasicSession, idle_minutes: u32) -> Option<String> {
    match session {
        BasicSession::New | BasicSession::SignedIn => None,
        BasicSession::Rejected => Some(
            "Keyfactor Command no longer accepts your user name or password (it may have been changed or \
             locked), so nothing more was sent with it. Sign in again to continue: what you entered on this \
             page is kept."
                .to_owned(),
        ),
        BasicSession::SignedOut { idle: true } => Some(format!(
            "You were signed out after {idle_minutes} minute{} without activity; passwords shown before are gone.",
            if idle_minutes == 1 { "" } else { "s" }
        )),
        BasicSession::SignedOut { idle: false } => {
            Some("You signed out; passwords shown before are gone.".to_owned())
        }
    }
}

#[component]
fn BasicSignInForm() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let idle_minutes = expect_context::<RuntimeConfig>().basic_idle_timeout_s / 60;
    let session = client.basic_session();
    let why = move || reason(session.get(), idle_minutes);
    let account = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let parsed = move || BasicCredentials::parse(&account.read(), &password.read());
    let field_error = move |pick: fn(&CredentialsError) -> bool| {
        Signal::derive(move || {
            if !submitted.get() {
                return None;
            }
            parsed().err().filter(pick).map(|e| e.to_string())
        })
    };
    let account_error = field_error(|e| !matches!(e, CredentialsError::PasswordMissing));
    let password_error = field_error(|e| matches!(e, CredentialsError::PasswordMissing));

    let verify = Action::new_local(move |credentials: &BasicCredentials| {
        let (client, credentials) = (client.clone(), credentials.clone());
        async move { client.sign_in(credentials).await }
    });
    let failure = move || verify.value().get().and_then(Result::err);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if verify.pending().get_untracked() {
            return;
        }
        if let Ok(credentials) = untrack(parsed) {
            verify.dispatch_local(credentials);
        }
    };

    view! {
        <section class="sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in to Keyfactor Command"</h1>
            {move || why().map(|why| view! { <p class="notice" role="alert">{why}</p> })}
            <p>"Your account and password are kept in this tab's memory only and are forgotten when you reload or close it, sign out, or stay inactive."</p>
            {move || failure().map(|error: ApiError| view! { <ApiErrorNotice error /> })}
            <form novalidate on:submit=on_submit aria-busy=move || verify.pending().get().then_some("true")>
                <TextField id="account" label="Account" hint="DOMAIN\\user or user@domain" value=account
                    error=account_error autocomplete="username" required=true />
                <TextField id="password" label="Password" input_type="password" value=password
                    error=password_error autocomplete="current-password" required=true />
                <button type="submit" disabled=move || verify.pending().get()>
                    {move || if verify.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
