//! The cases store's public face: what the server and the pages call, gathered from the modules
//! that do it (filing, triage, the staff workflow, the filer's side, staff views, identities, the
//! holiday calendar). Nothing is implemented here.
pub use super::calendar::{
    calendar, filing_clock, missing_years, recount_running, replace_year, set_calendar_day, year_days,
};
pub use super::filer::{mine, progress, progress_for_filer, rate, request_review, Proof};
pub use super::filing::file;
pub use super::identity::{bind_legacy_identities, reveal, Identity};
pub use super::queue::{queue, Queue};
pub use super::reminders::{remind_deadlines, DAYS_AHEAD};
pub use super::staff_views::{attachment, dashboard, staff_view};
pub use super::triage::{triage, Triage};
pub use super::workflow::{
    answer_supervision, correct_objection_answer, decide_review, supervise, terminate, unit_act, UnitAction,
};
