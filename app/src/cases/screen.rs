//! The one rule for reports (投诉举报, 检举控告): nobody of the unit a report concerns, nor of any
//! unit above or below it, sees the report, whatever their role or channel, and the report is never
//! routed or sent for review there. Every list, count, page, file and action of the case store asks
//! this module; nothing else decides it.
use super::rows::SummaryRow;
use crate::accounts::user::CurrentUser;
use crate::error::AppResult;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// The agencies and who is above whom (`agencies.parent_id`, set by the administrator).
pub struct Units {
    parent: HashMap<i64, Option<i64>>,
    /// Agencies with petition officers: the petition office(s).
    offices: HashSet<i64>,
}

impl Units {
    /// The tree as it stands (a few dozen rows for a city).
    pub async fn load(conn: &mut AnyConnection) -> AppResult<Units> {
        let rows: Vec<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, parent_id FROM agencies").fetch_all(&mut *conn).await?;
        let offices: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT agency_id FROM users WHERE role = 'petition_officer' AND agency_id IS NOT NULL",
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(Units { parent: rows.into_iter().collect(), offices: offices.into_iter().collect() })
    }

    /// The units above `unit`, nearest first (the administrator's page refuses cycles; a cycle in
    /// the data would still end here).
    pub fn above(&self, unit: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut at = self.parent.get(&unit).copied().flatten();
        while let Some(p) = at {
            if p == unit || out.contains(&p) {
                break;
            }
            out.push(p);
            at = self.parent.get(&p).copied().flatten();
        }
        out
    }

    /// `unit` with every unit above and below it: the units a report about `unit` is kept from.
    pub fn chain(&self, unit: i64) -> HashSet<i64> {
        let mut chain: HashSet<i64> = self.above(unit).into_iter().collect();
        chain.insert(unit);
        for &other in self.parent.keys() {
            if self.above(other).contains(&unit) {
                chain.insert(other);
            }
        }
        chain
    }

    /// Whether a report about `concerned` concerns a petition office (it, or a unit above or below
    /// it, takes petitions): the office cannot triage a report about itself, so it goes to the
    /// discipline channel from the start.
    pub fn concerns_an_office(&self, concerned: i64) -> bool {
        self.chain(concerned).iter().any(|u| self.offices.contains(u))
    }

    /// The unit that reviews a decision of `deciding` on a report about `concerned`: the nearest
    /// unit above the deciding one outside the concerned unit's chain; None for the petition office.
    pub fn reviewer(&self, deciding: i64, concerned: Option<i64>) -> Option<i64> {
        let excluded = concerned.map(|c| self.chain(c)).unwrap_or_default();
        self.above(deciding).into_iter().find(|u| !excluded.contains(u))
    }
}

/// Whether a row of `cases c` is a report (a complaint, or a petition accusing someone), as SQL: the
/// screen's condition, and the search index's terms for it (`search::cases`), are built on it.
pub const IS_REPORT_SQL: &str = "(c.kind = 'complaint' OR COALESCE(c.petition_kind, '') = 'accusation')";

/// What one viewer may not see: reports about any unit of the viewer's own chain.
pub struct Screen {
    blocked: HashSet<i64>,
}

impl Screen {
    /// The screen for `user` (staff and officers of a unit; others belong to no unit).
    pub async fn for_viewer(conn: &mut AnyConnection, user: &CurrentUser) -> AppResult<Screen> {
        let blocked = match user.agency_id {
            Some(a) => Units::load(conn).await?.chain(a),
            None => HashSet::new(),
        };
        Ok(Screen { blocked })
    }

    /// The units about which this viewer sees no report, in order.
    pub fn blocked(&self) -> Vec<i64> {
        let mut units: Vec<i64> = self.blocked.iter().copied().collect();
        units.sort_unstable();
        units
    }

    /// The same rule as [`Screen::hides`] as a condition on `cases c` (empty when nothing is
    /// hidden), so a list screened in the query is paged after screening.
    pub fn sql(&self) -> String {
        if self.blocked.is_empty() {
            return String::new();
        }
        let units: Vec<String> = self.blocked().iter().map(i64::to_string).collect();
        format!(
            " AND NOT ({IS_REPORT_SQL} AND c.concerned_agency_id IS NOT NULL AND c.concerned_agency_id IN ({}))",
            units.join(", ")
        )
    }

    /// Whether a case is hidden from this viewer: a report concerning a unit of the viewer's chain.
    pub fn hides(&self, is_report: bool, concerned: Option<i64>) -> bool {
        is_report && concerned.is_some_and(|c| self.blocked.contains(&c))
    }

    /// Whether a listed case is shown to this viewer (every list and count asks this).
    pub(super) fn shows(&self, r: &SummaryRow) -> bool {
        !self.hides(r.is_report(), r.concerned_agency_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 市政府 (1) above 市交通局 (2) above 交警支队 (3); 市信访局 (4) has no parent; 区政府 (5)
    /// under 市政府 too.
    fn city() -> Units {
        Units {
            parent: HashMap::from([(1, None), (2, Some(1)), (3, Some(2)), (4, None), (5, Some(1))]),
            offices: HashSet::from([4]),
        }
    }

    #[test]
    fn a_report_is_kept_from_the_unit_it_concerns_and_every_unit_above_and_below() {
        let u = city();
        assert_eq!(u.chain(2), HashSet::from([1, 2, 3]));
        assert_eq!(u.chain(3), HashSet::from([1, 2, 3]));
        assert_eq!(u.chain(4), HashSet::from([4]));
        let officer_of_parent = Screen { blocked: u.chain(1) };
        assert!(officer_of_parent.hides(true, Some(3)), "the unit above sees no report about the unit below");
        assert!(!officer_of_parent.hides(false, Some(3)), "a claim is handled as usual");
        assert!(!officer_of_parent.hides(true, None));
        assert!(!Screen { blocked: u.chain(4) }.hides(true, Some(2)), "the office sees reports about others");
    }

    #[test]
    fn a_review_of_a_report_skips_the_units_above_the_one_it_concerns() {
        let u = city();
        // 区政府 decided a report about 交警支队: its parent 市政府 is above the reported unit.
        assert_eq!(u.reviewer(5, Some(3)), None, "to the petition office instead");
        assert_eq!(u.reviewer(5, None), Some(1), "an ordinary petition goes to the unit above");
        assert_eq!(u.reviewer(3, Some(4)), Some(2));
    }

    #[test]
    fn a_report_about_the_petition_office_goes_elsewhere() {
        let u = city();
        assert!(u.concerns_an_office(4));
        assert!(!u.concerns_an_office(2));
    }

    #[test]
    fn a_cycle_in_the_tree_does_not_hang() {
        let u = Units { parent: HashMap::from([(1, Some(2)), (2, Some(1))]), offices: HashSet::new() };
        assert_eq!(u.chain(1), HashSet::from([1, 2]));
    }
}
