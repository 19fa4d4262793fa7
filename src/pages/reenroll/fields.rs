//! The reenrollment form's fields: subject (typed, or taken from a certificate in the store), alias, CA and
//! template or pattern, and the entry parameters the store type defines, each rendered by its kind.

use leptos::prelude::*;

use super::subject_prefill::SubjectFromStore;
use crate::components::enrollment_pickers::EnrollmentPickers;
use crate::components::field::{SelectField, SelectOption, TextField};
use crate::domain::command_version::CommandVersion;
use crate::domain::models::ReenrollmentRequest;
use crate::domain::reenrollment::{FormProblem, ReenrollField, ReenrollmentForm};
use crate::domain::{DistinguishedName, EntryParameterSpec, Guid, ParameterKind};

/// What the user typed, one signal per field. Entry parameters may be secrets: they live only here and are
/// wiped when the form goes away or once the request has gone.
#[derive(Clone, Copy)]
pub(super) struct FormValues {
    pub subject: RwSignal<String>,
    pub alias: RwSignal<String>,
    pub profile: RwSignal<String>,
    pub certificate_authority: RwSignal<String>,
    specs: StoredValue<Vec<EntryParameterSpec>>,
    parameters: StoredValue<Vec<RwSignal<String>>>,
}

impl FormValues {
    pub fn new(specs: Vec<EntryParameterSpec>) -> Self {
        let parameters = specs
            .iter()
            .map(|spec| RwSignal::new(spec.default_value.clone().unwrap_or_default()))
            .collect();
        Self {
            subject: RwSignal::new(String::new()),
            alias: RwSignal::new(String::new()),
            profile: RwSignal::new(String::new()),
            certificate_authority: RwSignal::new(String::new()),
            specs: StoredValue::new(specs),
            parameters: StoredValue::new(parameters),
        }
    }

    /// The request for the store and its orchestrator, or every problem with the fields.
    pub fn request(
        &self,
        store_id: &Guid,
        agent_id: Option<&Guid>,
        version: CommandVersion,
    ) -> Result<ReenrollmentRequest, Vec<FormProblem>> {
        let raw: Vec<String> = self
            .parameters
            .with_value(|values| values.iter().map(|v| v.get()).collect());
        let parameters: Vec<(EntryParameterSpec, &str)> = self.specs.with_value(|specs| {
            specs
                .iter()
                .cloned()
                .zip(raw.iter().map(String::as_str))
                .collect()
        });
        ReenrollmentForm {
            store_id,
            agent_id,
            subject_name: &self.subject.get(),
            alias: &self.alias.get(),
            parameters: &parameters,
            profile: &self.profile.get(),
            certificate_authority: &self.certificate_authority.get(),
            version,
        }
        .to_request()
    }

    /// Empties the entry parameters; untracked when the fields showing them are going away too.
    pub fn wipe_parameters(&self, tracked: bool) {
        self.parameters.try_with_value(|values| {
            for value in values {
                match tracked {
                    true => value.set(String::new()),
                    false => drop(value.try_update_untracked(std::mem::take)),
                }
            }
        });
    }
}

/// The id of a form control, for labels and the error summary's links.
pub(super) fn field_id(field: ReenrollField) -> String {
    match field {
        ReenrollField::Store => "chosen-store-title".to_owned(),
        ReenrollField::SubjectName => "subject-name".to_owned(),
        ReenrollField::Alias => "alias".to_owned(),
        ReenrollField::Profile => "reenroll-profile".to_owned(),
        ReenrollField::CertificateAuthority => "reenroll-ca".to_owned(),
        ReenrollField::Parameter(index) => format!("param-{index}"),
    }
}

