//! Tokenizers: jieba words for relevance, and CJK bigrams plus whole Latin/number runs as a
//! fallback that finds names and document numbers however jieba happens to segment them.
use std::sync::LazyLock;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::Jieba;

/// Name of the jieba analyzer.
pub const JIEBA: &str = "zh_jieba";
/// Name of the bigram analyzer.
pub const GRAMS: &str = "zh_grams";

/// Register both analyzers on an index (tokenizers are not stored in the index).
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(JIEBA, TextAnalyzer::from(WordTokenizer));
    index.tokenizers().register(GRAMS, TextAnalyzer::from(BigramTokenizer));
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

/// Overlapping character pairs over CJK runs (a lone character is its own token); other letters and
/// digits in whole runs (`2026`, `yj`); everything else separates tokens.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = SpanStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanStream<'a> {
        SpanStream::new(text, bigrams(text))
    }
}

fn bigrams(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map(|c| c.0).unwrap_or(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i].1) {
                i += 1;
            }
            if i - start == 1 {
                spans.push((chars[start].0, end_of(start + 1)));
            }
            for k in start..i.saturating_sub(1) {
                spans.push((chars[k].0, end_of(k + 2)));
            }
        } else if is_run_char(c) {
            let start = i;
            while i < chars.len() && is_run_char(chars[i].1) {
                i += 1;
            }
            spans.push((chars[start].0, end_of(i)));
        } else {
            i += 1;
        }
    }
    spans
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
        BigramTokenizer.token_stream(s).process(&mut |t| out.push(t.text.clone()));
        out
    }

    fn words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        WordTokenizer.token_stream(s).process(&mut |t| out.push(t.text.clone()));
        out
    }

    #[test]
    fn chinese_runs_become_overlapping_pairs_and_numbers_stay_whole() {
        assert_eq!(texts("电动自行车"), ["电动", "动自", "自行", "行车"]);
        assert_eq!(texts("长政发〔2026〕12号"), ["长政", "政发", "2026", "12", "号"]);
        assert_eq!(texts("YJ-2026-7KQ3"), ["yj", "2026", "7kq3"]);
        assert_eq!(texts("张伟说：好"), ["张伟", "伟说", "好"]);
        assert_eq!(texts("ＹＪ－２０２６ Café"), ["yj", "2026", "café"]);
        assert!(texts("，。！ ").is_empty());
    }

    #[test]
    fn words_are_whole_dictionary_words_without_punctuation() {
        // 充电桩 is not in jieba's dictionary: the bigrams are what find it as typed.
        assert_eq!(words("建议增加充电桩，方便居民。"), ["建议", "增加", "充电", "桩", "方便", "居民"]);
        assert_eq!(words("Please ADD 2026"), ["please", "add", "2026"]);
    }
}
