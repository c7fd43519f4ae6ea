//! What changed between the draft published for comment and the agency's revised draft, article
//! by article, for the adoption report.
//!
//! Pure std + serde so the same code runs on the server and in the browser.

use serde::{Deserialize, Serialize};

/// The largest LCS table (in cells) a character diff fills; beyond it the changed middle is shown
/// as one removal and one addition. 4 million `u16` cells is 8 MB, affordable in the browser too.
pub const MAX_DIFF_CELLS: usize = 4_000_000;

/// The largest alignment table (old articles × new articles, after trimming identical ones at both
/// ends) the article pairing fills; beyond it those articles are shown as deleted, then added. A
/// million cells is 8 MB and a million similarity scores, a whole code's worth of articles.
pub const MAX_ALIGN_CELLS: usize = 1_000_000;

/// Equal runs shorter than this between two changes are folded into the change, so one shared
/// character (a "十" in "十五" → "三十") does not chop a single edit into a confetti of pieces.
const FOLD_BELOW: usize = 2;

/// Two articles pair when their character-bigram Dice similarity reaches this, in thousandths.
const PAIR_THRESHOLD: u32 = 500;

/// One run of a character diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// Character-level difference of two texts (Chinese has no spaces, so characters are the unit),
/// adjacent pieces of the same kind merged.
///
/// Within each changed stretch the removal comes before the addition. An equal run of a single
/// character between two changes is folded into both sides of the change, so concatenating the
/// `Same` + `Removed` pieces still gives `old` and `Same` + `Added` gives `new`. Two empty texts
/// give no pieces. The common prefix and suffix are trimmed first; if the rest would need more than
/// [`MAX_DIFF_CELLS`] it is reported as removed in full and added in full.
pub fn text_diff(old: &str, new: &str) -> Vec<Piece> {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    let suffix = a_rest.iter().rev().zip(b_rest.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a_mid, b_mid) = (&a_rest[..a_rest.len() - suffix], &b_rest[..b_rest.len() - suffix]);

    let mut runs = Runs::default();
    a[..prefix].iter().for_each(|&c| runs.push(Op::Same, c));
    middle_diff(a_mid, b_mid, &mut runs);
    a_rest[a_rest.len() - suffix..].iter().for_each(|&c| runs.push(Op::Same, c));
    runs.into_pieces()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Removed,
    Added,
}

/// The middle of a diff (no common prefix or suffix) by longest common subsequence.
fn middle_diff(a: &[char], b: &[char], runs: &mut Runs) {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    if (n + 1).saturating_mul(width) > MAX_DIFF_CELLS {
        a.iter().for_each(|&c| runs.push(Op::Removed, c));
        b.iter().for_each(|&c| runs.push(Op::Added, c));
        return;
    }
    // lcs[i * width + j] = LCS length of a[i..] and b[j..]. It never exceeds min(n, m), which the
    // cell limit keeps under 2,000, so u16 is enough.
    let mut lcs = vec![0u16; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if a[i] == b[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            runs.push(Op::Same, a[i]);
            (i, j) = (i + 1, j + 1);
        } else if j == m || (i < n && lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
            runs.push(Op::Removed, a[i]);
            i += 1;
        } else {
            runs.push(Op::Added, b[j]);
            j += 1;
        }
    }
}

/// A diff being built: equal runs and changed stretches (removed text, added text), alternating.
#[derive(Default)]
struct Runs(Vec<Run>);

enum Run {
    Same(String),
    Change(String, String),
}

impl Runs {
    fn push(&mut self, op: Op, c: char) {
        match (op, self.0.last_mut()) {
            (Op::Same, Some(Run::Same(text))) => text.push(c),
            (Op::Removed, Some(Run::Change(removed, _))) => removed.push(c),
            (Op::Added, Some(Run::Change(_, added))) => added.push(c),
            (Op::Same, _) => self.0.push(Run::Same(c.to_string())),
            (Op::Removed, _) => self.0.push(Run::Change(c.to_string(), String::new())),
            (Op::Added, _) => self.0.push(Run::Change(String::new(), c.to_string())),
        }
    }

