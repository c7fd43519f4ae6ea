//! Parses the full text of a Chinese draft regulation into headings (编/章/节) and articles (条) so each article can be commented on.

use std::collections::HashMap;

mod title;
pub use title::{is_title_block, is_title_line, without_title};

/// Label given to blocks of text that were not recognised as articles.
const TEXT_LABEL: &str = "其他内容";

/// What a parsed block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// One article (条) of the draft.
    Article,
    /// A run of lines outside any article, kept so that nothing is lost.
    Text,
}

/// One article (条) of the draft, or a run of text that was not recognised as structure (kept, never lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Whether this is an article or leftover text.
    pub kind: BlockKind,
    /// Stable anchor: "a12" for 第十二条, "a10-1" for 第十条之一; text blocks "t1", "t2", … in order.
    pub anchor: String,
    /// "第十二条", "第十条之一"; for text blocks "其他内容".
    pub label: String,
    /// Enclosing 编 heading, e.g. Some("第一编 总则").
    pub part: Option<String>,
    /// Enclosing 章 heading, e.g. Some("第三章 物业服务").
    pub chapter: Option<String>,
    /// Enclosing 节 heading, e.g. Some("第一节 一般规定").
    pub section: Option<String>,
    /// Body text without the article label; paragraphs (款) and items (项) separated by '\n', each trimmed.
    pub body: String,
}

/// A line that was not recognised as a heading or inside an article (1-based line number in the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnrecognisedLine {
    /// 1-based line number in the input.
    pub line: usize,
    /// The line's text, trimmed of spaces.
    pub text: String,
}

/// The structure of a draft: its blocks in document order and the lines that were not recognised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedDraft {
    /// Articles and leftover text blocks, in document order.
    pub blocks: Vec<Block>,
    /// Lines outside any article, in document order.
    pub unrecognised: Vec<UnrecognisedLine>,
}

/// Parse a draft's full text.
pub fn parse_draft(text: &str) -> ParsedDraft {
    let mut parser = Parser::default();
    for (number, line) in non_blank_lines(text) {
        parser.feed(number, line);
    }
    if parser.draft.blocks.iter().any(|block| block.kind == BlockKind::Article) {
        parser.draft
    } else {
        unstructured(text)
    }
}

/// Value of a Chinese numeral (一 … 九百九十九, with 零/〇, 十/一十, 两 accepted) or ASCII/full-width digits; None if not a numeral.
pub fn numeral_value(s: &str) -> Option<u32> {
    if s.is_empty() {
        None
    } else if s.chars().all(|c| arabic_digit(c).is_some()) {
        arabic_value(s)
    } else {
        chinese_value(s)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Lines and labels
// ---------------------------------------------------------------------------------------------------------------

/// ASCII spaces, tabs, the full-width space U+3000 (and other Unicode spaces), plus a byte-order mark.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// The line without leading and trailing spaces (including "\r" from "\r\n" endings).
fn clean(line: &str) -> &str {
    line.trim_matches(is_space)
}

/// Trimmed non-blank lines with their 1-based line numbers.
fn non_blank_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(index, raw)| (index + 1, clean(raw))).filter(|(_, line)| !line.is_empty())
}

/// Heading levels, outermost first; the value is the index into the parser's per-level state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Part = 0,
    Chapter = 1,
    Section = 2,
}

/// Whether a label opens a heading or an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Heading(Level),
    Article,
}

/// A 第…编/章/节/条 label found at the start of a line.
struct Label<'a> {
    kind: LabelKind,
    number: u32,
    /// N of a "之N" insertion (第十条之一).
    sub: Option<u32>,
    /// The label as written, e.g. "第十条之一" or "第12条".
    written: &'a str,
    /// Everything after the label, untrimmed.
    rest: &'a str,
    /// Whether the label is followed by a space or the end of the line.
    spaced: bool,
}

