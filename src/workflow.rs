//! Approval workflows: proposals move from nomination through bloc vote and council review
//! to conferral, as a `.wf` file declares.
//!
//! [`check_workflow`] parses a workflow file, resolves it against a checked rule set (guards
//! are rules-language conditions on the proposal's entity), compiles its rhai hooks and checks
//! the stage graph. The [`engine`] runs commands (nominate, advance, vote, decide) over an
//! [`store::EventStore`]: every command appends events atomically or changes nothing.

use rust_decimal::Decimal;

use crate::ast::workflow::HookPoint;
use crate::diag::Span;
use crate::hooks::{HookId, Hooks};
use crate::model::KindId;
use crate::program::CExpr;

pub mod calendar;
mod check;
pub mod engine;
pub mod show;
pub mod store;

pub use calendar::Calendar;
pub use check::{CheckedFlow, check_workflow, check_workflow_with};

/// Names a guard may use besides the entity's fields, parameters and built-ins, with the
/// slot each reads.
pub const GUARD_NAMES: [(&str, crate::model::Type); 6] = [
    ("eligible", crate::model::Type::Bool),
    ("round", crate::model::Type::Integer),
    ("votes_for", crate::model::Type::Integer),
    ("votes_against", crate::model::Type::Integer),
    ("working_days_in_stage", crate::model::Type::Integer),
    ("overdue", crate::model::Type::Bool),
];

/// A checked workflow, ready to run.
#[derive(Debug)]
pub struct Flow {
    /// Name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Legal basis.
    pub basis: Option<String>,
    /// The entity kind of its proposals.
    pub kind: KindId,
    /// Roles, by index.
    pub roles: Vec<Role>,
    /// Voting bodies.
    pub bodies: Vec<Body>,
    /// Non-working days.
    pub calendar: Calendar,
    /// The role that may nominate.
    pub nominate_by: Option<usize>,
    /// Stages.
    pub stages: Vec<Stage>,
    /// Transitions.
    pub transitions: Vec<Transition>,
    /// The start stage.
    pub start: usize,
    /// Compiled hook scripts, shared by all calls.
    pub hooks: Hooks,
    /// Where each hook runs.
    pub hook_refs: Vec<HookRef>,
    /// The source file's name.
    pub file: String,
}

/// A role.
#[derive(Clone, Debug)]
pub struct Role {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
}

/// Who votes in a body.
#[derive(Clone, Debug)]
pub enum BodyKind {
    /// Entities of `kind` sharing the proposal's ancestor of kind `within`.
    Members {
        /// Voting kind.
        kind: KindId,
        /// Grouping kind.
        within: KindId,
    },
    /// Members registered by the admin.
    Roster,
}

/// A voting body.
#[derive(Clone, Debug)]
pub struct Body {
    /// Name (matches the award's `vote NAME …`).
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Who votes.
    pub kind: BodyKind,
}

/// A stage.
#[derive(Clone, Debug)]
pub struct Stage {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// A terminal stage (conferred, rejected, withdrawn…).
    pub terminal: bool,
    /// Deadline in working days from entering.
    pub deadline: Option<u32>,
    /// The vote held in this stage.
    pub vote: Option<VoteSpec>,
    /// The declaration.
    pub span: Span,
}

/// Where a vote's threshold comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Threshold {
    /// The award's own `vote BODY …` rule.
    Award,
    /// A fixed share.
    Fixed {
        /// The share.
        share: Decimal,
        /// Of all members (true) or of those voting.
        of_all: bool,
    },
}

/// A vote.
#[derive(Clone, Debug)]
pub struct VoteSpec {
    /// Body index.
    pub body: usize,
    /// Threshold.
    pub threshold: Threshold,
    /// Quorum: the share of eligible members who must be present.
    pub quorum: Option<Decimal>,
    /// Secret ballot; `None` takes the award's rule (open when it has none).
    pub secret: Option<bool>,
    /// Absent members may vote in writing.
    pub written: bool,
    /// Maximum rounds.
    pub rounds: u32,
    /// After the last round fails: `Some(role)` decides, `None` fails.
    pub decide_by: Option<usize>,
    /// On a tie (as many for as against), this role decides.
    pub tie_by: Option<usize>,
    /// A member may not vote on its own proposal (or its own unit's).
    pub exclude_own: bool,
    /// The role that opens and closes rounds and records written votes.
    pub run_by: usize,
}

/// A guard in the rules language.
#[derive(Clone, Debug)]
pub struct Guard {
    /// Compiled condition over the entity and [`GUARD_NAMES`].
    pub expr: CExpr,
    /// As written.
    pub text: String,
    /// Where.
    pub span: Span,
    /// `file:line:column`, for messages.
    pub location: String,
}

/// A transition.
#[derive(Clone, Debug)]
pub struct Transition {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Source stage.
    pub from: usize,
    /// Target stage.
    pub to: usize,
    /// Roles that may take it by hand (empty: only automatically).
    pub by: Vec<usize>,
    /// Taken automatically on a vote outcome (`Some(true)` on passed).
    pub on: Option<bool>,
    /// Guards, all of which must hold.
    pub guards: Vec<Guard>,
    /// The declaration.
    pub span: Span,
}

/// A hook attached to a point.
#[derive(Clone, Debug)]
pub struct HookRef {
    /// Where it runs.
    pub point: HookPoint,
    /// Transition index (guard) or stage index.
    pub target: usize,
    /// The compiled script.
    pub id: HookId,
    /// The path as written.
    pub path: String,
}

impl Flow {
    /// A stage by name.
    pub fn stage(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.name == name)
    }

    /// A transition by name.
    pub fn transition(&self, name: &str) -> Option<usize> {
        self.transitions.iter().position(|t| t.name == name)
    }

    /// A role's name.
    pub fn role_name(&self, r: usize) -> &str {
        self.roles.get(r).map_or("?", |x| x.name.as_str())
    }

    /// A stage's name.
    pub fn stage_name(&self, s: usize) -> &str {
        self.stages.get(s).map_or("?", |x| x.name.as_str())
    }

    /// The hooks at a point for a target.
    pub fn hooks_at(&self, point: HookPoint, target: usize) -> impl Iterator<Item = &HookRef> + '_ {
        self.hook_refs.iter().filter(move |h| h.point == point && h.target == target)
    }
}
