//! The holiday calendar as people write it: the State Council's published years, and the text an
//! administrator types for a year ("2027-01-01 放假 元旦", ranges with 至), checked before anything
//! is kept. Pure, so the rules are tested without a database.
use super::deadlines::{CalendarDay, DayKind};
use crate::clock::{self, Date};
use crate::error::FieldError;

/// Holiday spans of 2026 (name, first day off, last day off) as published by the State Council.
const HOLIDAYS_2026: [(&str, (u32, u32), (u32, u32)); 7] = [
    ("元旦", (1, 1), (1, 3)),
    ("春节", (2, 15), (2, 23)),
    ("清明节", (4, 4), (4, 6)),
    ("劳动节", (5, 1), (5, 5)),
    ("端午节", (6, 19), (6, 21)),
    ("中秋节", (9, 25), (9, 27)),
    ("国庆节", (10, 1), (10, 7)),
];

/// Swapped working days of 2026 (name of the holiday they pay for, date).
const WORKDAYS_2026: [(&str, (u32, u32)); 6] = [
    ("元旦", (1, 4)),
    ("春节", (2, 14)),
    ("春节", (2, 28)),
    ("劳动节", (5, 9)),
    ("国庆节", (9, 20)),
    ("国庆节", (10, 10)),
];

/// The 2026 calendar as the State Council published it (2025-11-04). Migration 0007 seeds the
/// database with the same days; a test checks that they agree.
pub fn calendar_2026() -> Vec<CalendarDay> {
    let date = |(month, day): (u32, u32)| Date { year: 2026, month, day };
    let mut days = Vec::new();
    for (name, first, last) in HOLIDAYS_2026 {
        let (first, last) = (date(first), date(last));
        let span = first.day_number()..=last.day_number();
        days.extend(span.map(|n| CalendarDay {
            date: Date::from_day_number(n),
            kind: DayKind::Holiday,
            name: name.to_owned(),
        }));
    }
    days.extend(WORKDAYS_2026.map(|(name, d)| CalendarDay {
        date: date(d),
        kind: DayKind::Workday,
        name: name.to_owned(),
    }));
    days.sort_by_key(|d| d.date);
    days
}

/// Lines a year's calendar may hold (a year has about 30 days off and 6 swapped working days).
pub const MAX_LINES: usize = 200;

/// Longest name of a holiday, in characters.
const MAX_NAME: usize = 20;

/// Read an administrator's text for `year`: one entry per line, "YYYY-MM-DD 放假 元旦",
/// "YYYY-MM-DD至YYYY-MM-DD 放假 春节" or "YYYY-MM-DD 上班 春节调休" (holiday/workday also read).
/// Every problem is reported at once, with its line number, under the field `days`.
pub fn parse_year(year: i64, text: &str) -> Result<Vec<CalendarDay>, Vec<FieldError>> {
    let mut days: Vec<CalendarDay> = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if lines.len() > MAX_LINES {
        problems.push(format!("最多{MAX_LINES}行"));
    }
    for (n, line) in text.lines().enumerate().take(MAX_LINES * 2) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(year, line) {
            Ok(mut entries) => {
                for e in &entries {
                    if days.iter().any(|d| d.date == e.date) {
                        problems.push(format!("第{}行：{}已经列过", n + 1, clock::long_date(e.date)));
                    }
                }
                days.append(&mut entries);
            }
            Err(why) => problems.push(format!("第{}行：{why}", n + 1)),
        }
    }
    if problems.is_empty() {
        days.sort_by_key(|d| d.date);
        Ok(days)
    } else {
        problems.truncate(20);
        Err(vec![FieldError { field: "days".into(), message: problems.join("；") }])
    }
}

