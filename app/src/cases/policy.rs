//! Who may take which step of a case, in which state: one table ([`RULES`]). The store's step
//! guards and the pages' `may_*` buttons both ask it, so a button shows exactly when the step
//! would be allowed. Pure: the caller gathers the facts; no database here, and the tests need none.
use super::grants::{Grant, Grants};
use super::{CaseKind, CaseStatus, Channel, Stage};
use crate::accounts::{CurrentUser, Role};

/// A step someone takes on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Route, refuse, send to a channel, or name the unit a report concerns.
    Triage,
    Accept,
    Object,
    Extend,
    Decide,
    DecideReview,
    Terminate,
    Supervise,
    AnswerSupervision,
    Reveal,
    Rate,
    /// Ask for a review (复查) of the first decision.
    RequestReview,
    /// Ask for a re-review (复核) of the review's decision.
    RequestRereview,
}

/// Who may take a step, as they stand to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Whoever holds the case's number and query code.
    Filer,
    /// The petition office (信访部门).
    PetitionOffice,
    /// Staff of the unit the case is routed to.
    HandlingUnit,
    /// Whoever decides the review under way: staff of the unit above, or the petition office.
    Reviewer,
    /// Someone an administrator granted the power.
    Granted(Grant),
}

/// What must hold of the case for a step.
#[derive(Debug, Clone, Copy)]
enum Check {
    Status(&'static [CaseStatus]),
    Channel(Channel),
    Petition,
    Stage(Stage),
    NotExtended,
    NotRated,
    Supervised,
    /// The filer's period to ask for the next round is still open.
    WindowOpen,
}

/// One rule: the step, who may take it, and what must hold (checked in order, each refused with
/// its own message).
pub struct Rule {
    pub act: Act,
    pub by: Actor,
    checks: &'static [(Check, &'static str)],
}

const IN_PROGRESS: &[CaseStatus] = &[
    CaseStatus::Received,
    CaseStatus::Routed,
    CaseStatus::Objected,
    CaseStatus::Handling,
    CaseStatus::UnderReview,
    CaseStatus::Legal,
    CaseStatus::Discipline,
];
const NOT_ROUTED: &str = "该件不在待受理状态";
const TRIAGED: &str = "该件已经处理，不能再分流";
const NOT_UNDER_REVIEW: &str = "该件不在复查（复核）中";
const NOT_LEGAL: &str = "只有导入法律程序的件可以依法终结";
const NOT_SUPERVISABLE: &str = "该件不在信访部门的督办范围内";
const RATE_ONCE: &str = "出具处理意见后可评价一次";
const ONLY_PETITIONS: &str = "复查、复核适用于信访事项";
const NOT_DECIDED: &str = "该件尚未出具处理意见，或已在复查（复核）中";
const FINAL: &str = "复核意见为最终意见，同一事项不再受理";

/// Every step, who may take it, and when.
pub const RULES: [Rule; 13] = [
    Rule {
        act: Act::Triage,
        by: Actor::PetitionOffice,
        checks: &[
            (Check::Status(&[CaseStatus::Received, CaseStatus::Objected]), TRIAGED),
            (Check::Channel(Channel::Ordinary), TRIAGED),
        ],
    },
    Rule { act: Act::Accept, by: Actor::HandlingUnit, checks: &[(Check::Status(&[CaseStatus::Routed]), NOT_ROUTED)] },
    Rule { act: Act::Object, by: Actor::HandlingUnit, checks: &[(Check::Status(&[CaseStatus::Routed]), NOT_ROUTED)] },
    Rule {
        act: Act::Extend,
        by: Actor::HandlingUnit,
        checks: &[
            (Check::Status(&[CaseStatus::Handling]), "只有办理中的件可以延期"),
            (Check::NotExtended, "办理期限只能延长一次"),
        ],
    },
    Rule {
        act: Act::Decide,
        by: Actor::HandlingUnit,
        checks: &[(Check::Status(&[CaseStatus::Handling]), "只有办理中的件可以出具处理意见")],
    },
    Rule {
        act: Act::DecideReview,
        by: Actor::Reviewer,
        checks: &[
            (Check::Status(&[CaseStatus::UnderReview]), NOT_UNDER_REVIEW),
            (Check::Channel(Channel::Ordinary), NOT_UNDER_REVIEW),
        ],
    },
    Rule {
        act: Act::Terminate,
        by: Actor::Granted(Grant::LegalChannel),
        checks: &[(Check::Status(&[CaseStatus::Legal]), NOT_LEGAL), (Check::Channel(Channel::Legal), NOT_LEGAL)],
    },
    Rule {
        act: Act::Supervise,
        by: Actor::PetitionOffice,
        checks: &[
            (Check::Status(IN_PROGRESS), NOT_SUPERVISABLE),
            (Check::Channel(Channel::Ordinary), NOT_SUPERVISABLE),
        ],
    },
    Rule { act: Act::AnswerSupervision, by: Actor::HandlingUnit, checks: &[(Check::Supervised, "该件未被督办")] },
    Rule { act: Act::Reveal, by: Actor::Granted(Grant::RevealIdentity), checks: &[] },
    Rule {
        act: Act::Rate,
        by: Actor::Filer,
        checks: &[(Check::Status(&[CaseStatus::Decided]), RATE_ONCE), (Check::NotRated, RATE_ONCE)],
    },
    Rule {
        act: Act::RequestReview,
        by: Actor::Filer,
        checks: &[
            (Check::Petition, ONLY_PETITIONS),
            (Check::Status(&[CaseStatus::Decided]), NOT_DECIDED),
            (Check::Stage(Stage::First), FINAL),
            (Check::WindowOpen, ""),
        ],
    },
    Rule {
        act: Act::RequestRereview,
        by: Actor::Filer,
        checks: &[
            (Check::Petition, ONLY_PETITIONS),
            (Check::Status(&[CaseStatus::Decided]), NOT_DECIDED),
            (Check::Stage(Stage::Review), FINAL),
            (Check::WindowOpen, ""),
        ],
    },
];

