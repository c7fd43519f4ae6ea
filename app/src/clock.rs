//! Time in the platform: instants are UTC seconds; people see Beijing time (UTC+8, no DST).
//! Calendar arithmetic is done by hand so the browser bundle needs no date library.

/// Beijing is UTC+8 all year.
const OFFSET: i64 = 8 * 3600;

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(d: Date) -> i64 {
    let y = if d.month <= 2 { d.year - 1 } else { d.year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = d.month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d.day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number since 1970-01-01.
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Date { year: yoe + era * 400 + i64::from(month <= 2), month, day }
}

impl Date {
    /// The next calendar day.
    pub fn next_day(self) -> Date {
        civil_from_days(days_from_civil(self) + 1)
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i64) -> Date {
        civil_from_days(days_from_civil(self) + n)
    }

    /// Days since 1970-01-01.
    pub fn day_number(self) -> i64 {
        days_from_civil(self)
    }

    /// The date of a day number since 1970-01-01.
    pub fn from_day_number(n: i64) -> Date {
        civil_from_days(n)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((days_from_civil(self) + 3).rem_euclid(7) + 1) as u32
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        self.weekday() >= 6
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Dates travel as "YYYY-MM-DD" strings (configuration files, JSON, the calendar table).
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        parse_date(&s).ok_or_else(|| serde::de::Error::custom(format_args!("not a date (YYYY-MM-DD): {s}")))
    }
}

/// Current instant in UTC seconds.
#[cfg(feature = "ssr")]
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Current instant in UTC seconds.
#[cfg(all(not(feature = "ssr"), target_arch = "wasm32"))]
pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Current instant in UTC seconds.
#[cfg(all(not(feature = "ssr"), not(target_arch = "wasm32")))]
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The Beijing calendar date and seconds into that day of an instant.
fn split(ts: i64) -> (Date, i64) {
    let local = ts + OFFSET;
    (civil_from_days(local.div_euclid(86_400)), local.rem_euclid(86_400))
}

/// "2026-11-24 08:30" in Beijing time.
pub fn format_datetime(ts: i64) -> String {
    let (d, secs) = split(ts);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", d.year, d.month, d.day, secs / 3600, secs % 3600 / 60)
}

/// "2026-11-24" in Beijing time.
pub fn format_date(ts: i64) -> String {
    let (d, _) = split(ts);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// "2026年12月3日": a date the way people read it on a page.
pub fn long_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year, d.month, d.day)
}

/// "2026年12月3日" in Beijing time, of an instant.
pub fn format_long_date(ts: i64) -> String {
    long_date(date_of(ts))
}

/// A stored "YYYY-MM-DD" as people read it ("2026年12月3日"); anything else as it is.
pub fn long_iso(s: &str) -> String {
    parse_date(s).map(long_date).unwrap_or_else(|| s.to_string())
}

/// Parse "YYYY-MM-DD" as a calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let d = Date { year, month, day };
    // Reject 2026-02-30 and the like: a real date survives the round trip.
    ((1..=9999).contains(&year) && civil_from_days(days_from_civil(d)) == d).then_some(d)
}

/// Midnight at the start of a Beijing calendar date, in UTC seconds.
pub fn start_of_day(d: Date) -> i64 {
    days_from_civil(d) * 86_400 - OFFSET
}

/// The Beijing calendar date of an instant.
pub fn date_of(ts: i64) -> Date {
    split(ts).0
}

/// Today's date in Beijing.
pub fn today() -> Date {
    date_of(now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beijing_date_starts_at_16_utc_the_day_before() {
        let d = parse_date("2026-11-24").unwrap();
        assert_eq!(format_datetime(start_of_day(d)), "2026-11-24 00:00");
        assert_eq!(start_of_day(d), 1_795_478_400 - 8 * 3600);
    }

    #[test]
    fn dates_round_trip_across_leap_years_and_month_ends() {
        for s in ["1970-01-01", "2000-02-29", "2024-12-31", "2026-03-01", "2100-02-28"] {
            assert_eq!(format_date(start_of_day(parse_date(s).unwrap())), s);
        }
        assert_eq!(parse_date("2026-02-28").unwrap().next_day(), parse_date("2026-03-01").unwrap());
    }

    #[test]
    fn weekdays_of_known_dates() {
        // 1970-01-01 Thursday, 2026-01-01 Thursday, 2026-10-01 Thursday, 2026-01-04 Sunday.
        for (s, wd) in [("1970-01-01", 4), ("2026-01-01", 4), ("2026-10-01", 4), ("2026-01-04", 7), ("2026-10-12", 1)] {
            assert_eq!(parse_date(s).unwrap().weekday(), wd, "{s}");
        }
        assert!(parse_date("2026-10-10").unwrap().is_weekend());
        assert!(!parse_date("2026-10-09").unwrap().is_weekend());
    }

    #[test]
    fn adding_days_crosses_months_and_years_both_ways() {
        let d = parse_date("2026-12-30").unwrap();
        assert_eq!(d.add_days(3).to_string(), "2027-01-02");
        assert_eq!(d.add_days(-365).to_string(), "2025-12-30");
        assert_eq!(Date::from_day_number(d.day_number()), d);
        assert_eq!(date_of(start_of_day(d) + 86_399), d);
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for s in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "abc", ""] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
