//! A draft's own title lines: the text before any heading or article that names the document
//! ("某市养犬管理条例（草案）", "（征求意见稿）") is its title, not a block offered for comment.
use super::{BlockKind, ParsedDraft};

/// Words a draft's title line names its kind of document with.
const TITLE_WORDS: [&str; 14] = [
    "条例",
    "办法",
    "规定",
    "决定",
    "细则",
    "规则",
    "方案",
    "意见",
    "草案",
    "征求意见稿",
    "送审稿",
    "修正案",
    "规划",
    "措施",
];

/// Whether a line reads as part of a draft's title rather than text to comment on: short, no
/// sentence in it, and naming a kind of document ("某市电动自行车管理条例（草案）", "（征求意见稿）").
pub fn is_title_line(line: &str) -> bool {
    let line = line.trim();
    let ends_a_sentence = line.ends_with(['。', '；', '：', '，', '！', '？', ';', ':', ',', '!', '?']);
    !line.is_empty()
        && line.chars().count() <= 100
        && !ends_a_sentence
        && !line.contains(['。', '；'])
        && TITLE_WORDS.iter().any(|w| line.contains(w))
}

/// Whether the block is the draft's own title: the text before any heading or article, every line
/// of it a title line. It is shown as the title, never offered for comment.
pub fn is_title_block(position: usize, kind: BlockKind, headed: bool, body: &str) -> bool {
    position == 0 && kind == BlockKind::Text && !headed && body.lines().all(is_title_line)
}

/// The draft without its title lines (the consultation has its own title): the lines that open the
/// text before any heading or article and read as a title, no longer a block to comment on nor
/// reported as unrecognised. What follows them (a preamble) stays.
pub fn without_title(mut draft: ParsedDraft) -> ParsedDraft {
    let has_articles = draft.blocks.iter().any(|b| b.kind == BlockKind::Article);
    let Some(first) = draft.blocks.first_mut() else { return draft };
    let headed = first.part.is_some() || first.chapter.is_some() || first.section.is_some();
    if !has_articles || first.kind != BlockKind::Text || headed {
        return draft;
    }
    let title_lines = first.body.lines().take_while(|l| is_title_line(l)).count();
    if title_lines == 0 {
        return draft;
    }
    let rest: Vec<&str> = first.body.lines().skip(title_lines).collect();
    if rest.is_empty() {
        draft.blocks.remove(0);
    } else {
        first.body = rest.join("\n");
    }
    draft.unrecognised.drain(..title_lines.min(draft.unrecognised.len()));
    draft
}
