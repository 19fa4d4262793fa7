//! What an orchestrator job does, whatever its store type calls it. Real Command servers name job types
//! per store type: `WinCertInventory`, `WinCertReenrollment` on 10.3, and agents on 25.x list
//! `"K8STLSSecr Management"` with `"CertStoreJobType":"Management"` (docs/observed/README.md, divergence
//! 2). The specs and the docs' query values name only the generic categories, so a row's `JobType` is
//! never compared with a category for equality: it belongs to one by its name's ending (ignoring case and
//! spaces), or by the orchestrator's own job-type map where the portal has read it.

use std::fmt;

use crate::domain::models::AgentJobType;

/// The job categories the portal schedules or shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobCategory {
    /// Created by `POST /CertificateStores/Reenrollment`.
    Reenrollment,
    /// Created by `POST /Enrollment/PFX/Replace` and `/Deploy` (adding or replacing a certificate).
    Management,
    Inventory,
    Discovery,
}

impl JobCategory {
    pub const ALL: [JobCategory; 4] = [
        Self::Reenrollment,
        Self::Management,
        Self::Inventory,
        Self::Discovery,
    ];

    /// The generic name, as Keyfactor's docs list query values and agents' `CertStoreJobType`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reenrollment => "Reenrollment",
            Self::Management => "Management",
            Self::Inventory => "Inventory",
            Self::Discovery => "Discovery",
        }
    }

    /// Reads a category from a URL or a form (the generic name, any case).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|category| category.name().eq_ignore_ascii_case(text))
    }

    /// The category of a job whose `JobType` is `job_type`. The orchestrator's map (`GET /Agents`
    /// `JobTypes`), where given, decides for the names it lists; otherwise the name's ending does.
    /// `SslDiscovery` (SSL network scans) is not store discovery and has no category here.
    pub fn of(job_type: &str, agent_job_types: &[AgentJobType]) -> Option<Self> {
        let name = squash(job_type);
        if let Some(listed) = agent_job_types
            .iter()
            .find(|listed| listed.name.as_deref().map(squash).as_deref() == Some(name.as_str()))
        {
            return listed.cert_store_job_type.as_deref().and_then(Self::parse);
        }
        if name.ends_with("ssldiscovery") {
            return None;
        }
        Self::ALL
            .into_iter()
            .find(|category| name.ends_with(&category.name().to_ascii_lowercase()))
    }

    /// How the jobs page names a job type: its category with the store-type specific name Keyfactor gave
    /// it, e.g. "Reenrollment (PEMReenrollment)"; the name alone when it is the category's or has none.
    pub fn label(job_type: &str) -> String {
        match Self::of(job_type, &[]) {
            Some(category) if !category.name().eq_ignore_ascii_case(job_type.trim()) => {
                format!("{} ({job_type})", category.name())
            }
            _ => job_type.to_owned(),
        }
    }

    /// Whether a job of type `job_type` is of this category.
    pub fn includes(self, job_type: &str, agent_job_types: &[AgentJobType]) -> bool {
        Self::of(job_type, agent_job_types) == Some(self)
    }
}

impl fmt::Display for JobCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Reenrollment => "reenrollment",
            Self::Management => "management (add or replace)",
            Self::Inventory => "inventory",
            Self::Discovery => "discovery",
        })
    }
}

/// Lower case without white space: `"K8STLSSecr Management"` → `"k8stlssecrmanagement"`.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(name: &str, category: &str) -> AgentJobType {
        AgentJobType {
            name: Some(name.into()),
            cert_store_job_type: Some(category.into()),
        }
    }

    #[test]
    fn recorded_store_type_specific_names_fall_in_their_category() {
        // Command 10.3's JobHistory and completion contexts; 25.4.1's agent list; the generic names.
        for (job_type, category) in [
            ("WinCertInventory", JobCategory::Inventory),
            ("WinCertReenrollment", JobCategory::Reenrollment),
            ("WinCertManagement", JobCategory::Management),
            ("K8STLSSecr Management", JobCategory::Management),
            ("K8STLSSecrManagement", JobCategory::Management),
            ("Reenrollment", JobCategory::Reenrollment),
            ("management", JobCategory::Management),
            ("PEM  REENROLLMENT ", JobCategory::Reenrollment),
            ("F5Discovery", JobCategory::Discovery),
        ] {
            assert_eq!(JobCategory::of(job_type, &[]), Some(category), "{job_type}");
        }
    }

    #[test]
    fn labels_name_the_category_beside_the_store_type_specific_name() {
        assert_eq!(
            JobCategory::label("PEMReenrollment"),
            "Reenrollment (PEMReenrollment)"
        );
        assert_eq!(
            JobCategory::label("K8STLSSecr Management"),
            "Management (K8STLSSecr Management)"
        );
        assert_eq!(JobCategory::label("Reenrollment"), "Reenrollment");
        assert_eq!(JobCategory::label("SslDiscovery"), "SslDiscovery");
    }

    #[test]
    fn other_job_types_have_no_category() {
        for job_type in [
            "SslDiscovery",
            "Orchestrator Log Retrieval",
            "Monitoring",
            "",
            "ReenrollmentX",
        ] {
            assert_eq!(JobCategory::of(job_type, &[]), None, "{job_type}");
        }
    }

    #[test]
    fn the_agents_map_decides_for_the_names_it_lists() {
        let map = [
            listed("K8STLSSecr Management", "Management"),
            // A store type whose short name ends like a category: the map knows better.
            listed("AcmeInventory Reenrollment", "Reenrollment"),
            listed("Orchestrator Log Retrieval", ""),
        ];
        assert_eq!(
            JobCategory::of("k8stlssecrmanagement", &map),
            Some(JobCategory::Management)
        );
        assert_eq!(
            JobCategory::of("AcmeInventoryReenrollment", &map),
            Some(JobCategory::Reenrollment)
        );
        assert_eq!(JobCategory::of("Orchestrator Log Retrieval", &map), None);
        // Names the map does not list still go by their ending.
        assert_eq!(
            JobCategory::of("PEMInventory", &map),
            Some(JobCategory::Inventory)
        );
    }

    #[test]
    fn categories_parse_from_their_generic_names_only() {
        assert_eq!(
            JobCategory::parse(" reenrollment"),
            Some(JobCategory::Reenrollment)
        );
        assert_eq!(JobCategory::parse("WinCertInventory"), None);
        for category in JobCategory::ALL {
            assert_eq!(JobCategory::parse(category.name()), Some(category));
        }
    }
}
