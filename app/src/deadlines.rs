//! The one clock every deadline comes from (a case's steps, and a normative document's filing for
//! review): the holiday calendar, the statutory counting rules and the configurable period of each
//! step.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::clock::{self, Date};

/// Whether a calendar entry is a day off or a swapped working day (调休上班日).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Holiday,
    Workday,
}

/// One entry of the holiday calendar the administrator maintains each year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct CalendarDay {
    pub date: Date,
    pub kind: DayKind,
    pub name: String,
}

/// Which days are working days: Monday–Friday, minus public holidays, plus swapped working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

impl Calendar {
    /// A calendar from its entries; a date listed both ways counts as a holiday.
    pub fn new(days: &[CalendarDay]) -> Self {
        let mut cal = Calendar::default();
        for day in days {
            match day.kind {
                DayKind::Holiday => cal.holidays.insert(day.date),
                DayKind::Workday => cal.workdays.insert(day.date),
            };
        }
        cal
    }

    /// Whether government offices work on this date.
    pub fn is_working_day(&self, d: Date) -> bool {
        !self.holidays.contains(&d) && (self.workdays.contains(&d) || !d.is_weekend())
    }

    /// The date itself if it is a working day, otherwise the first working day after it.
    pub fn working_day_on_or_after(&self, mut d: Date) -> Date {
        // Terminates: only the finitely many listed holidays can make a weekday a day off.
        while !self.is_working_day(d) {
            d = d.next_day();
        }
        d
    }
}

/// End of a calendar-day period: the event day is not counted, and a last day that is a holiday or
/// rest day moves to the first working day after it.
pub fn calendar_days_after(cal: &Calendar, event: Date, n: u32) -> Date {
    cal.working_day_on_or_after(event.add_days(n.into()))
}

/// End of a working-day period: the n-th working day after the event (swapped working days count).
pub fn working_days_after(cal: &Calendar, event: Date, n: u32) -> Date {
    let mut d = event;
    let mut left = n;
    while left > 0 {
        d = d.next_day();
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// How the days of a period are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    CalendarDays,
    WorkingDays,
}

/// A statutory period: so many calendar or working days after the triggering event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub days: u32,
    pub unit: Unit,
}

impl Period {
    /// A period of calendar days.
    pub const fn calendar(days: u32) -> Self {
        Period { days, unit: Unit::CalendarDays }
    }

    /// A period of working days.
    pub const fn working(days: u32) -> Self {
        Period { days, unit: Unit::WorkingDays }
    }

    /// The last day of the period started by an event on `event`.
    pub fn due(&self, cal: &Calendar, event: Date) -> Date {
        match self.unit {
            Unit::CalendarDays => calendar_days_after(cal, event, self.days),
            Unit::WorkingDays => working_days_after(cal, event, self.days),
        }
    }
}

impl Period {
    /// The deadline started by an event on `event`, with what it was counted from (so a change to
    /// the holiday calendar can count it again).
    pub fn due_from(&self, cal: &Calendar, event: Date) -> Due {
        Due { on: self.due(cal, event), counted: Some((event, *self)) }
    }

    /// Stored form: "calendar_days:60", "working_days:15".
    pub fn stored(&self) -> String {
        let unit = match self.unit {
            Unit::CalendarDays => "calendar_days",
            Unit::WorkingDays => "working_days",
        };
        format!("{unit}:{}", self.days)
    }

    /// Read the stored form back.
    pub fn from_stored(s: &str) -> Option<Period> {
        let (unit, days) = s.split_once(':')?;
        let days = days.parse().ok()?;
        match unit {
            "calendar_days" => Some(Period::calendar(days)),
            "working_days" => Some(Period::working(days)),
            _ => None,
        }
    }
}

/// A step's deadline and, when a statutory period gave it, the event date and period it was
/// counted from; `None` for a date set by hand (an assigning officer's), which no calendar moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub on: Date,
    pub counted: Option<(Date, Period)>,
}

impl Due {
    /// A date set by hand.
    pub fn fixed(on: Date) -> Due {
        Due { on, counted: None }
    }

    /// The deadline counted again on `cal`; a date set by hand stays.
    pub fn recounted(&self, cal: &Calendar) -> Date {
        match self.counted {
            Some((event, period)) => period.due(cal, event),
            None => self.on,
        }
    }
}

/// The instant a due date is over (the next Beijing midnight): a step done before it is on time.
pub fn due_instant(due: Date) -> i64 {
    clock::start_of_day(due.next_day())
}

/// Calendar days from today in Beijing to the due date: 0 on the due day, negative when overdue.
pub fn days_left(now: i64, due: Date) -> i64 {
    due.day_number() - clock::date_of(now).day_number()
}

