//! Tokenizers: jieba words for relevance, and CJK bigrams and trigrams plus whole Latin/number runs
//! as a fallback that finds names and document numbers however jieba happens to segment them.
use std::sync::LazyLock;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::Jieba;

/// Name of the jieba analyzer.
pub const JIEBA: &str = "zh_jieba";
/// Name of the n-gram analyzer.
pub const GRAMS: &str = "zh_grams";

/// Register both analyzers on an index (tokenizers are not stored in the index).
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(JIEBA, TextAnalyzer::from(WordTokenizer));
    index.tokenizers().register(GRAMS, TextAnalyzer::from(GramTokenizer));
}

/// jieba's bundled dictionary, loaded once.
static DICTIONARY: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Whether a character is a CJK ideograph.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Full-width ASCII (`２０２６`, `ＹＪ`, common in Chinese typing) as plain ASCII, then lower case.
fn fold(c: char) -> impl Iterator<Item = char> {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_lowercase()
}

/// Letters and digits other than ideographs: they form whole runs (`2026`, `yj`, `café`).
fn is_run_char(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

/// jieba's words (dictionary only, no HMM guesses: faster, and the bigrams catch unknown words),
/// lower-cased, numbered one after another; punctuation and spaces are dropped.
#[derive(Clone, Default)]
pub struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = SpanStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        let spans = DICTIONARY
            .cut(text, false)
            .into_iter()
            .filter(|t| t.byte_end - t.byte_start <= 120 && t.word.chars().any(char::is_alphanumeric))
            .map(|t| (t.byte_start, t.byte_end))
            .collect();
        SpanStream::new(text, spans)
    }
}

/// Over CJK runs, every overlapping pair and triple of characters (a lone character is its own
/// token); other letters and digits in whole runs (`2026`, `yj`); everything else separates tokens.
/// A two- or three-character word is then one term, and a longer one the conjunction of its triples,
/// so matching needs no positions.
#[derive(Clone, Default)]
pub struct GramTokenizer;

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = SpanStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        let mut spans = Vec::new();
        for run in runs(text) {
            match run {
                Run::Ideographs(chars) if chars.len() == 1 => spans.push(chars[0]),
                Run::Ideographs(chars) => {
                    for n in [2, 3] {
                        spans.extend(chars.windows(n).map(|w| (w[0].0, w[n - 1].1)));
                    }
                }
                Run::Other(span) => spans.push(span),
            }
        }
        SpanStream::new(text, spans)
    }
}

/// What a word must contain to match, as n-gram terms (see [`GramTokenizer`]), and the lone
/// ideographs in it (indexed only where they stand alone, so they cannot be required).
pub fn required_grams(word: &str) -> (Vec<String>, Vec<String>) {
    let (mut required, mut lone) = (Vec::new(), Vec::new());
    let text = |from: usize, to: usize| word[from..to].chars().flat_map(fold).collect::<String>();
    for run in runs(word) {
        match run {
            Run::Ideographs(chars) if chars.len() == 1 => lone.push(text(chars[0].0, chars[0].1)),
            Run::Ideographs(chars) => {
                let n = chars.len().min(3);
                required.extend(chars.windows(n).map(|w| text(w[0].0, w[n - 1].1)));
            }
            Run::Other(span) => required.push(text(span.0, span.1)),
        }
    }
    required.dedup();
    (required, lone)
}

enum Run {
    /// The byte span of each ideograph of a run.
    Ideographs(Vec<(usize, usize)>),
    /// A run of other letters and digits.
    Other((usize, usize)),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if is_cjk(c) {
            let mut run = vec![(at, at + c.len_utf8())];
            while let Some(&(at, c)) = chars.peek().filter(|(_, c)| is_cjk(*c)) {
                run.push((at, at + c.len_utf8()));
                chars.next();
            }
            out.push(Run::Ideographs(run));
        } else if is_run_char(c) {
            let mut end = at + c.len_utf8();
            while let Some(&(at, c)) = chars.peek().filter(|(_, c)| is_run_char(*c)) {
                end = at + c.len_utf8();
                chars.next();
            }
            out.push(Run::Other((at, end)));
        }
    }
    out
}

/// Tokens at byte spans of a text, folded into one reused token (no allocation per token).
pub struct SpanStream<'a> {
    text: &'a str,
    spans: Vec<(usize, usize)>,
    next: usize,
    token: Token,
}

impl<'a> SpanStream<'a> {
    fn new(text: &'a str, spans: Vec<(usize, usize)>) -> SpanStream<'a> {
        SpanStream { text, spans, next: 0, token: Token::default() }
    }
}

impl TokenStream for SpanStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(from, to)) = self.spans.get(self.next) else { return false };
        let t = &mut self.token;
        t.offset_from = from;
        t.offset_to = to;
        t.position = self.next;
        t.position_length = 1;
        t.text.clear();
        let word = &self.text[from..to];
        if word.is_ascii() {
            t.text.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            t.text.extend(word.chars().flat_map(fold));
        }
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        GramTokenizer.token_stream(s).process(&mut |t| out.push(t.text.clone()));
        out
    }

    fn words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        WordTokenizer.token_stream(s).process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn chinese_runs_become_overlapping_pairs_and_triples_and_numbers_stay_whole() {
        assert_eq!(texts("电动自行车"), ["电动", "动自", "自行", "行车", "电动自", "动自行", "自行车"]);
        assert_eq!(texts("长政发〔2026〕12号"), ["长政", "政发", "长政发", "2026", "12", "号"]);
        assert_eq!(texts("YJ-2026-7KQ3"), ["yj", "2026", "7kq3"]);
        assert_eq!(texts("张伟说：好"), ["张伟", "伟说", "张伟说", "好"]);
        assert_eq!(texts("ＹＪ－２０２６ Café"), ["yj", "2026", "café"]);
        assert!(texts("，。！ ").is_empty());
    }

    #[test]
    fn a_word_requires_its_pair_or_its_triples_and_lone_ideographs_are_set_apart() {
        let required = |w: &str| required_grams(w).0;
        assert_eq!(required("停车"), ["停车"]);
        assert_eq!(required("停车位"), ["停车位"]);
        assert_eq!(required("电动自行车"), ["电动自", "动自行", "自行车"]);
        assert_eq!(
            required_grams("长政发〔2026〕12号"),
            (vec!["长政发".into(), "2026".into(), "12".into()], vec!["号".into()])
        );
        assert_eq!(required_grams("车"), (vec![], vec!["车".to_string()]));
        assert_eq!(required("Ａ-12"), ["a", "12"]);
    }

    #[test]
    fn words_are_whole_dictionary_words_without_punctuation() {
        // 充电桩 is not in jieba's dictionary: the bigrams are what find it as typed.
        assert_eq!(words("建议增加充电桩，方便居民。"), ["建议", "增加", "充电", "桩", "方便", "居民"]);
        assert_eq!(words("Please ADD 2026"), ["please", "add", "2026"]);
    }
}