/// Reads a 第<numeral>编/章/节/条 (optionally 之<numeral>) label at the start of a trimmed line.
fn scan_label(line: &str) -> Option<Label<'_>> {
    let (number, after_number) = take_numeral(line.strip_prefix('第')?)?;
    let mut chars = after_number.chars();
    let kind = match chars.next()? {
        '编' => LabelKind::Heading(Level::Part),
        '章' => LabelKind::Heading(Level::Chapter),
        '节' => LabelKind::Heading(Level::Section),
        '条' => LabelKind::Article,
        _ => return None,
    };
    let mut rest = chars.as_str();
    let mut sub = None;
    if kind == LabelKind::Article {
        if let Some((n, after_sub)) = rest.strip_prefix('之').and_then(take_numeral) {
            sub = Some(n);
            rest = after_sub;
        }
    }
    // `rest` is a suffix of `line` cut at a char boundary, so this slice is always valid.
    let written = &line[..line.len() - rest.len()];
    let spaced = rest.chars().next().is_none_or(is_space);
    Some(Label { kind, number, sub, written, rest, spaced })
}

/// Splits off the longest run of numeral characters and reads its value.
fn take_numeral(s: &str) -> Option<(u32, &str)> {
    let end = s.char_indices().find(|&(_, c)| !is_numeral_char(c)).map_or(s.len(), |(index, _)| index);
    let (numeral, rest) = s.split_at(end);
    Some((numeral_value(numeral)?, rest))
}

/// "第一章" plus the heading's name, separated by one ASCII space.
/// Every block carries its enclosing headings, so both are bounded: a heading is cut at
/// `MAX_HEADING_CHARS` (real ones are a few words), and after `MAX_BLOCKS` blocks (more than the
/// Civil Code's 1,260 articles) further labels are kept as text of the last block. Parsing any
/// draft within the 200,000-character limit then takes a few megabytes at most.
pub const MAX_HEADING_CHARS: usize = 100;
/// See [`MAX_HEADING_CHARS`].
pub const MAX_BLOCKS: usize = 3_000;

fn heading_text(label: &Label) -> String {
    let name = collapse_spaces(label.rest);
    let full = if name.is_empty() { label.written.to_string() } else { format!("{} {}", label.written, name) };
    match full.char_indices().nth(MAX_HEADING_CHARS) {
        Some((cut, _)) => format!("{}…", &full[..cut]),
        None => full,
    }
}

