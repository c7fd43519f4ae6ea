//! TEMPORARY stub until the parser lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Article,
    Text,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub anchor: String,
    pub label: String,
    pub part: Option<String>,
    pub chapter: Option<String>,
    pub section: Option<String>,
    pub body: String,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnrecognisedLine {
    pub line: usize,
    pub text: String,
}
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedDraft {
    pub blocks: Vec<Block>,
    pub unrecognised: Vec<UnrecognisedLine>,
}
pub fn parse_draft(_text: &str) -> ParsedDraft {
    ParsedDraft::default()
}