/// The deadline of each step of a case; the defaults are the statutory values, and a jurisdiction's
/// configuration overrides only the steps it names.
///
/// Sources: 信访工作条例 (2022), which keeps the numbers of the 2005 信访条例 (articles cited below are
/// the 2005 ones); the city's rules on normative documents for `objection_review`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Periods {
    /// 登记、转送交办: the petition office registers, then transfers or assigns, within 15 days of
    /// receipt (2005 条例 art. 21).
    pub register: Period,
    /// 告知是否受理: the receiving unit tells the petitioner whether it accepts within 15 days of
    /// receipt (2005 条例 art. 22).
    pub unit_accept: Period,
    /// 转送异议: a unit that thinks a transferred case is not its business objects, with reasons,
    /// within 5 working days of receipt (2022 条例).
    pub objection: Period,
    /// 办理期限: from acceptance to the written decision (信访处理意见书), 60 days (2005 条例 art. 33).
    pub handling: Period,
    /// 延长办理期限: one extension of at most 30 days, with reasons told to the petitioner
    /// (2005 条例 art. 33).
    pub extension_max: Period,
    /// 申请复查: the petitioner may ask the next level up for review within 30 days of receiving the
    /// decision (2005 条例 art. 34).
    pub review_request: Period,
    /// 复查意见: the review is answered in writing within 30 days of the request (2005 条例 art. 34).
    pub review_decision: Period,
    /// 申请复核: the petitioner may ask for re-review within 30 days of receiving the review decision
    /// (2005 条例 art. 35).
    pub rereview_request: Period,
    /// 复核意见: the re-review is answered within 30 days; the same facts are not accepted again
    /// afterwards (2005 条例 art. 35).
    pub rereview_decision: Period,
    /// 规范性文件异议审查: the issuing body answers an objection-review application within 30 days of
    /// receipt.
    pub objection_review: Period,
    /// 备案: a new normative document is filed with the body above (the government's legal-affairs
    /// office for a department's) within 30 days of publication; provinces differ.
    pub document_filing: Period,
    /// 备案审查: the reviewing office records its outcome within 30 days of the filing; provinces differ.
    pub filing_review: Period,
    /// 有效期: how long a normative document is valid unless it says otherwise (5 years, 2 for
    /// 暂行/试行), and the longest it may say.
    pub document_validity: Validity,
}

/// A normative document's validity in years: `years` at most, and by default; `provisional_years`
/// by default for a provisional (暂行, 试行) one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    pub years: u32,
    pub provisional_years: u32,
}

impl Default for Validity {
    fn default() -> Self {
        Validity { years: 5, provisional_years: 2 }
    }
}

impl Validity {
    /// Settings that make sense: 1 to 10 years, a provisional document no longer than any other.
    pub fn check(&self) -> Result<(), &'static str> {
        if !(1..=10).contains(&self.years) || !(1..=self.years).contains(&self.provisional_years) {
            return Err("expected 1 <= provisional_years <= years <= 10");
        }
        Ok(())
    }
}

impl Default for Periods {
    fn default() -> Self {
        Periods {
            register: Period::calendar(15),
            unit_accept: Period::calendar(15),
            objection: Period::working(5),
            handling: Period::calendar(60),
            extension_max: Period::calendar(30),
            review_request: Period::calendar(30),
            review_decision: Period::calendar(30),
            rereview_request: Period::calendar(30),
            rereview_decision: Period::calendar(30),
            objection_review: Period::calendar(30),
            document_filing: Period::calendar(30),
            filing_review: Period::calendar(30),
            document_validity: Validity::default(),
        }
    }
}

/// Why a handling extension was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionError {
    /// An extension of no days is not an extension.
    Empty,
    /// Longer than the one extension the rules allow.
    TooLong { requested: u32, max: u32 },
}

impl std::fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionError::Empty => f.write_str("延长天数至少为1日"),
            ExtensionError::TooLong { max, .. } => write!(f, "延长期限不得超过{max}日"),
        }
    }
}

impl std::error::Error for ExtensionError {}

