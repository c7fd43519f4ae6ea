//! How far an index has applied the change records: the highest id seen, and the ids below it
//! that have not appeared yet (on PostgreSQL a lower id can commit after a higher one is read).

/// Seconds an id missing below the highest one is looked for before it is taken as never coming
/// (a rolled-back transaction also leaves a hole). Far longer than any write transaction, which
/// the statement timeout keeps to seconds.
pub const GAP_GRACE: i64 = 120;

/// At most this many missing ids are remembered; a larger jump is a sequence jump, not commits in flight.
const MAX_GAPS: usize = 10_000;

/// The position stored with each index commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// The highest change id applied.
    pub last: i64,
    /// Ids below `last` not seen yet, with the time (seconds) they were first missed.
    pub gaps: Vec<(i64, i64)>,
}

impl Position {
    /// Read a commit payload: `"last"` then ` id@since` per gap. Unreadable means a new index.
    pub fn parse(payload: &str) -> Position {
        let mut parts = payload.split_whitespace();
        let last = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let gaps = parts
            .filter_map(|p| p.split_once('@'))
            .filter_map(|(id, since)| Some((id.parse().ok()?, since.parse().ok()?)))
            .collect();
        Position { last, gaps }
    }

    /// The payload to store with a commit.
    pub fn payload(&self) -> String {
        let mut s = self.last.to_string();
        for (id, since) in &self.gaps {
            s.push_str(&format!(" {id}@{since}"));
        }
        s
    }

    /// The missing ids, to look for again.
    pub fn missing(&self) -> Vec<i64> {
        self.gaps.iter().map(|g| g.0).collect()
    }

    /// Account for change ids just applied (in any order): those that filled a gap close it, and
    /// ids skipped between the old and the new highest id become gaps.
    pub fn advance(&mut self, applied: &[i64], now: i64) {
        let mut ids: Vec<i64> = applied.to_vec();
        ids.sort_unstable();
        self.gaps.retain(|(id, _)| ids.binary_search(id).is_err());
        for id in ids {
            if id <= self.last {
                continue;
            }
            let skipped = (self.last + 1)..id;
            if (skipped.end - skipped.start) as usize + self.gaps.len() <= MAX_GAPS {
                self.gaps.extend(skipped.map(|g| (g, now)));
            } else {
                tracing::warn!(
                    from = skipped.start,
                    to = skipped.end,
                    "change ids jumped; not waiting for the ids between"
                );
            }
            self.last = id;
        }
    }

    /// Stop waiting for ids missing longer than `GAP_GRACE`; returns whether any were dropped.
    pub fn expire(&mut self, now: i64) -> bool {
        let before = self.gaps.len();
        self.gaps.retain(|(_, since)| now - since <= GAP_GRACE);
        self.gaps.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_payload_is_a_position_without_gaps() {
        assert_eq!(Position::parse("42"), Position { last: 42, gaps: vec![] });
        assert_eq!(Position::parse(""), Position::default());
    }

    #[test]
    fn skipped_ids_are_remembered_until_they_appear() {
        let mut p = Position { last: 10, gaps: vec![] };
        p.advance(&[11, 14, 12], 100);
        assert_eq!(p.last, 14);
        assert_eq!(p.missing(), vec![13]);
        let stored = Position::parse(&p.payload());
        assert_eq!(stored, p, "gaps survive a restart");
        p.advance(&[13, 15], 105);
        assert_eq!(p, Position { last: 15, gaps: vec![] });
    }

    #[test]
    fn a_gap_that_never_fills_is_given_up_after_the_grace_period() {
        let mut p = Position { last: 0, gaps: vec![] };
        p.advance(&[2], 1_000);
        assert!(!p.expire(1_000 + GAP_GRACE));
        assert!(p.expire(1_000 + GAP_GRACE + 1));
        assert!(p.missing().is_empty());
    }

    #[test]
    fn a_sequence_jump_is_not_waited_for() {
        let mut p = Position { last: 5, gaps: vec![] };
        p.advance(&[1_000_000], 0);
        assert_eq!(p, Position { last: 1_000_000, gaps: vec![] });
    }
}
