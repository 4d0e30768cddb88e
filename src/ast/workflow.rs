//! The owned syntax tree of a `.wf` workflow file, as written.

use rust_decimal::Decimal;

use super::{Date, Expr, Ident, Str};
use crate::diag::Span;

/// A whole workflow file.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowFile {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Str,
    /// The entity kind whose proposals it moves.
    pub kind: Ident,
    /// Legal basis.
    pub basis: Option<Str>,
    /// The header.
    pub span: Span,
    /// Declarations in source order.
    pub items: Vec<WfItem>,
}

/// A declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum WfItem {
    /// `role name "label"`
    Role(Ident, Option<Str>),
    /// `body …`
    Body(BodyDecl),
    /// `calendar { … }`
    Calendar(CalendarDecl),
    /// `nominate by role`
    Nominate(Ident, Span),
    /// `stage …`
    Stage(StageDecl),
    /// `transition …`
    Transition(TransitionDecl),
    /// `hook …`
    Hook(HookDecl),
}

/// Who votes in a body.
#[derive(Clone, Debug, PartialEq)]
pub enum Electorate {
    /// Entities of `kind` that share the proposal's `within` ancestor, one vote each.
    Members {
        /// The voting kind.
        kind: Ident,
        /// The grouping kind.
        within: Ident,
    },
    /// A list of members registered by the admin.
    Roster,
}

/// `body name "label" members kind within kind` or `… roster`.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Who votes.
    pub electorate: Electorate,
    /// The declaration.
    pub span: Span,
}

/// Non-working days.
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarDecl {
    /// Weekend days as written (`sat`, `sun`…).
    pub weekend: Vec<(String, Span)>,
    /// Holidays: first day, last day, label.
    pub holidays: Vec<(Date, Option<Date>, Option<Str>)>,
    /// The declaration.
    pub span: Span,
}

/// `stage name "label" start|terminal { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct StageDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Marked `start`.
    pub start: bool,
    /// Marked `terminal`.
    pub terminal: bool,
    /// `deadline N working days`.
    pub deadline: Vec<(u32, Span)>,
    /// `vote …`.
    pub votes: Vec<VoteDecl>,
    /// The declaration.
    pub span: Span,
}

/// The threshold of a vote.
#[derive(Clone, Debug, PartialEq)]
pub enum ThresholdDecl {
    /// The award's own `vote` rule for this body.
    Award,
    /// A fixed share, of all members or of those present.
    Fixed {
        /// The share.
        share: Decimal,
        /// Of all members (true) or of those voting.
        of_all: bool,
    },
}

/// What happens after the last round fails.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterRounds {
    /// The proposal fails.
    Fail,
    /// A role decides (e.g. the bloc leader and deputy).
    Decide(Ident),
}

/// `vote body threshold … quorum … secret|open written rounds N else … exclude own run by role`.
#[derive(Clone, Debug, PartialEq)]
pub struct VoteDecl {
    /// Voting body.
    pub body: Ident,
    /// Threshold (required).
    pub threshold: Option<(ThresholdDecl, Span)>,
    /// Quorum as a fraction of members.
    pub quorum: Option<(Decimal, Span)>,
    /// Secret ballot (`secret`), open (`open`), or unstated.
    pub secret: Option<bool>,
    /// Absent members may vote in writing.
    pub written: bool,
    /// Maximum rounds and what follows.
    pub rounds: Option<(u32, AfterRounds, Span)>,
    /// On a tie (as many for as against), this role decides.
    pub tie_by: Option<Ident>,
    /// A member may not vote on its own proposal.
    pub exclude_own: bool,
    /// The role that opens and closes rounds and records written votes.
    pub run_by: Option<Ident>,
    /// The declaration.
    pub span: Span,
}

/// `transition name "label" from -> to by role on passed|failed when guard`.
#[derive(Clone, Debug, PartialEq)]
pub struct TransitionDecl {
    /// Name.
    pub name: Ident,
    /// Label.
    pub label: Option<Str>,
    /// Source stage.
    pub from: Ident,
    /// Target stage.
    pub to: Ident,
    /// Role allowed to take it by hand.
    pub by: Vec<Ident>,
    /// Taken automatically on a vote's outcome: `Some(true)` on passed.
    pub on: Vec<(bool, Span)>,
    /// Guards (all must hold).
    pub when: Vec<Expr>,
    /// The declaration.
    pub span: Span,
}

/// Where a hook runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookPoint {
    /// An extra guard on a transition.
    Guard,
    /// On entering a stage; may set computed fields.
    OnEnter,
    /// On leaving a stage; may set computed fields.
    OnExit,
    /// A custom tally for a vote stage.
    Tally,
}

impl HookPoint {
    /// As written.
    pub fn name(self) -> &'static str {
        match self {
            HookPoint::Guard => "guard",
            HookPoint::OnEnter => "on_enter",
            HookPoint::OnExit => "on_exit",
            HookPoint::Tally => "tally",
        }
    }
}

/// `hook point target "path"`.
#[derive(Clone, Debug, PartialEq)]
pub struct HookDecl {
    /// Where it runs.
    pub point: HookPoint,
    /// The transition (for guards) or stage.
    pub target: Ident,
    /// Script path, relative to the workflow file.
    pub path: Str,
    /// The declaration.
    pub span: Span,
}