fn parse_line(year: i64, line: &str) -> Result<Vec<CalendarDay>, String> {
    let mut words = line.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty());
    let when = words.next().unwrap_or_default();
    let kind = match words.next().unwrap_or_default() {
        "放假" | "休" | "holiday" => DayKind::Holiday,
        "上班" | "班" | "workday" => DayKind::Workday,
        "" => return Err("日期后请写“放假”或“上班”".into()),
        other => return Err(format!("“{other}”应为“放假”或“上班”")),
    };
    let (first, last) = match when.split_once(['至', '~', '～']) {
        Some((a, b)) => (a, b),
        None => (when, when),
    };
    let date = |s: &str| clock::parse_date(s).ok_or_else(|| format!("“{s}”不是YYYY-MM-DD格式的日期"));
    let (first, last) = (date(first)?, date(last)?);
    if first.year != year || last.year != year {
        return Err(format!("日期应在{year}年内"));
    }
    if last < first {
        return Err("结束日期早于开始日期".into());
    }
    if last.day_number() - first.day_number() > 31 {
        return Err("一段假期不超过31天".into());
    }
    let name: String = words.collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("请写明节日名称，如“元旦”".into());
    }
    if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(format!("节日名称最多{MAX_NAME}个字"));
    }
    let span = first.day_number()..=last.day_number();
    let entries: Vec<CalendarDay> =
        span.map(|n| CalendarDay { date: Date::from_day_number(n), kind, name: name.clone() }).collect();
    if kind == DayKind::Workday {
        if let Some(d) = entries.iter().find(|d| !d.date.is_weekend()) {
            return Err(format!("{}本来就是工作日，无须列为调休上班", clock::long_date(d.date)));
        }
    }
    Ok(entries)
}

/// A year's entries as the text [`parse_year`] reads: runs of days off with one name as a range.
pub fn year_text(days: &[CalendarDay]) -> String {
    let mut sorted: Vec<&CalendarDay> = days.iter().collect();
    sorted.sort_by_key(|d| d.date);
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let first = sorted[i];
        let mut j = i;
        while j + 1 < sorted.len()
            && first.kind == DayKind::Holiday
            && sorted[j + 1].kind == DayKind::Holiday
            && sorted[j + 1].name == first.name
            && sorted[j + 1].date == sorted[j].date.next_day()
        {
            j += 1;
        }
        let when = if j > i { format!("{}至{}", first.date, sorted[j].date) } else { first.date.to_string() };
        let kind = if first.kind == DayKind::Holiday { "放假" } else { "上班" };
        out.push_str(&format!("{when} {kind} {}\n", first.name));
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_calendar_written_as_text_reads_back_the_same() {
        let text = year_text(&calendar_2026());
        assert!(text.starts_with("2026-01-01至2026-01-03 放假 元旦\n2026-01-04 上班 元旦\n"), "{text}");
        assert_eq!(parse_year(2026, &text), Ok(calendar_2026()));
    }

    #[test]
    fn every_mistake_in_a_year_is_reported_with_its_line() {
        let text = "2027-01-01 放假 元旦\n2026-12-31 放假 元旦\n2027-02-30 放假 春节\n2027-01-01 放假 元旦\n\
                    2027-01-06 上班 调休\n2027-03-01 休假\n2027-04-01 放假\n2027-05-05至2027-05-01 放假 劳动节";
        let Err(errors) = parse_year(2027, text) else { panic!("accepted") };
        let m = &errors[0].message;
        for needle in [
            "第2行：日期应在2027年内",
            "第3行：“2027-02-30”不是",
            "第4行：2027年1月1日已经列过",
            "第5行：2027年1月6日本来就是工作日",
            "第6行：“休假”应为",
            "第7行：请写明节日名称",
            "第8行：结束日期早于开始日期",
        ] {
            assert!(m.contains(needle), "{needle} missing from {m}");
        }
    }

    #[test]
    fn an_empty_year_and_comment_lines_are_read_as_nothing() {
        assert_eq!(parse_year(2027, "# 待国务院公布\n\n"), Ok(vec![]));
    }
}