    /// The pieces, with short equal runs between changes folded into the surrounding change.
    fn into_pieces(self) -> Vec<Piece> {
        let mut folded: Vec<Run> = Vec::with_capacity(self.0.len());
        let mut runs = self.0.into_iter().peekable();
        while let Some(run) = runs.next() {
            match run {
                Run::Same(text) => {
                    let short = text.chars().count() < FOLD_BELOW;
                    match (folded.last_mut(), runs.peek()) {
                        (Some(Run::Change(removed, added)), Some(Run::Change(..))) if short => {
                            removed.push_str(&text);
                            added.push_str(&text);
                        }
                        _ => folded.push(Run::Same(text)),
                    }
                }
                Run::Change(r, a) => match folded.last_mut() {
                    Some(Run::Change(removed, added)) => {
                        removed.push_str(&r);
                        added.push_str(&a);
                    }
                    _ => folded.push(Run::Change(r, a)),
                },
            }
        }
        for i in 1..folded.len().saturating_sub(1) {
            if let [Run::Same(prev), Run::Change(removed, added), Run::Same(next)] = &mut folded[i - 1..=i + 1] {
                match (removed.is_empty(), added.is_empty()) {
                    (true, false) => slide(prev, added, next),
                    (false, true) => slide(prev, removed, next),
                    _ => {}
                }
            }
        }
        let mut pieces = Vec::with_capacity(folded.len() + 1);
        for run in folded {
            match run {
                Run::Same(text) => pieces.push(Piece::Same(text)),
                Run::Change(removed, added) => {
                    if !removed.is_empty() {
                        pieces.push(Piece::Removed(removed));
                    }
                    if !added.is_empty() {
                        pieces.push(Piece::Added(added));
                    }
                }
            }
        }
        pieces
    }
}

/// Punctuation and line breaks: where a reader expects an edit to start or end.
fn is_boundary(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || "，。；：、！？（）《》〈〉“”‘’【】—…·".contains(c)
}

/// A pure insertion or deletion next to repeated text could be shown in several places, all equally
/// correct: "（三" + "）医院…；（四" + "）" or "（三）" + "医院…；（四）" + "". Move it to where it starts
/// after and ends at punctuation (the second), as a reader would mark the change by hand. `prev`
/// and `next` are the equal runs around the edit; `prev + edit + next` stays the same text.
fn slide(prev: &mut String, edit: &mut String, next: &mut String) {
    let mut p: Vec<char> = prev.chars().collect();
    let mut e: Vec<char> = edit.chars().collect();
    let mut n: Vec<char> = next.chars().collect();
    // As far left as it goes ...
    while let (Some(&pc), Some(&ec)) = (p.last(), e.last()) {
        if pc != ec {
            break;
        }
        p.pop();
        e.pop();
        e.insert(0, pc);
        n.insert(0, ec);
    }
    // ... then step right through every equally correct place, keeping the best.
    let score = |p: &[char], e: &[char]| {
        2 * u8::from(p.last().is_none_or(|c| is_boundary(*c))) + u8::from(e.last().is_some_and(|c| is_boundary(*c)))
    };
    let (mut best, mut best_at) = (score(&p, &e), 0);
    let mut steps = 0;
    let (mut p2, mut e2, mut n2) = (p.clone(), e.clone(), n.clone());
    while !e2.is_empty() && e2.first() == n2.first() {
        let c = e2.remove(0);
        n2.remove(0);
        p2.push(c);
        e2.push(c);
        steps += 1;
        if score(&p2, &e2) > best {
            (best, best_at) = (score(&p2, &e2), steps);
        }
    }
    for _ in 0..best_at {
        let c = e.remove(0);
        n.remove(0);
        p.push(c);
        e.push(c);
    }
    *prev = p.into_iter().collect();
    *edit = e.into_iter().collect();
    *next = n.into_iter().collect();
}

/// What happened to one article between the consulted draft and the revised draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Unchanged,
    Revised,
    Added,
    Deleted,
}