/// The form's fields. A field's problem shows once it was left (subject, alias) or has a value (parameters),
/// and for all of them after a submit attempt.
#[component]
pub(super) fn ReenrollFields(
    values: FormValues,
    problems: Memo<Vec<FormProblem>>,
    attempt: RwSignal<u32>,
    version: CommandVersion,
    store_id: Guid,
    type_label: String,
) -> impl IntoView {
    let FormValues {
        subject,
        alias,
        profile,
        certificate_authority,
        ..
    } = values;
    let (touched_subject, touched_alias) = (RwSignal::new(false), RwSignal::new(false));
    let shown = move |field: ReenrollField, touched: bool| {
        let problem = problems.with(|p| {
            p.iter()
                .find(|p| p.field == field)
                .map(|p| p.message.clone())
        });
        problem.filter(|_| touched || attempt.get() > 0)
    };
    let parsed_subject = Memo::new(move |_| subject.with(|s| DistinguishedName::parse(s).ok()));
    let parameters = values.specs.with_value(|specs| {
        values.parameters.with_value(|signals| {
            let fields = specs.iter().zip(signals.iter().copied()).enumerate();
            fields
                .map(|(index, (spec, value))| {
                    let error = Signal::derive(move || {
                        shown(
                            ReenrollField::Parameter(index),
                            value.with(|v| !v.is_empty()),
                        )
                    });
                    parameter_field(
                        field_id(ReenrollField::Parameter(index)),
                        spec,
                        value,
                        error,
                    )
                })
                .collect_view()
        })
    });
    let has_parameters = values.specs.with_value(|s| !s.is_empty());
    view! {
        <TextField id="subject-name" label="Subject name" value=subject required=true
            hint="An X.500 distinguished name, e.g. CN=web01.example.com,O=Example Inc,C=US"
            error=Signal::derive(move || shown(ReenrollField::SubjectName, touched_subject.get()))
            on_blur=Callback::new(move |()| touched_subject.set(true)) />
        <SubjectFromStore store_id subject alias />
        {move || parsed_subject.get().map(|dn| view! {
            <div class="dn-preview">
                <p class="field-hint">"Read as:"</p>
                <dl class="facts">
                    {dn.rdns().iter().flat_map(|rdn| rdn.attributes.clone()).map(|a| view! {
                        <dt>{a.attribute_type}</dt><dd>{a.value}</dd>
                    }).collect_view()}
                </dl>
            </div>
        })}
        <TextField id="alias" label="Alias" value=alias required=true hint="The name of the certificate inside the store"
            error=Signal::derive(move || shown(ReenrollField::Alias, touched_alias.get()))
            on_blur=Callback::new(move |()| touched_alias.set(true)) />
        <EnrollmentPickers version certificate_authority profile id_prefix="reenroll" optional=true
            profile_error=Signal::derive(move || shown(ReenrollField::Profile, true))
            ca_error=Signal::derive(move || shown(ReenrollField::CertificateAuthority, true)) />
        {has_parameters.then(|| view! {
            <fieldset class="entry-parameters">
                <legend>{format!("Settings for {type_label} stores")}</legend>
                {parameters}
            </fieldset>
        })}
    }
}

/// One entry parameter, rendered by its kind.
fn parameter_field(
    id: String,
    spec: &EntryParameterSpec,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> AnyView {
    let label = spec.label().to_owned();
    let required = spec.required;
    let choices = |options: Vec<(String, String)>| {
        Signal::stored(
            options
                .into_iter()
                .map(|(value, label)| SelectOption { value, label })
                .collect::<Vec<_>>(),
        )
    };
    let placeholder = if required {
        "Choose…"
    } else {
        "Keyfactor's default"
    };
    match &spec.kind {
        ParameterKind::String => view! { <TextField id label value error required /> }.into_any(),
        ParameterKind::Secret => view! {
            <TextField id label value error required input_type="password" autocomplete="new-password" hint="Not stored: it is sent once with this request." />
        }.into_any(),
        ParameterKind::Bool => view! {
            <SelectField id label value error required placeholder
                options=choices(vec![("true".into(), "Yes".into()), ("false".into(), "No".into())]) />
        }.into_any(),
        ParameterKind::MultipleChoice { options } => view! {
            <SelectField id label value error required placeholder
                options=choices(options.iter().map(|o| (o.clone(), o.clone())).collect()) />
        }.into_any(),
    }
}
