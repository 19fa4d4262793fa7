//! Orchestrator (agent) endpoints.

use super::client::KeyfactorClient;
use super::error::ApiError;
use super::models::Agent;
use super::query::{ListEndpoint, ListQuery, QueryExpr, TextOp};
use crate::domain::Guid;

impl KeyfactorClient {
    /// `GET /Agents` filtered to one orchestrator: `None` when Keyfactor no longer lists it.
    pub async fn agent(&self, id: &Guid) -> Result<Option<Agent>, ApiError> {
        let version = self.command_version().await?;
        let query = ListQuery {
            limit: 1,
            ..ListQuery::matching(&[QueryExpr::text("AgentId", TextOp::Equals, id.as_str())])
        };
        let params = query.to_params(ListEndpoint::Agents, version);
        let agents: Vec<Agent> = self.get_json("Agents", &params).await?;
        Ok(agents.into_iter().next())
    }
}