/// What the rules look at in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub channel: Channel,
    pub stage: Stage,
    pub extended: bool,
    pub rated: bool,
    pub supervised: bool,
    pub window_open: bool,
}

/// How the one asking stands to the case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Who {
    pub filer: bool,
    /// Of the petition office, with their own password set.
    pub officer: bool,
    /// Staff of the unit the case is routed to.
    pub handling_unit: bool,
    /// The one who decides the review under way.
    pub reviewer: bool,
    pub grants: Grants,
}

impl Who {
    /// Whoever holds the number and query code.
    pub fn filer() -> Who {
        Who { filer: true, ..Who::default() }
    }

    /// A signed-in user, given the case's unit and who decides its review (a unit, or the
    /// petition office when `None`).
    pub fn staff(user: &CurrentUser, grants: Grants, unit: Option<i64>, reviewing_unit: Option<i64>) -> Who {
        let officer = user.require(Role::PetitionOfficer).is_ok();
        let staff_of = |u: Option<i64>| user.role == Role::Staff && user.agency_id.is_some() && u == user.agency_id;
        Who {
            filer: false,
            officer,
            handling_unit: staff_of(unit),
            reviewer: match reviewing_unit {
                Some(u) => staff_of(Some(u)),
                None => officer,
            },
            grants,
        }
    }

    fn is(&self, actor: Actor) -> bool {
        match actor {
            Actor::Filer => self.filer,
            Actor::PetitionOffice => self.officer,
            Actor::HandlingUnit => self.handling_unit,
            Actor::Reviewer => self.reviewer,
            Actor::Granted(g) => self.grants.has(g),
        }
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not this actor's step.
    Forbidden,
    /// Not in this state, with the message for people.
    Conflict(&'static str),
    /// The filer's period to ask for the next round has ended.
    WindowClosed,
}

/// Whether `who` may take `act` on a case with these facts: the state is checked first (in the
/// rule's order), then the actor.
pub fn check(act: Act, who: &Who, case: &Facts) -> Result<(), Refused> {
    let Some(rule) = RULES.iter().find(|r| r.act == act) else { return Err(Refused::Forbidden) };
    for (check, message) in rule.checks {
        let holds = match *check {
            Check::Status(any) => any.contains(&case.status),
            Check::Channel(c) => case.channel == c,
            Check::Petition => case.kind == CaseKind::Petition,
            Check::Stage(s) => case.stage == s,
            Check::NotExtended => !case.extended,
            Check::NotRated => !case.rated,
            Check::Supervised => case.supervised,
            Check::WindowOpen => case.window_open,
        };
        if !holds {
            return Err(match check {
                Check::WindowOpen => Refused::WindowClosed,
                _ => Refused::Conflict(message),
            });
        }
    }
    if who.is(rule.by) {
        Ok(())
    } else {
        Err(Refused::Forbidden)
    }
}

/// Whether the step's button is shown.
pub fn may(act: Act, who: &Who, case: &Facts) -> bool {
    check(act, who, case).is_ok()
}

/// Whether a signed-in user may see a case at all. Nobody of the unit a report is about, or above
/// or below it, ever does (`screened`); the special channels only those granted them; otherwise
/// the petition office, and staff of the unit it is routed to.
pub fn may_see(user: &CurrentUser, grants: &Grants, screened: bool, channel: Channel, unit: Option<i64>) -> bool {
    if screened || user.must_change_password {
        return false;
    }
    match channel {
        Channel::Legal => grants.has(Grant::LegalChannel),
        Channel::Discipline => grants.has(Grant::DisciplineChannel),
        Channel::Ordinary => match user.role {
            Role::PetitionOfficer => true,
            Role::Staff => user.agency_id.is_some() && unit == user.agency_id,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests;
