//! The figures staff and the public see: a unit's load on the dashboard, and the monthly
//! statistics (aggregates only).
use serde::{Deserialize, Serialize};

/// How one unit stands: cases it owes a step on, overdue, due within 3 days, supervised, rated low.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLoad {
    pub unit: String,
    pub open: u64,
    pub overdue: u64,
    pub due_soon: u64,
    pub supervised: u64,
    pub low_ratings: u64,
}

/// One row of the public statistics: a unit's cases received in one month (aggregates only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    /// `YYYY-MM`, Beijing time, of receipt.
    pub month: String,
    pub unit: String,
    pub received: u64,
    pub accepted: u64,
    pub decided_on_time: u64,
    pub decided_late: u64,
    /// Still owing a step past its deadline.
    pub overdue: u64,
    pub rated: u64,
    /// Average satisfaction (1–5) of the rated ones.
    pub satisfaction: Option<f64>,
}

/// One page of the public statistics: a run of months, newest first, and where it stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatPage {
    pub rows: Vec<StatRow>,
    pub page: u32,
    pub pages: u32,
}