/// One article of the revised draft set against its counterpart in the consulted draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ArticleRevision {
    pub change: Change,
    /// The article in the draft consulted on (anchor like "a12"), None for an added article.
    pub old_anchor: Option<String>,
    /// Its label in the consulted draft, e.g. "第十二条"; None for an added article.
    pub old_label: Option<String>,
    /// Its label in the revised draft; None for a deleted article.
    pub new_label: Option<String>,
    /// The body's character diff: empty for Unchanged, all `Removed` for Deleted, all `Added` for Added.
    pub pieces: Vec<Piece>,
}

impl ArticleRevision {
    /// How the article is named above its change: 新增第五条, 删除原第三条, 原第三条（修改后为第四条）.
    pub fn heading(&self) -> String {
        match (self.change, &self.old_label, &self.new_label) {
            (Change::Added, _, Some(n)) => format!("新增{n}"),
            (Change::Deleted, Some(o), _) => format!("删除原{o}"),
            (_, Some(o), Some(n)) if o != n => format!("原{o}（修改后为{n}）"),
            (_, Some(o), _) => o.clone(),
            _ => String::new(),
        }
    }
}

/// An article of the draft as published for comment.
#[derive(Debug, Clone, Copy)]
pub struct OldArticle<'a> {
    pub anchor: &'a str,
    pub label: &'a str,
    pub body: &'a str,
}

/// An article of the agency's revised draft.
#[derive(Debug, Clone, Copy)]
pub struct NewArticle<'a> {
    pub label: &'a str,
    pub body: &'a str,
}

/// Pair the revised draft's articles with the consulted draft's, in order.
///
/// Articles are renumbered when one is inserted or deleted, so pairing is by content, not by
/// number: an order-preserving alignment that pairs as many articles as possible (then the most
/// similar), where two articles may pair when their bodies are identical or their character-bigram
/// Dice similarity (whitespace ignored) is at least 0.5. Unpaired old articles are Deleted,
/// unpaired new ones Added. The result follows the revised draft, each Deleted article placed where
/// it stood in the consulted draft (before any article added in its place).
pub fn compare(old: &[OldArticle], new: &[NewArticle]) -> Vec<ArticleRevision> {
    align(old, new)
        .into_iter()
        .map(|step| match step {
            Step::Pair(i, j) => {
                let (o, n) = (&old[i], &new[j]);
                let unchanged = o.body == n.body;
                ArticleRevision {
                    change: if unchanged { Change::Unchanged } else { Change::Revised },
                    old_anchor: Some(o.anchor.to_owned()),
                    old_label: Some(o.label.to_owned()),
                    new_label: Some(n.label.to_owned()),
                    pieces: if unchanged { Vec::new() } else { text_diff(o.body, n.body) },
                }
            }
            Step::Delete(i) => ArticleRevision {
                change: Change::Deleted,
                old_anchor: Some(old[i].anchor.to_owned()),
                old_label: Some(old[i].label.to_owned()),
                new_label: None,
                pieces: text_diff(old[i].body, ""),
            },
            Step::Add(j) => ArticleRevision {
                change: Change::Added,
                old_anchor: None,
                old_label: None,
                new_label: Some(new[j].label.to_owned()),
                pieces: text_diff("", new[j].body),
            },
        })
        .collect()
}

enum Step {
    Pair(usize, usize),
    Delete(usize),
    Add(usize),
}

/// The best order-preserving pairing of old and new articles, as steps in output order.
fn align(old: &[OldArticle], new: &[NewArticle]) -> Vec<Step> {
    // Identical leading and trailing articles always pair in some best alignment; trimming them
    // keeps the quadratic part to the stretch that actually changed.
    let head = old.iter().zip(new).take_while(|(o, a)| o.body == a.body).count();
    let (old_rest, new_rest) = (&old[head..], &new[head..]);
    let tail = old_rest.iter().rev().zip(new_rest.iter().rev()).take_while(|(o, a)| o.body == a.body).count();
    let mut steps: Vec<Step> = (0..head).map(|k| Step::Pair(k, k)).collect();
    let middle = align_middle(&old_rest[..old_rest.len() - tail], &new_rest[..new_rest.len() - tail]);
    steps.extend(middle.into_iter().map(|step| match step {
        Step::Pair(i, j) => Step::Pair(head + i, head + j),
        Step::Delete(i) => Step::Delete(head + i),
        Step::Add(j) => Step::Add(head + j),
    }));
    steps.extend((0..tail).map(|k| Step::Pair(old.len() - tail + k, new.len() - tail + k)));
    steps
}

