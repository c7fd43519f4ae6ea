//! Seeded property tests: random Unicode mixed with 第…条/章/节/编 and 之N fragments, odd spaces and
//! marks, very long lines and many blank lines thrown at the draft parser. Never a panic; the same
//! result twice; every line accounted for; anchors unique; output bounded by the input.
use super::*;
use rand::Rng;
use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::test_rng::Prng;

fn rng(stream: u64) -> Prng {
    Prng::seeded(0x5EED_D4AF_2026_0000, stream)
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// The usual way of writing 0…999 in Chinese: 十一, 二十, 一百零五, 一百一十.
fn chinese(n: u32) -> String {
    let (h, t, o) = ((n / 100) as usize, (n / 10 % 10) as usize, (n % 10) as usize);
    if n == 0 {
        return "零".into();
    }
    let mut s = String::new();
    if h > 0 {
        s.push(DIGITS[h]);
        s.push('百');
    }
    if t > 0 {
        if h > 0 || t > 1 {
            s.push(DIGITS[t]);
        }
        s.push('十');
    } else if h > 0 && o > 0 {
        s.push('零');
    }
    if o > 0 {
        s.push(DIGITS[o]);
    }
    s
}

#[test]
fn every_number_up_to_999_reads_back_in_chinese_and_in_digits() {
    for n in 0..=999 {
        let written = chinese(n);
        assert_eq!(numeral_value(&written), Some(n), "{written}");
        let full_width: String = n.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
        assert_eq!(numeral_value(&full_width), Some(n), "{full_width}");
        let parsed = parse_draft(&format!("第{written}条　甲\n第{n}条之{}　乙", chinese(n % 9 + 1)));
        let anchors: Vec<&str> = parsed.blocks.iter().map(|b| b.anchor.as_str()).collect();
        assert_eq!(anchors, [format!("a{n}"), format!("a{n}-{}", n % 9 + 1)], "{written}");
    }
    assert_eq!(numeral_value("一十五"), Some(15));
    assert_eq!(numeral_value("两百〇二"), Some(202));
}

/// Characters chosen to be awkward: spaces of every kind, marks, direction controls, line
/// separators that `str::lines` does not split on, and anything else valid.
fn odd_char(rng: &mut Prng) -> char {
    const ODD: [char; 22] = [
        '\u{3000}',
        '\u{FEFF}',
        '\u{A0}',
        '\u{2028}',
        '\u{2029}',
        '\u{85}',
        '\u{B}',
        '\u{C}',
        '\r',
        '\t',
        '\u{301}',
        '\u{20DD}',
        '\u{200F}',
        '\u{202E}',
        '\u{61C}',
        '\u{200B}',
        '\u{2060}',
        '\u{FFFD}',
        '\u{10FFFF}',
        '🚲',
        '\u{0}',
        '\u{E000}',
    ];
    match rng.gen_range(0..5) {
        0 => ODD[rng.gen_range(0..ODD.len())],
        1 => char::from_u32(rng.gen_range(0x300..0x370)).unwrap(), // combining marks
        _ => loop {
            if let Some(c) = char::from_u32(rng.gen_range(0..0x11_0000)) {
                break c;
            }
        },
    }
}

fn numeral(rng: &mut Prng) -> String {
    match rng.gen_range(0..10) {
        0..=3 => chinese(rng.gen_range(0..=999)),
        4 => rng.gen_range(0..2000u32).to_string(),
        5 => rng.gen::<u32>().to_string(),
        6 => "9".repeat(rng.gen_range(10..40)),
        7 => rng.gen_range(0..100u32).to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect(),
        8 => ["一百一", "十十", "百", "二十零", "零一", "一千", "1十", "两两", "〇〇", ""][rng.gen_range(0..10)].into(),
        _ => (0..rng.gen_range(1..12))
            .map(|_| ['零', '〇', '一', '两', '九', '十', '百', '1', '０'][rng.gen_range(0..9)])
            .collect(),
    }
}

fn words(rng: &mut Prng, max: usize) -> String {
    const COMMON: [&str; 12] =
        ["电动自行车", "应当", "，", "。", "；", "（一）", "本条例", "规定的", "第", "条", "之一", " "];
    (0..rng.gen_range(0..=max))
        .map(|_| match rng.gen_range(0..3) {
            0 => odd_char(rng).to_string(),
            1 => char::from_u32(rng.gen_range(0x4E00..0x9FA6)).unwrap().to_string(),
            _ => COMMON[rng.gen_range(0..COMMON.len())].to_string(),
        })
        .collect()
}

fn separator(rng: &mut Prng) -> &'static str {
    ["", "", " ", "\u{3000}", "\t", "\u{3000}\u{3000}", "\u{FEFF}", "\u{A0}", "  "][rng.gen_range(0..9)]
}

