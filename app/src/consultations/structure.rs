//! Parses the full text of a Chinese draft regulation into headings (编/章/节) and articles (条) so each article can be commented on.

use std::collections::HashMap;

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
mod tests {
    use super::*;

    /// A fictional draft with a title, chapters, sections, items, blank and space-only lines and a cross-reference.
    const DRAFT: &str = "某市电动自行车管理条例（草案）
（征求意见稿）

第一章　总　　则

第一条　为了加强电动自行车管理，维护道路交通秩序，保障公民人身和财产安全，根据有关法律、行政法规，结合本市实际，制定本条例。

第二条 本市行政区域内电动自行车的销售、登记、通行、停放、充电及其相关管理活动，适用本条例。
第三条　市、区人民政府应当加强对电动自行车管理工作的领导，建立协调机制。
　　公安机关交通管理部门负责电动自行车登记和通行管理工作。
\u{3000}\u{3000}
第二章　登记管理
第一节　一般规定
第四条　电动自行车实行登记制度。
有下列情形之一的，不予登记：
　　（一）不符合强制性国家标准的；
　　（二）无合法来源证明的。
第三条规定的部门应当公开登记办理流程和时限。
第二节　临时通行
第五条
  未登记的电动自行车不得上道路行驶。
\t
第三章　通行与停放
第六条　驾驶电动自行车应当遵守道路交通安全法律、法规。
";

