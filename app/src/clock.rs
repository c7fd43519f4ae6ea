//! Time in the platform: instants are UTC seconds; people see Beijing time (UTC+8, no DST).
use time::{macros::format_description, Date, OffsetDateTime, UtcOffset};

/// Beijing time offset.
pub const BEIJING: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// Current instant in UTC seconds.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// "2026-11-24 08:30" in Beijing time.
pub fn format_datetime(ts: i64) -> String {
    let fmt = format_description!("[year]-[month]-[day] [hour]:[minute]");
    OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| t.to_offset(BEIJING).format(fmt).unwrap_or_default())
        .unwrap_or_default()
}

/// "2026-11-24" in Beijing time.
pub fn format_date(ts: i64) -> String {
    let fmt = format_description!("[year]-[month]-[day]");
    OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| t.to_offset(BEIJING).format(fmt).unwrap_or_default())
        .unwrap_or_default()
}

/// Parse "YYYY-MM-DD" as a Beijing calendar date.
pub fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Midnight at the start of a Beijing calendar date, in UTC seconds.
pub fn start_of_day(d: Date) -> i64 {
    d.midnight().assume_offset(BEIJING).unix_timestamp()
}

/// Today's date in Beijing.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(BEIJING).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beijing_date_starts_at_16_utc_the_day_before() {
        let d = parse_date("2026-11-24").unwrap();
        assert_eq!(format_datetime(start_of_day(d)), "2026-11-24 00:00");
        assert_eq!(start_of_day(d) % 86_400, 16 * 3600);
    }
}