/// One random line of a draft (without its ending).
fn line(rng: &mut Prng) -> String {
    let lead = if rng.gen_range(0..6) == 0 { separator(rng) } else { "" };
    let body = match rng.gen_range(0..16) {
        0..=4 => {
            let sub = if rng.gen_range(0..5) == 0 { format!("之{}", numeral(rng)) } else { String::new() };
            format!("第{}条{sub}{}{}", numeral(rng), separator(rng), words(rng, 20))
        }
        5 | 6 => {
            let level = ['编', '章', '节'][rng.gen_range(0..3)];
            format!("第{}{level}{}{}", numeral(rng), separator(rng), words(rng, 6))
        }
        7 => format!("第{}条规定的{}", numeral(rng), words(rng, 10)),
        8 => ["第", "第条", "第之一", "之一", "第十条之", "第章", "条", "第一条之一之二", "第\u{301}一条"]
            [rng.gen_range(0..9)]
        .to_string(),
        9 => String::new(),
        10 => (0..rng.gen_range(1..6)).map(|_| separator(rng)).collect(),
        11 => (0..rng.gen_range(1..40)).map(|_| odd_char(rng)).collect(),
        _ => words(rng, 30),
    };
    format!("{lead}{body}")
}

fn random_draft(rng: &mut Prng) -> String {
    let mut text = String::new();
    if rng.gen_range(0..8) == 0 {
        text.push('\u{FEFF}');
    }
    for _ in 0..rng.gen_range(0..40) {
        text.push_str(&line(rng));
        text.push_str(["\n", "\n", "\n", "\r\n", "\n\n", "\r", "\n\n\n\n"][rng.gen_range(0..7)]);
    }
    if rng.gen() {
        text.push_str(&line(rng)); // no final line ending
    }
    text
}

/// Bytes of everything parsed, headings included.
fn output_bytes(parsed: &ParsedDraft) -> usize {
    let blocks: usize = parsed
        .blocks
        .iter()
        .map(|b| {
            let headings =
                [&b.part, &b.chapter, &b.section].iter().map(|h| h.as_ref().map_or(0, String::len)).sum::<usize>();
            b.anchor.len() + b.label.len() + b.body.len() + headings
        })
        .sum();
    blocks + parsed.unrecognised.iter().map(|l| l.text.len()).sum::<usize>()
}

/// Parsed twice alike, and sound (see `check_parsed`).
fn parse_soundly(text: &str) -> ParsedDraft {
    let parsed = parse_draft(text);
    assert_eq!(parse_draft(text), parsed, "parsed twice differently: {text:?}");
    check_parsed(text, &parsed);
    parsed
}

/// What any parse of `text` must satisfy.
fn check_parsed(text: &str, parsed: &ParsedDraft) {
    let lines: Vec<&str> = text.lines().collect();

    // Unrecognised lines: in order, real line numbers, their text trimmed and non-empty.
    let mut previous = 0;
    for u in &parsed.unrecognised {
        assert!(u.line > previous && u.line <= lines.len(), "line {} of {}: {text:?}", u.line, lines.len());
        assert_eq!(u.text, clean(lines[u.line - 1]));
        assert!(!u.text.is_empty());
        previous = u.line;
    }

    // Blocks: unique anchors; text blocks numbered t1, t2, …; bodies of trimmed non-empty lines.
    let mut anchors = HashSet::new();
    let mut text_blocks = 0;
    let mut body_lines = HashSet::new();
    for b in &parsed.blocks {
        assert!(anchors.insert(b.anchor.as_str()), "anchor {} twice: {text:?}", b.anchor);
        match b.kind {
            BlockKind::Text => {
                text_blocks += 1;
                assert_eq!(b.anchor, format!("t{text_blocks}"));
                assert_eq!(b.label, TEXT_LABEL);
                assert!(!b.body.is_empty());
            }
            BlockKind::Article => {
                assert!(b.anchor.starts_with('a'), "{}", b.anchor);
                assert!(b.label.starts_with('第') && scan_label(&b.label).is_some(), "{:?}", b.label);
            }
        }
        if !b.body.is_empty() {
            for l in b.body.split('\n') {
                assert!(!l.is_empty() && l == clean(l), "body line {l:?}: {text:?}");
                body_lines.insert(l);
            }
        }
        for heading in [&b.part, &b.chapter, &b.section].into_iter().flatten() {
            assert!(heading.starts_with('第') && heading.len() <= text.len() + 1, "{heading:?}");
        }
    }

    // Nothing lost: a line that is not a label is in some body.
    for (number, l) in non_blank_lines(text) {
        assert!(body_lines.contains(l) || scan_label(l).is_some(), "line {number} {l:?} lost: {text:?}");
    }

    // Bounded: bodies, labels and unrecognised lines each at most the input; anchors short.
    let own: usize = parsed.blocks.iter().map(|b| b.label.len() + b.body.len()).sum();
    let unrecognised: usize = parsed.unrecognised.iter().map(|l| l.text.len()).sum();
    assert!(own <= text.len() + TEXT_LABEL.len() * text_blocks, "{own} bytes of blocks from {}", text.len());
    assert!(unrecognised <= text.len());
    assert!(parsed.blocks.len() <= non_blank_lines(text).count());
    assert!(parsed.blocks.iter().all(|b| b.anchor.len() <= 32));
}

#[test]
fn random_drafts_with_label_fragments_parse_soundly() {
    let mut rng = rng(1);
    for _ in 0..3000 {
        let text = random_draft(&mut rng);
        parse_soundly(&text);
    }
}