impl Periods {
    /// Due date of handling extended by `extra` days: the handling period lengthened by `extra`
    /// (in its own unit) and counted from the same acceptance date, e.g. 60 + 30 = 90 calendar days.
    pub fn extended_handling(&self, cal: &Calendar, accepted: Date, extra: u32) -> Result<Date, ExtensionError> {
        let max = self.extension_max.days;
        if extra == 0 {
            return Err(ExtensionError::Empty);
        }
        if extra > max {
            return Err(ExtensionError::TooLong { requested: extra, max });
        }
        let extended = Period { days: self.handling.days.saturating_add(extra), unit: self.handling.unit };
        Ok(extended.due(cal, accepted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::holidays::calendar_2026;
    use crate::clock::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn cal() -> Calendar {
        Calendar::new(&calendar_2026())
    }

    #[test]
    fn new_year_day_is_a_thursday_off_and_the_swapped_sunday_after_is_worked() {
        let cal = cal();
        assert_eq!(d("2026-01-01").weekday(), 4);
        assert!(!cal.is_working_day(d("2026-01-01")));
        assert!(!cal.is_working_day(d("2026-01-03")));
        assert!(cal.is_working_day(d("2026-01-04")));
        // From New Year's Eve, the first working day is the swapped Sunday.
        assert_eq!(working_days_after(&cal, d("2025-12-31"), 1), d("2026-01-04"));
    }

    #[test]
    fn ordinary_weekends_are_rest_days_and_weekdays_work() {
        let cal = cal();
        assert!(!cal.is_working_day(d("2026-03-07")));
        assert!(!cal.is_working_day(d("2026-03-08")));
        assert!(cal.is_working_day(d("2026-03-09")));
        // A calendar without entries knows only weekends.
        assert_eq!(Calendar::default().working_day_on_or_after(d("2026-10-03")), d("2026-10-05"));
    }

    #[test]
    fn the_2026_calendar_has_every_published_day_off_and_swapped_workday() {
        let days = calendar_2026();
        let off = days.iter().filter(|c| c.kind == DayKind::Holiday).count();
        let worked: Vec<_> = days.iter().filter(|c| c.kind == DayKind::Workday).map(|c| c.date.to_string()).collect();
        assert_eq!(off, 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert_eq!(worked, ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]);
        let national_day: Vec<_> = days.iter().filter(|c| c.name == "国庆节").collect();
        assert_eq!(national_day.len(), 7 + 2);
    }

    #[test]
    fn objection_over_national_day_counts_the_swapped_saturday() {
        // Wed 30 Sep → Thu 8, Fri 9, Sat 10 (swapped), Mon 12, Tue 13 Oct.
        let due = Periods::default().objection.due(&cal(), d("2026-09-30"));
        assert_eq!(due, d("2026-10-13"));
        assert_eq!(due.weekday(), 2);
    }

    #[test]
    fn objection_over_spring_festival_counts_both_swapped_saturdays_it_reaches() {
        // Fri 13 Feb → Sat 14 (swapped), then 24, 25, 26, 27 Feb after the break.
        assert_eq!(working_days_after(&cal(), d("2026-02-13"), 5), d("2026-02-27"));
    }

    #[test]
    fn handling_period_ending_in_national_day_rolls_to_the_first_working_day_after() {
        // 5 Aug + 60 days = Sun 4 Oct, inside the holiday.
        assert_eq!(Periods::default().handling.due(&cal(), d("2026-08-05")), d("2026-10-08"));
    }

    #[test]
    fn handling_period_ending_on_a_saturday_rolls_to_monday() {
        // 20 Oct + 60 days = Sat 19 Dec.
        assert_eq!(Periods::default().handling.due(&cal(), d("2026-10-20")), d("2026-12-21"));
    }

    #[test]
    fn calendar_day_period_ending_on_an_ordinary_weekday_stays_put() {
        // 5 Aug + 90 days = Tue 3 Nov; 1 Apr + 15 = Thu 16 Apr.
        assert_eq!(calendar_days_after(&cal(), d("2026-08-05"), 90), d("2026-11-03"));
        assert_eq!(Periods::default().register.due(&cal(), d("2026-04-01")), d("2026-04-16"));
    }

    #[test]
    fn calendar_day_period_ending_on_a_swapped_working_saturday_ends_that_saturday() {
        // 25 Sep + 15 days = Sat 10 Oct, a working day.
        assert_eq!(Periods::default().unit_accept.due(&cal(), d("2026-09-25")), d("2026-10-10"));
    }

    #[test]
    fn extended_handling_counts_ninety_days_from_acceptance_not_from_the_rolled_due_date() {
        let periods = Periods::default();
        // 5 Aug + 90 = Tue 3 Nov, although the unextended period had rolled to 8 Oct (8 Oct + 30 = Sat 7 Nov).
        assert_eq!(periods.extended_handling(&cal(), d("2026-08-05"), 30), Ok(d("2026-11-03")));
        // 2 Aug + 80 = Wed 21 Oct; 5 Jul + 90 = Sat 3 Oct → 8 Oct.
        assert_eq!(periods.extended_handling(&cal(), d("2026-08-02"), 20), Ok(d("2026-10-21")));
        assert_eq!(periods.extended_handling(&cal(), d("2026-07-05"), 30), Ok(d("2026-10-08")));
    }

    #[test]
    fn extension_over_the_maximum_or_of_no_days_is_refused() {
        let periods = Periods::default();
        let refused = periods.extended_handling(&cal(), d("2026-08-05"), 31);
        assert_eq!(refused, Err(ExtensionError::TooLong { requested: 31, max: 30 }));
        assert_eq!(refused.unwrap_err().to_string(), "延长期限不得超过30日");
        assert_eq!(periods.extended_handling(&cal(), d("2026-08-05"), 0), Err(ExtensionError::Empty));
    }

    #[test]
    fn a_step_is_on_time_until_beijing_midnight_after_the_due_date() {
        let due = d("2026-10-13");
        assert_eq!(due_instant(due), clock::start_of_day(d("2026-10-14")));
        assert_eq!(clock::format_datetime(due_instant(due) - 1), "2026-10-13 23:59");
    }

    #[test]
    fn days_left_follows_the_beijing_date_and_goes_negative_when_overdue() {
        let due = d("2026-10-13");
        // 23:30 on 12 Oct in Beijing is still 12 Oct, although UTC is 15:30.
        let late_evening = clock::start_of_day(d("2026-10-12")) + 23 * 3600 + 1800;
        assert_eq!(days_left(late_evening, due), 1);
        assert_eq!(days_left(late_evening + 3600, due), 0);
        assert_eq!(days_left(clock::start_of_day(d("2026-10-20")), due), -7);
    }

    #[test]
    fn default_periods_are_the_statutory_ones() {
        let p = Periods::default();
        assert_eq!((p.register, p.unit_accept), (Period::calendar(15), Period::calendar(15)));
        assert_eq!(p.objection, Period { days: 5, unit: Unit::WorkingDays });
        assert_eq!((p.handling, p.extension_max), (Period::calendar(60), Period::calendar(30)));
        for thirty in [p.review_request, p.review_decision, p.rereview_request, p.rereview_decision, p.objection_review]
        {
            assert_eq!(thirty, Period::calendar(30));
        }
    }

    #[test]
    fn configuration_overriding_one_step_keeps_the_other_defaults() {
        let config = V::M(vec![("handling", V::M(vec![("days", V::N(45)), ("unit", V::S("working_days"))]))]);
        let periods = Periods::deserialize(config).unwrap();
        assert_eq!(periods.handling, Period::working(45));
        assert_eq!(Periods { handling: Period::calendar(60), ..periods }, Periods::default());
        assert_eq!(Periods::deserialize(V::M(vec![])).unwrap(), Periods::default());
    }

    #[test]
    fn configuration_with_a_misspelt_step_or_unit_is_rejected() {
        let period = || V::M(vec![("days", V::N(45)), ("unit", V::S("calendar_days"))]);
        assert!(Periods::deserialize(V::M(vec![("hanlding", period())])).is_err());
        let bad_unit = V::M(vec![("days", V::N(45)), ("unit", V::S("weeks"))]);
        assert!(Periods::deserialize(V::M(vec![("handling", bad_unit)])).is_err());
    }

    #[test]
    fn calendar_entries_read_dates_as_iso_strings() {
        let entry = |date| V::M(vec![("date", V::S(date)), ("kind", V::S("workday")), ("name", V::S("国庆节"))]);
        let day = CalendarDay::deserialize(entry("2026-10-10")).unwrap();
        assert_eq!(day, CalendarDay { date: d("2026-10-10"), kind: DayKind::Workday, name: "国庆节".into() });
        assert!(CalendarDay::deserialize(entry("2026-02-30")).is_err());
    }

    /// A tiny self-describing value, so serde defaults can be tested without a format crate.
    enum V {
        N(u32),
        S(&'static str),
        M(Vec<(&'static str, V)>),
    }

    impl<'de> serde::Deserializer<'de> for V {
        type Error = serde::de::value::Error;

        fn deserialize_any<W: serde::de::Visitor<'de>>(self, w: W) -> Result<W::Value, Self::Error> {
            match self {
                V::N(n) => w.visit_u32(n),
                V::S(s) => w.visit_borrowed_str(s),
                V::M(m) => w.visit_map(serde::de::value::MapDeserializer::new(m.into_iter())),
            }
        }

        fn deserialize_enum<W: serde::de::Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            w: W,
        ) -> Result<W::Value, Self::Error> {
            match self {
                V::S(s) => serde::de::value::BorrowedStrDeserializer::new(s).deserialize_enum(name, variants, w),
                other => other.deserialize_any(w),
            }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
        }
    }

    impl<'de> serde::de::IntoDeserializer<'de> for V {
        type Deserializer = V;

        fn into_deserializer(self) -> V {
            self
        }
    }
}
