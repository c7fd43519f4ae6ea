//! Submission budgets, one set per kind of work, so that one kind used up leaves the others whole:
//! a flood of anonymous comments from an address does not stop its progress lookups or filings.
//!
//! A signed-in request is counted against its account's own budget first, and then against a much
//! larger ceiling on signed-in requests from its address: people signed in at a service-hall kiosk
//! or behind one carrier address do not use up each other's budget, yet one address cannot flood by
//! minting accounts (registrations are limited per address as well). A signed-out request has only
//! its address to go by. Staff and administrator work is counted per account only: those accounts
//! are made by administrators, not by the public, and a whole office may share one address.
use crate::config;
use app::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// What a request spends; each kind has budgets of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Comments and other feedback citizens give a consultation.
    Comment,
    /// Case filings: complaints, petitions, objection reviews.
    Filing,
    /// A case looked up by number and query code, and a rating or review request made by code.
    Lookup,
    /// Staff and administrator work: moderation, answers, case actions, publishing, administration.
    Work,
}

/// One kind's budgets.
struct Budget {
    /// Per account when signed in, else per address (keys `acct:…` and `ip:…`).
    own: DefaultKeyedRateLimiter<String>,
    /// Signed-in requests per address; `None` for work, whose accounts the public cannot make.
    signed_in_per_address: Option<DefaultKeyedRateLimiter<String>>,
}

impl Budget {
    fn new(per_minute: u32, signed_in_per_address: Option<u32>) -> Budget {
        let limiter = |n| RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)));
        Budget { own: limiter(per_minute), signed_in_per_address: signed_in_per_address.map(limiter) }
    }

    fn spend(&self, address: IpAddr, account: Option<i64>) -> Result<(), AppError> {
        let address = format!("ip:{address}");
        let Some(id) = account else { return take(&self.own, address) };
        // The account first: an account over its own budget spends nothing of its address's.
        take(&self.own, format!("acct:{id}"))?;
        self.signed_in_per_address.as_ref().map_or(Ok(()), |ceiling| take(ceiling, address))
    }
}

fn take(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Result<(), AppError> {
    limiter.check_key(&key).map_err(|not_until| {
        AppError::RateLimited(not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    })
}

/// Every kind's budgets.
pub struct Budgets {
    comment: Budget,
    filing: Budget,
    lookup: Budget,
    work: Budget,
}

impl Budgets {
    /// Budgets from configuration.
    pub fn new(l: &config::Limits) -> Budgets {
        let crowd = Some(l.signed_in_per_address_per_minute);
        Budgets {
            comment: Budget::new(l.comments_per_minute, crowd),
            filing: Budget::new(l.filings_per_minute, crowd),
            lookup: Budget::new(l.lookups_per_minute, crowd),
            work: Budget::new(l.staff_work_per_minute, None),
        }
    }

    /// Count one request of `kind` from `address` (already a client key: IPv6 by its /64), by
    /// `account` when signed in; `RateLimited(seconds)` when a budget it counts against is used up.
    pub fn spend(&self, kind: Kind, address: IpAddr, account: Option<i64>) -> Result<(), AppError> {
        self.of(kind).spend(address, account).inspect_err(|_| {
            tracing::warn!(?kind, signed_in = account.is_some(), "rate limit hit");
        })
    }

    fn of(&self, kind: Kind) -> &Budget {
        match kind {
            Kind::Comment => &self.comment,
            Kind::Filing => &self.filing,
            Kind::Lookup => &self.lookup,
            Kind::Work => &self.work,
        }
    }

    /// Drop keys that are back to full quota, so memory stays bounded.
    pub fn prune(&self) {
        for budget in [&self.comment, &self.filing, &self.lookup, &self.work] {
            budget.own.retain_recent();
            if let Some(ceiling) = &budget.signed_in_per_address {
                ceiling.retain_recent();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budgets() -> Budgets {
        Budgets::new(&config::Limits {
            comments_per_minute: 2,
            filings_per_minute: 2,
            lookups_per_minute: 2,
            staff_work_per_minute: 2,
            signed_in_per_address_per_minute: 5,
            ..config::Limits::default()
        })
    }

    const KIOSK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));

    #[test]
    fn each_kind_has_its_own_budget_per_address() {
        let b = budgets();
        for _ in 0..2 {
            b.spend(Kind::Comment, KIOSK, None).unwrap();
        }
        assert!(matches!(b.spend(Kind::Comment, KIOSK, None), Err(AppError::RateLimited(_))));
        for kind in [Kind::Filing, Kind::Lookup, Kind::Work] {
            b.spend(kind, KIOSK, None).unwrap();
        }
    }

    #[test]
    fn signed_in_accounts_at_one_address_spend_their_own_budgets_up_to_the_address_ceiling() {
        let b = budgets();
        b.spend(Kind::Comment, KIOSK, None).unwrap();
        b.spend(Kind::Comment, KIOSK, None).unwrap();
        // The signed-out budget of the address is used up; signed-in people there are not held back.
        for account in 1..=2 {
            b.spend(Kind::Comment, KIOSK, Some(account)).unwrap();
            b.spend(Kind::Comment, KIOSK, Some(account)).unwrap();
        }
        assert!(b.spend(Kind::Comment, KIOSK, Some(1)).is_err(), "one account over its own budget");
        b.spend(Kind::Comment, KIOSK, Some(3)).unwrap();
        assert!(b.spend(Kind::Comment, KIOSK, Some(4)).is_err(), "five signed-in comments: the ceiling");
        b.spend(Kind::Lookup, KIOSK, Some(4)).unwrap();
    }

    #[test]
    fn staff_work_is_counted_per_account_with_no_address_ceiling() {
        let b = budgets();
        for account in 1..=10 {
            b.spend(Kind::Work, KIOSK, Some(account)).unwrap();
            b.spend(Kind::Work, KIOSK, Some(account)).unwrap();
        }
        assert!(b.spend(Kind::Work, KIOSK, Some(1)).is_err());
    }
}