#[test]
fn random_unicode_parses_soundly() {
    let mut rng = rng(2);
    for _ in 0..2000 {
        let mut text: String = (0..rng.gen_range(0..200))
            .map(|_| match rng.gen_range(0..8) {
                0 => '\n',
                1 => '第',
                2 => '条',
                _ => odd_char(&mut rng),
            })
            .collect();
        parse_soundly(&text);
        // Cut short at a few random character boundaries: truncated drafts are still drafts.
        for _ in 0..4 {
            let chars = text.chars().count();
            let Some((at, _)) = text.char_indices().nth(rng.gen_range(0..=chars)) else { break };
            text.truncate(at);
            parse_soundly(&text);
        }
    }
}

#[test]
fn a_well_formed_draft_cut_anywhere_keeps_the_articles_before_the_cut() {
    let mut text = String::from("某市养犬管理条例（草案）\n\n");
    for part in 1..=2 {
        text.push_str(&format!("第{}编　分则{part}\n", chinese(part)));
        for chapter in 1..=3 {
            text.push_str(&format!("第{}章　第{chapter}部分\n", chinese(chapter)));
            for _ in 0..4 {
                let n = text.matches("条　").count() as u32 + 1;
                text.push_str(&format!(
                    "第{}条　养犬人应当遵守第{}条的规定。\n　　（一）甲；\n\n",
                    chinese(n),
                    chinese(n)
                ));
            }
        }
    }
    let full = parse_soundly(&text);
    assert_eq!(full.blocks.iter().filter(|b| b.kind == BlockKind::Article).count(), 24);
    let mut articles_before = 0;
    for (at, _) in text.char_indices() {
        let cut = parse_soundly(&text[..at]);
        let articles = cut.blocks.iter().filter(|b| b.kind == BlockKind::Article).count();
        assert!(articles >= articles_before, "cut at {at} lost an article");
        articles_before = articles;
        // Once an article is in, every block but the last (which the cut may end inside) is
        // exactly the block of the whole draft.
        if articles > 0 {
            let done = cut.blocks.len() - 1;
            assert!(cut.blocks.len() <= full.blocks.len());
            assert_eq!(cut.blocks[..done], full.blocks[..done], "cut at {at}");
        }
    }
    assert_eq!(articles_before, 24);
}

#[test]
fn long_lines_many_blank_lines_and_many_articles_stay_fast_and_bounded() {
    // Each input is at the 200 000-character limit of a draft (consultations::store::check).
    let limit = 200_000;
    let cases: Vec<(&str, String)> = vec![
        ("one long line", "电".repeat(limit)),
        ("blank lines", "\n".repeat(limit)),
        ("blank CRLF lines with spaces", "\u{3000}\r\n".repeat(limit / 3)),
        ("the same article again and again", "第1条 甲\n".repeat(limit / 6)),
        ("numbered articles", (1..=limit as u32 / 12).map(|n| format!("第{n}条　甲\n")).collect()),
        ("an endless numeral", format!("第{}条 甲", "一".repeat(limit))),
        ("an endless arabic numeral", format!("第{}条 甲", "9".repeat(limit))),
        ("an endless 之", format!("第一条之{} 甲", "十".repeat(limit))),
        ("units only", format!("第{}章", "十百".repeat(limit / 2))),
        ("a long heading", format!("第一章{}\n第一条 甲", "\u{3000}总 General".repeat(limit / 10))),
        ("a long article", format!("第一条 {}", "甲\n".repeat(limit / 2))),
        ("only marks", "\u{301}\u{200F}\u{202E}\u{FEFF}".repeat(limit / 4)),
        ("unspaced references", format!("第一条 甲\n{}", "第三条规定的\n".repeat(limit / 7))),
    ];
    for (what, text) in cases {
        let started = Instant::now();
        let parsed = parse_draft(&text);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(2), "{what}: {took:?}");
        check_parsed(&text, &parsed);
        let out = output_bytes(&parsed);
        assert!(out <= 4 * text.len() + 64, "{what}: {} bytes of input, {out} bytes of output", text.len());
    }
}

/// Every block holds its enclosing headings; long headings over many articles once needed
/// headings × articles bytes (about 7.5 GB within the 200,000-character limit).
#[test]
fn long_headings_over_many_articles_stay_within_a_few_megabytes() {
    let heading = "甲".repeat(33_000);
    let mut text = format!("第一编 {heading}\n第一章 {heading}\n第一节 {heading}\n");
    text.push_str(&"第1条\n".repeat(25_000));
    let parsed = parse_draft(&text);
    let out = output_bytes(&parsed);
    let bound = 2 * text.len() + MAX_BLOCKS * 3 * (MAX_HEADING_CHARS * 3 + 8);
    assert!(out <= bound, "{} bytes of input, {out} bytes of output (bound {bound})", text.len());
    assert_eq!(parsed.blocks.len(), MAX_BLOCKS);
    assert!(parsed.blocks.last().unwrap().body.contains("第1条"), "lines past the cap are kept as text");
}