/// Joins the words of a heading name: Chinese words are glued ("总　　则" → "总则"), ASCII words keep one space.
fn collapse_spaces(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(is_space).filter(|word| !word.is_empty()) {
        let ascii_edge = out.ends_with(|c: char| c.is_ascii()) || word.starts_with(|c: char| c.is_ascii());
        if !out.is_empty() && ascii_edge {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Parser state
// ---------------------------------------------------------------------------------------------------------------

/// Which block, if any, is receiving the following lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Open {
    #[default]
    Nothing,
    Article,
    Text,
}

/// Last heading number seen at one level, within the enclosing heading and over the whole draft.
#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    in_scope: u32,
    overall: u32,
}

impl Counter {
    /// Whether `n` continues the numbering, either restarted under the enclosing heading or running through the draft.
    fn is_next(&self, n: u32) -> bool {
        [self.in_scope, self.overall].iter().any(|last| last.checked_add(1) == Some(n))
    }

    fn record(&mut self, n: u32) {
        self.in_scope = n;
        self.overall = n;
    }

    fn new_scope(&mut self) {
        self.in_scope = 0;
    }
}

#[derive(Default)]
struct Parser {
    draft: ParsedDraft,
    headings: [Option<String>; 3],
    counters: [Counter; 3],
    /// Number and 之N of the last accepted article.
    previous_article: Option<(u32, Option<u32>)>,
    anchor_uses: HashMap<String, usize>,
    text_blocks: usize,
    open: Open,
}

impl Parser {
    fn feed(&mut self, number: usize, line: &str) {
        match scan_label(line).filter(|label| self.accepts(label)) {
            Some(label) => self.start(&label),
            None => self.add_line(number, line),
        }
    }

    /// Cross-reference guard. Paragraphs often begin with a reference such as "第三条规定的情形……" or
    /// "第二章规定的处罚……", which look like labels. Real labels are followed by a space (ASCII, U+3000, tab) or
    /// stand alone on their line, while references run straight into the sentence. So an unspaced label is only
    /// trusted when its number is the expected next one: previous article + 1, or for 之N the same article with
    /// N following the previous insertion; for headings, previous heading of that level + 1. A reference to the
    /// very next article without a space is still misread, which is the price of accepting "第二条本条例……".
    fn accepts(&self, label: &Label) -> bool {
        label.spaced
            || match label.kind {
                LabelKind::Heading(level) => self.counters[level as usize].is_next(label.number),
                LabelKind::Article => self.is_next_article(label.number, label.sub),
            }
    }

    fn is_next_article(&self, number: u32, sub: Option<u32>) -> bool {
        let (previous, previous_sub) = self.previous_article.unwrap_or((0, None));
        match sub {
            None => previous.checked_add(1) == Some(number),
            Some(sub) => {
                self.previous_article.is_some()
                    && number == previous
                    && previous_sub.unwrap_or(0).checked_add(1) == Some(sub)
            }
        }
    }

    fn start(&mut self, label: &Label) {
        match label.kind {
            LabelKind::Heading(level) => self.enter_heading(level, label),
            LabelKind::Article => self.start_article(label),
        }
    }

    /// A heading closes the open block and resets the headings below it.
    fn enter_heading(&mut self, level: Level, label: &Label) {
        let index = level as usize;
        self.counters[index].record(label.number);
        self.headings[index] = Some(heading_text(label));
        self.headings[index + 1..].iter_mut().for_each(|heading| *heading = None);
        self.counters[index + 1..].iter_mut().for_each(Counter::new_scope);
        self.open = Open::Nothing;
    }

    fn start_article(&mut self, label: &Label) {
        self.previous_article = Some((label.number, label.sub));
        let base = match label.sub {
            Some(sub) => format!("a{}-{}", label.number, sub),
            None => format!("a{}", label.number),
        };
        let anchor = self.unique_anchor(base);
        self.push_block(BlockKind::Article, anchor, label.written, clean(label.rest));
        self.open = Open::Article;
    }

    /// "a7" the first time, then "a7-dup2", "a7-dup3", …
    fn unique_anchor(&mut self, base: String) -> String {
        let uses = self.anchor_uses.entry(base.clone()).or_insert(0);
        *uses += 1;
        if *uses == 1 {
            base
        } else {
            format!("{base}-dup{uses}")
        }
    }

    fn add_line(&mut self, number: usize, line: &str) {
        if self.open != Open::Article {
            self.draft.unrecognised.push(UnrecognisedLine { line: number, text: line.to_string() });
        }
        if self.open == Open::Nothing {
            self.text_blocks += 1;
            let anchor = format!("t{}", self.text_blocks);
            self.push_block(BlockKind::Text, anchor, TEXT_LABEL, line);
            self.open = Open::Text;
        } else {
            self.append(line);
        }
    }

    fn push_block(&mut self, kind: BlockKind, anchor: String, label: &str, body: &str) {
        if self.draft.blocks.len() >= MAX_BLOCKS {
            // Nothing is lost: the line stays, as text of the last block.
            self.append(&format!("{label}{body}"));
            return;
        }
        let [part, chapter, section] = self.headings.clone();
        let label = label.to_string();
        self.draft.blocks.push(Block { kind, anchor, label, part, chapter, section, body: body.to_string() });
    }

    fn append(&mut self, line: &str) {
        if let Some(block) = self.draft.blocks.last_mut() {
            if !block.body.is_empty() {
                block.body.push('\n');
            }
            block.body.push_str(line);
        }
    }
}

/// Fallback when no article was found: one text block holding every non-blank line.
fn unstructured(text: &str) -> ParsedDraft {
    let unrecognised: Vec<UnrecognisedLine> =
        non_blank_lines(text).map(|(line, text)| UnrecognisedLine { line, text: text.to_string() }).collect();
    if unrecognised.is_empty() {
        return ParsedDraft::default();
    }
    let body = unrecognised.iter().map(|line| line.text.as_str()).collect::<Vec<_>>().join("\n");
    let block = Block {
        kind: BlockKind::Text,
        anchor: "t1".to_string(),
        label: TEXT_LABEL.to_string(),
        part: None,
        chapter: None,
        section: None,
        body,
    };
    ParsedDraft { blocks: vec![block], unrecognised }
}

// ---------------------------------------------------------------------------------------------------------------
// Numerals
// ---------------------------------------------------------------------------------------------------------------

fn is_numeral_char(c: char) -> bool {
    arabic_digit(c).is_some() || chinese_digit(c).is_some() || chinese_unit(c).is_some()
}

/// 0–9 in ASCII or full width (０–９).
fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(u32::from(c) - u32::from('０')),
        _ => None,
    }
}