/// Alignment by dynamic programming: as many pairs as possible, then the highest summed score.
fn align_middle(old: &[OldArticle], new: &[NewArticle]) -> Vec<Step> {
    let (n, m) = (old.len(), new.len());
    if n.saturating_mul(m) > MAX_ALIGN_CELLS {
        return (0..n).map(Step::Delete).chain((0..m).map(Step::Add)).collect();
    }
    let score = pair_scores(old, new);
    // best[i * width + j] = (pairs, summed score) of the best alignment of old[i..] with new[j..].
    let width = m + 1;
    let mut best = vec![(0u32, 0u32); (n + 1) * width];
    let paired = |best: &[(u32, u32)], i: usize, j: usize| {
        let (pairs, total) = best[(i + 1) * width + j + 1];
        (score[i * m + j] > 0).then(|| (pairs + 1, total + score[i * m + j]))
    };
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = best[(i + 1) * width + j].max(best[i * width + j + 1]);
            best[i * width + j] = paired(&best, i, j).map_or(skip, |p| p.max(skip));
        }
    }
    let mut steps = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && paired(&best, i, j) == Some(best[i * width + j]) {
            steps.push(Step::Pair(i, j));
            (i, j) = (i + 1, j + 1);
        } else if j == m || (i < n && best[(i + 1) * width + j] == best[i * width + j]) {
            // Ties go to the deletion, so a deleted article comes before one added in its place.
            steps.push(Step::Delete(i));
            i += 1;
        } else {
            steps.push(Step::Add(j));
            j += 1;
        }
    }
    steps
}

/// How well each old article matches each new one (row-major), in thousandths; 0 where they may not pair.
fn pair_scores(old: &[OldArticle], new: &[NewArticle]) -> Vec<u32> {
    let old_grams: Vec<_> = old.iter().map(|a| bigrams(a.body)).collect();
    let new_grams: Vec<_> = new.iter().map(|a| bigrams(a.body)).collect();
    let mut score = Vec::with_capacity(old.len() * new.len());
    for (o, o_grams) in old.iter().zip(&old_grams) {
        for (a, a_grams) in new.iter().zip(&new_grams) {
            let s = if o.body == a.body { 1000 } else { dice(o_grams, a_grams) };
            score.push(if s >= PAIR_THRESHOLD { s } else { 0 });
        }
    }
    score
}

/// A text's character bigrams (whitespace ignored), sorted; a one-character text is its own gram.
fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut grams: Vec<(char, char)> = match chars.as_slice() {
        [only] => vec![(*only, '\0')],
        _ => chars.windows(2).map(|w| (w[0], w[1])).collect(),
    };
    grams.sort_unstable();
    grams
}

/// Dice similarity of two sorted bigram multisets, in thousandths.
fn dice(a: &[(char, char)], b: &[(char, char)]) -> u32 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1000;
    }
    // The overlap is at most the smaller side; skip the count when even that cannot pair.
    if 2000 * (a.len().min(b.len()) as u64) < u64::from(PAIR_THRESHOLD) * total as u64 {
        return 0;
    }
    let (mut x, mut y, mut common) = (0, 0, 0usize);
    while x < a.len() && y < b.len() {
        match a[x].cmp(&b[y]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => (x, y, common) = (x + 1, y + 1, common + 1),
        }
    }
    // 2000 * common / total, in u64 so it cannot overflow a 32-bit usize.
    (2000 * common as u64 / total as u64) as u32
}

#[cfg(test)]
mod tests;
