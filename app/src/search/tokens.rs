//! Tokenizers: jieba words for relevance, and CJK bigrams plus whole Latin/number runs as a
//! fallback that finds names and document numbers however jieba happens to segment them.
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Name of the jieba analyzer.
pub const JIEBA: &str = "zh_jieba";
/// Name of the bigram analyzer.
pub const GRAMS: &str = "zh_grams";

/// Register both analyzers on an index (tokenizers are not stored in the index).
pub fn register(index: &tantivy::Index) {
    let jieba = TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(JIEBA, jieba);
    index.tokenizers().register(GRAMS, TextAnalyzer::builder(BigramTokenizer).filter(LowerCaser).build());
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Overlapping character pairs over CJK runs (a lone character is its own token); ASCII letters and
/// digits in whole runs (`2026`, `yj`); everything else separates tokens.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

/// The tokens of one text, computed up front.
pub struct BigramStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        BigramStream { tokens: bigrams(text), next: 0 }
    }
}

fn push(tokens: &mut Vec<Token>, text: &str, from: usize, to: usize) {
    let position = tokens.len();
    tokens.push(Token {
        offset_from: from,
        offset_to: to,
        position,
        text: text[from..to].to_string(),
        position_length: 1,
    });
}

fn bigrams(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
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
                push(&mut tokens, text, chars[start].0, end_of(start + 1));
            }
            for (k, pair) in chars[start..i].windows(2).enumerate() {
                push(&mut tokens, text, pair[0].0, end_of(start + k + 2));
            }
        } else if c.is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].1.is_ascii_alphanumeric() {
                i += 1;
            }
            push(&mut tokens, text, chars[start].0, end_of(i));
        } else {
            i += 1;
        }
    }
    tokens
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        bigrams(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn chinese_runs_become_overlapping_pairs_and_numbers_stay_whole() {
        assert_eq!(texts("电动自行车"), ["电动", "动自", "自行", "行车"]);
        assert_eq!(texts("长政发〔2026〕12号"), ["长政", "政发", "2026", "12", "号"]);
        assert_eq!(texts("YJ-2026-7KQ3"), ["YJ", "2026", "7KQ3"]);
        assert_eq!(texts("张伟说：好"), ["张伟", "伟说", "好"]);
        assert!(texts("，。！ ").is_empty());
    }
}