    fn block<'a>(parsed: &'a ParsedDraft, anchor: &str) -> &'a Block {
        parsed.blocks.iter().find(|block| block.anchor == anchor).unwrap_or_else(|| panic!("no block {anchor}"))
    }

    fn anchors(parsed: &ParsedDraft) -> Vec<&str> {
        parsed.blocks.iter().map(|block| block.anchor.as_str()).collect()
    }

    fn headings<'a>(parsed: &'a ParsedDraft, anchor: &str) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
        let b = block(parsed, anchor);
        (b.part.as_deref(), b.chapter.as_deref(), b.section.as_deref())
    }

    fn bodies(parsed: &ParsedDraft) -> Vec<&str> {
        parsed.blocks.iter().map(|block| block.body.as_str()).collect()
    }

    fn unrecognised(parsed: &ParsedDraft) -> Vec<(usize, &str)> {
        parsed.unrecognised.iter().map(|line| (line.line, line.text.as_str())).collect()
    }

    #[test]
    fn articles_of_a_draft_come_out_in_order_with_labels() {
        let parsed = parse_draft(DRAFT);
        assert_eq!(anchors(&parsed), ["t1", "a1", "a2", "a3", "a4", "a5", "a6"]);
        let labels: Vec<&str> = parsed.blocks.iter().map(|block| block.label.as_str()).collect();
        assert_eq!(labels, ["其他内容", "第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]);
        assert_eq!(parsed.blocks[0].kind, BlockKind::Text);
        assert!(parsed.blocks[1..].iter().all(|block| block.kind == BlockKind::Article));
    }

    #[test]
    fn title_lines_become_a_text_block_and_are_reported() {
        let parsed = parse_draft(DRAFT);
        let title = block(&parsed, "t1");
        assert_eq!(title.label, "其他内容");
        assert_eq!(title.body, "某市电动自行车管理条例（草案）\n（征求意见稿）");
        assert_eq!((&title.part, &title.chapter, &title.section), (&None, &None, &None));
        assert_eq!(unrecognised(&parsed), [(1, "某市电动自行车管理条例（草案）"), (2, "（征求意见稿）")]);
    }

    #[test]
    fn chapters_and_sections_are_attached_to_their_articles() {
        let parsed = parse_draft(DRAFT);
        assert_eq!(headings(&parsed, "a1"), (None, Some("第一章 总则"), None));
        assert_eq!(headings(&parsed, "a3"), (None, Some("第一章 总则"), None));
        assert_eq!(headings(&parsed, "a4"), (None, Some("第二章 登记管理"), Some("第一节 一般规定")));
        assert_eq!(headings(&parsed, "a5"), (None, Some("第二章 登记管理"), Some("第二节 临时通行")));
        assert_eq!(headings(&parsed, "a6"), (None, Some("第三章 通行与停放"), None));
    }

    #[test]
    fn paragraphs_and_items_are_trimmed_lines_of_the_body() {
        let parsed = parse_draft(DRAFT);
        assert_eq!(
            block(&parsed, "a2").body,
            "本市行政区域内电动自行车的销售、登记、通行、停放、充电及其相关管理活动，适用本条例。"
        );
        assert_eq!(
            block(&parsed, "a3").body,
            "市、区人民政府应当加强对电动自行车管理工作的领导，建立协调机制。\n公安机关交通管理部门负责电动自行车登记和通行管理工作。"
        );
        assert_eq!(
            block(&parsed, "a4").body,
            "电动自行车实行登记制度。\n有下列情形之一的，不予登记：\n（一）不符合强制性国家标准的；\n（二）无合法来源证明的。\n第三条规定的部门应当公开登记办理流程和时限。"
        );
    }

    #[test]
    fn cross_reference_paragraph_does_not_start_a_new_article() {
        let parsed = parse_draft(DRAFT);
        assert_eq!(parsed.blocks.iter().filter(|block| block.label == "第三条").count(), 1);
        assert!(block(&parsed, "a4").body.ends_with("\n第三条规定的部门应当公开登记办理流程和时限。"));
    }

    #[test]
    fn label_alone_on_its_line_takes_its_body_from_the_next_lines() {
        let parsed = parse_draft(DRAFT);
        assert_eq!(block(&parsed, "a5").body, "未登记的电动自行车不得上道路行驶。");
    }

    #[test]
    fn inserted_articles_get_their_own_anchor() {
        let draft = "第十条　电动自行车销售者应当查验产品合格证明。
第十条之一　电动自行车维修者不得改装电动自行车。
第十条之二第十条之一规定的维修者应当建立维修台账。
第十条之一规定的台账保存不少于二年。
第十一条　充电设施应当符合消防安全要求。";
        let parsed = parse_draft(draft);
        assert_eq!(anchors(&parsed), ["a10", "a10-1", "a10-2", "a11"]);
        assert_eq!(block(&parsed, "a10-1").label, "第十条之一");
        assert_eq!(
            block(&parsed, "a10-2").body,
            "第十条之一规定的维修者应当建立维修台账。\n第十条之一规定的台账保存不少于二年。"
        );
        assert!(parsed.unrecognised.is_empty());
    }

    #[test]
    fn articles_numbered_in_the_hundreds_are_recognised() {
        let draft = "第九十九条　违反本条例规定的，依法处理。
第一百条 本条例所称电动自行车，是指符合国家标准的两轮车辆。
第一百零一条本条例自2025年1月1日起施行。
第一百一十条　（备用）
第一百二十三条　（备用）";
        let parsed = parse_draft(draft);
        assert_eq!(anchors(&parsed), ["a99", "a100", "a101", "a110", "a123"]);
        assert_eq!(block(&parsed, "a101").label, "第一百零一条");
        assert_eq!(block(&parsed, "a101").body, "本条例自2025年1月1日起施行。");
        assert_eq!(block(&parsed, "a123").label, "第一百二十三条");
    }

    #[test]
    fn articles_with_arabic_numerals_are_recognised() {
        let draft = "第1条 为了规范停放秩序，制定本办法。\n第2条本办法适用于本市。\n第１２条　本办法自发布之日起施行。";
        let parsed = parse_draft(draft);
        assert_eq!(anchors(&parsed), ["a1", "a2", "a12"]);
        assert_eq!(block(&parsed, "a2").label, "第2条");
        assert_eq!(block(&parsed, "a2").body, "本办法适用于本市。");
        assert_eq!(block(&parsed, "a12").label, "第１２条");
    }

    #[test]
    fn unspaced_label_starts_an_article_only_when_it_is_the_next_number() {
        let draft = "第一条为了规范电动自行车停放，制定本规定。\n第二条本规定适用于住宅小区。\n第五条规定的情形除外。\n第三条本规定自公布之日起施行。";
        let parsed = parse_draft(draft);
        assert_eq!(anchors(&parsed), ["a1", "a2", "a3"]);
        assert_eq!(
            bodies(&parsed),
            [
                "为了规范电动自行车停放，制定本规定。",
                "本规定适用于住宅小区。\n第五条规定的情形除外。",
                "本规定自公布之日起施行。"
            ]
        );
    }

    #[test]
    fn repeated_article_labels_get_unique_anchors() {
        let parsed = parse_draft("第七条 甲\n第七条 乙\n第七条　丙\n第八条 丁");
        assert_eq!(anchors(&parsed), ["a7", "a7-dup2", "a7-dup3", "a8"]);
        assert!(parsed.blocks.iter().take(3).all(|block| block.label == "第七条"));
        assert_eq!(bodies(&parsed), ["甲", "乙", "丙", "丁"]);
    }

    #[test]
    fn parts_reset_chapters_and_chapters_reset_sections() {
        let draft = "第一编　总则
第一章　基本规定
第一节 适用范围
第一条 本法适用于本市。
第二章停放管理
第二条 停放应当有序。
第二编　分则
第一章 销售管理
第三条 销售者应当诚信经营。";
        let parsed = parse_draft(draft);
        assert_eq!(headings(&parsed, "a1"), (Some("第一编 总则"), Some("第一章 基本规定"), Some("第一节 适用范围")));
        assert_eq!(headings(&parsed, "a2"), (Some("第一编 总则"), Some("第二章 停放管理"), None));
        assert_eq!(headings(&parsed, "a3"), (Some("第二编 分则"), Some("第一章 销售管理"), None));
    }

    #[test]
    fn unspaced_heading_reference_stays_in_the_article_body() {
        let parsed =
            parse_draft("第一章 总则\n第一条 适用范围。\n第五章规定的处罚由公安机关实施。\n第三节的规定同样适用。");
        assert_eq!(anchors(&parsed), ["a1"]);
        assert_eq!(parsed.blocks[0].body, "适用范围。\n第五章规定的处罚由公安机关实施。\n第三节的规定同样适用。");
        assert_eq!(parsed.blocks[0].section, None);
    }

    #[test]
    fn heading_names_are_separated_from_the_number_by_one_space() {
        let draft = "第一章　总　　则\n第一条 甲\n第二章\u{3000}\u{3000}登记管理\n第二条 乙\n第三章\n第三条 丙\n第四章\tGeneral   Rules （试行）\n第四条 丁";
        let parsed = parse_draft(draft);
        let chapters: Vec<Option<&str>> = parsed.blocks.iter().map(|block| block.chapter.as_deref()).collect();
        assert_eq!(
            chapters,
            [Some("第一章 总则"), Some("第二章 登记管理"), Some("第三章"), Some("第四章 General Rules （试行）")]
        );
    }

    #[test]
    fn note_after_a_heading_becomes_its_own_text_block() {
        let draft =
            "某市电动自行车管理条例（草案）\n第一章 总则\n附：本章条文序号为暂定。\n第一条 为了规范管理，制定本条例。";
        let parsed = parse_draft(draft);
        assert_eq!(anchors(&parsed), ["t1", "t2", "a1"]);
        let note = block(&parsed, "t2");
        assert_eq!((note.label.as_str(), note.body.as_str()), ("其他内容", "附：本章条文序号为暂定。"));
        assert_eq!(note.chapter.as_deref(), Some("第一章 总则"));
        assert_eq!(unrecognised(&parsed), [(1, "某市电动自行车管理条例（草案）"), (3, "附：本章条文序号为暂定。")]);
    }

    #[test]
    fn text_without_any_article_is_kept_as_one_text_block() {
        let draft = "关于征求《某市电动自行车管理条例（草案）》意见的通知\n\n　　请于三十日内反馈意见。\n第一章 总则\n";
        let parsed = parse_draft(draft);
        assert_eq!(anchors(&parsed), ["t1"]);
        assert_eq!(parsed.blocks[0].kind, BlockKind::Text);
        assert_eq!(parsed.blocks[0].chapter, None);
        assert_eq!(
            parsed.blocks[0].body,
            "关于征求《某市电动自行车管理条例（草案）》意见的通知\n请于三十日内反馈意见。\n第一章 总则"
        );
        assert_eq!(
            unrecognised(&parsed),
            [
                (1, "关于征求《某市电动自行车管理条例（草案）》意见的通知"),
                (3, "请于三十日内反馈意见。"),
                (4, "第一章 总则")
            ]
        );
    }

    #[test]
    fn empty_or_blank_input_gives_nothing() {
        assert_eq!(parse_draft(""), ParsedDraft::default());
        assert_eq!(parse_draft("  \n\u{3000}\u{3000}\r\n\t\n"), ParsedDraft::default());
    }

    #[test]
    fn windows_line_endings_and_byte_order_mark_are_handled() {
        let parsed = parse_draft("\u{feff}第一条 甲\r\n　　乙\r\n\r\n第二条 丙\r\n");
        assert_eq!(anchors(&parsed), ["a1", "a2"]);
        assert_eq!(bodies(&parsed), ["甲\n乙", "丙"]);
    }

    #[test]
    fn malformed_labels_never_panic_and_are_kept_as_text() {
        for input in [
            "第",
            "第条",
            "第十",
            "第十条之",
            "第一千条",
            "第99999999999999999999条",
            "🚲第一条",
            "第\u{3000}条",
            "第一百零条",
        ] {
            let parsed = parse_draft(input);
            assert_eq!(anchors(&parsed), ["t1"], "{input}");
            assert_eq!(unrecognised(&parsed), [(1, input)], "{input}");
        }
        let parsed = parse_draft("第一条🚲\n第二条之99999999999999999999 甲");
        assert_eq!(anchors(&parsed), ["a1", "a2"]);
        assert_eq!(bodies(&parsed), ["🚲", "之99999999999999999999 甲"]);
    }

    #[test]
    fn any_short_mix_of_label_characters_parses_without_panicking() {
        let alphabet = ['第', '十', '百', '零', '一', '1', '条', '之', '章', '\u{3000}', '\n', '\r', '🚲'];
        let mut input = String::new();
        let n = alphabet.len();
        for code in 0..n.pow(5) {
            input.clear();
            let mut rest = code;
            for _ in 0..5 {
                input.push(alphabet[rest % n]);
                rest /= n;
            }
            let parsed = parse_draft(&input);
            assert!(parsed.unrecognised.iter().all(|line| !line.text.is_empty() && line.line >= 1));
            assert!(parsed.blocks.iter().all(|block| block.kind == BlockKind::Article || !block.body.is_empty()));
        }
    }

    #[test]
    fn numeral_value_reads_chinese_numerals() {
        let cases = [
            ("一", 1),
            ("十", 10),
            ("一十", 10),
            ("十一", 11),
            ("二十", 20),
            ("两", 2),
            ("一百", 100),
            ("一百零一", 101),
            ("一百〇一", 101),
            ("一百一十", 110),
            ("一百二十三", 123),
            ("两百", 200),
            ("九百九十九", 999),
            ("零", 0),
        ];
        for (text, value) in cases {
            assert_eq!(numeral_value(text), Some(value), "{text}");
        }
    }

    #[test]
    fn numeral_value_reads_arabic_and_full_width_digits() {
        assert_eq!(numeral_value("12"), Some(12));
        assert_eq!(numeral_value("１２"), Some(12));
        assert_eq!(numeral_value("0101"), Some(101));
        assert_eq!(numeral_value("4294967295"), Some(u32::MAX));
        assert_eq!(numeral_value("4294967296"), None);
    }

    #[test]
    fn numeral_value_rejects_what_is_not_a_numeral() {
        for text in [
            "",
            "abc",
            "百",
            "十十",
            "一百一",
            "一百十",
            "二十零",
            "一百零",
            "零一",
            "一一",
            "一千",
            "1十",
            "十2",
            "🚲",
        ] {
            assert_eq!(numeral_value(text), None, "{text}");
        }
    }
}

// Seeded with `rand`, which the app has only with `ssr` (`cargo test --workspace` turns it on).
#[cfg(all(test, feature = "ssr"))]
mod fuzz_tests {
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
            let full_width: String =
                n.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
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
            7 => rng
                .gen_range(0..100u32)
                .to_string()
                .chars()
                .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                .collect(),
            8 => ["一百一", "十十", "百", "二十零", "零一", "一千", "1十", "两两", "〇〇", ""][rng.gen_range(0..10)]
                .into(),
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
}