/// Decimal value of a run of Arabic digits; None on overflow.
fn arabic_value(s: &str) -> Option<u32> {
    s.chars().try_fold(0u32, |acc, c| acc.checked_mul(10)?.checked_add(arabic_digit(c)?))
}

fn chinese_digit(c: char) -> Option<u32> {
    let value = match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    Some(value)
}

fn chinese_unit(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        _ => None,
    }
}

/// Reads 零 … 九百九十九; malformed forms ("一百一", "十十", "二十零", "百") give None.
fn chinese_value(s: &str) -> Option<u32> {
    if s == "零" || s == "〇" {
        return Some(0);
    }
    let mut reader = ChineseReader::default();
    for c in s.chars() {
        match chinese_unit(c) {
            Some(unit) => reader.unit(unit)?,
            None => reader.digit(chinese_digit(c)?)?,
        }
    }
    reader.finish()
}

/// State while reading a Chinese numeral from left to right.
#[derive(Default)]
struct ChineseReader {
    total: u32,
    /// A digit read but not yet multiplied by a unit.
    pending: Option<u32>,
    last_unit: Option<u32>,
    /// A 零 was read after 百 (as in 一百零一).
    zero_gap: bool,
}

impl ChineseReader {
    fn unit(&mut self, unit: u32) -> Option<()> {
        if self.zero_gap || self.last_unit.is_some_and(|last| unit >= last) {
            return None;
        }
        self.total += match self.pending.take() {
            Some(digit) if digit > 0 => digit * unit,
            None if unit == 10 && self.total == 0 => 10,
            _ => return None,
        };
        self.last_unit = Some(unit);
        Some(())
    }

    fn digit(&mut self, digit: u32) -> Option<()> {
        if self.pending.is_some() {
            return None;
        }
        if digit > 0 {
            self.pending = Some(digit);
        } else if self.last_unit == Some(100) && !self.zero_gap {
            self.zero_gap = true;
        } else {
            return None;
        }
        Some(())
    }

    fn finish(self) -> Option<u32> {
        match self.pending {
            // "一百一" is ambiguous (colloquially 110), so it is rejected rather than guessed.
            Some(_) if self.last_unit == Some(100) && !self.zero_gap => None,
            Some(digit) => Some(self.total + digit),
            None if self.zero_gap => None,
            None => Some(self.total),
        }
    }
}

#[cfg(test)]
mod tests;

// Seeded with `rand`, which the app has only with `ssr` (`cargo test --workspace` turns it on).
#[cfg(all(test, feature = "ssr"))]
mod fuzz_tests;
