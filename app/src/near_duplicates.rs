//! Near-duplicate grouping of texts: comments (to spot campaign letters and machine-generated
//! floods) and case filings (repeat filings of one matter) both use it, so it is a text utility
//! below both features.
//!
//! Each comment is normalised (lowercase letters, digits and CJK characters only, so spacing and
//! punctuation do not matter) and cut into overlapping 3-character shingles; two comments are
//! near-duplicates when their shingle sets have a Jaccard similarity of at least `MIN_JACCARD`.
//! A MinHash signature of each comment finds the candidates: signatures are cut into bands, and
//! comments agreeing on a whole band share an LSH bucket, where each newcomer is compared with the
//! bucket's leaders (its first members and the latest newcomer that matched none of them). Only
//! signatures are kept (about 200 bytes a comment); the few pairs whose signatures cannot decide
//! are settled by shingling both texts again. The work is CPU-bound: call it from `spawn_blocking`.
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A group with at least `BURST_SIZE` members submitted within `BURST_WINDOW` seconds looks machine-generated.
pub const BURST_WINDOW: i64 = 60;
/// A group with at least `BURST_SIZE` members submitted within `BURST_WINDOW` seconds looks machine-generated.
pub const BURST_SIZE: usize = 20;

/// Shingle-set Jaccard similarity at which two comments are near-duplicates. Copies of one letter
/// with a few characters edited score above 0.8 against each other, with the signer's name or one
/// sentence of their own still around 0.7. Different comments on the same article rarely pass 0.3;
/// composed from one small stock of set phrases (as in the benchmark), about one pair in billions reaches 0.6.
const MIN_JACCARD: f64 = 0.6;
/// MinHash slots per signature, of which `BANDS` bands of `ROWS` slots are LSH keys. Bands of three
/// make a pair at 0.65 a candidate 99.4% of the time (at 0.2, 12%).
const SLOTS: usize = 48;
const BANDS: usize = 16;
const ROWS: usize = 3;
const _: () = assert!(BANDS * ROWS <= SLOTS);
/// A 48-slot estimate (± 0.07) cannot decide near `MIN_JACCARD` among millions of pairs, so it
/// settles only clear cases: at least 7/8 of the slots agreeing is surely a near-duplicate, fewer
/// than 9/16 surely not; in between, the texts decide.
const SURELY_SAME: usize = SLOTS * 7 / 8;
const SURELY_DIFFERENT: usize = SLOTS * 9 / 16;
/// Leaders per bucket. Comparing with the first member only left a heavily edited copy out of its
/// campaign whenever its buckets happened to be led by other heavily edited copies.
const LEADERS: usize = 3;

/// Marks "no character" in a shingle shorter than three characters (above every `char`).
const NO_CHAR: u64 = 0x1F_FFFF;

type Signature = [u32; SLOTS];

/// Murmur3's 64-bit finaliser: a bijection that spreads every input bit over the whole word.
const fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Per-slot multipliers (odd) and addends: slot `i` orders shingles by `x * MUL[i] + ADD[i]` (mod 2^32),
/// `x` being the top half of the shingle's hash. As unbiased as 64-bit permutations, and in 32-bit
/// lanes the compiler vectorises it, four times faster.
const MUL: [u32; SLOTS] = seeds(1);
const ADD: [u32; SLOTS] = seeds(2);

const fn seeds(stream: u64) -> [u32; SLOTS] {
    let mut out = [0; SLOTS];
    let mut i = 0;
    while i < SLOTS {
        out[i] = mix(stream << 32 | i as u64) as u32 | 1;
        i += 1;
    }
    out
}

/// The character as compared, or `None` for spacing, punctuation and symbols (full-width ones too).
fn fold(c: char) -> Option<char> {
    match c {
        'a'..='z' | '0'..='9' | '\u{4E00}'..='\u{9FFF}' => Some(c),
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        // Full-width ASCII (ＡＢＣ１２３，！) as typed with Chinese input methods.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).and_then(fold),
        c if c.is_alphanumeric() => c.to_lowercase().next(),
        _ => None,
    }
}

/// Calls `each` with the hash of every 3-character shingle of the normalised text (a text of one
/// or two characters is its own single shingle); false when nothing is left after normalising.
fn shingles(text: &str, mut each: impl FnMut(u64)) -> bool {
    // Three 21-bit characters packed into one word, then mixed: distinct shingles never collide.
    let shingle = |a: u64, b: u64, c: u64| mix(a | b << 21 | c << 42);
    let (mut a, mut b, mut kept) = (NO_CHAR, NO_CHAR, 0_usize);
    for c in text.chars().filter_map(fold).map(u64::from) {
        if kept >= 2 {
            each(shingle(a, b, c));
        }
        (a, b, kept) = (b, c, kept + 1);
    }
    match kept {
        0 => return false,
        1 => each(shingle(b, NO_CHAR, NO_CHAR)),
        2 => each(shingle(a, b, NO_CHAR)),
        _ => {}
    }
    true
}

/// The MinHash signature of a text; `None` when nothing is left after normalising.
fn signature(text: &str) -> Option<Signature> {
    let mut signature = [u32::MAX; SLOTS];
    let kept = shingles(text, |h| {
        let x = (h >> 32) as u32;
        for ((slot, mul), add) in signature.iter_mut().zip(MUL).zip(ADD) {
            *slot = (*slot).min(x.wrapping_mul(mul).wrapping_add(add));
        }
    });
    kept.then_some(signature)
}

/// The text's distinct shingle hashes, sorted, into `out`.
fn sorted_shingles(text: &str, out: &mut Vec<u64>) {
    out.clear();
    shingles(text, |h| out.push(h));
    out.sort_unstable();
    out.dedup();
}

/// Jaccard similarity of two sorted, deduplicated sets.
fn jaccard(x: &[u64], y: &[u64]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, common) = (i + 1, j + 1, common + 1),
        }
    }
    common as f64 / (x.len() + y.len() - common).max(1) as f64
}

/// Hasher for keys that are already well-mixed `u64`s.
#[derive(Default)]
struct Premixed(u64);

impl Hasher for Premixed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = mix(self.0 ^ u64::from(byte));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Up to `LEADERS` members of an LSH bucket, by position; a newcomer is compared with each.
type Leaders = [u32; LEADERS];
const NO_LEADER: u32 = u32::MAX;

/// Comments in id order with their signatures, and the groups found so far (union-find over
/// positions; the root of a set is its smallest position, so its smallest id).
struct Grouping<'a> {
    texts: Vec<&'a str>,
    signatures: Vec<Option<Signature>>,
    parents: Vec<u32>,
    /// Reused for exact comparisons.
    buffers: (Vec<u64>, Vec<u64>),
}

impl Grouping<'_> {
    fn find(&mut self, mut i: usize) -> usize {
        while self.parents[i] as usize != i {
            let grandparent = self.parents[self.parents[i] as usize];
            self.parents[i] = grandparent;
            i = grandparent as usize;
        }
        i
    }

    /// Joins comment `i` to the group of every leader of its bucket it is a near-duplicate of. If
    /// it matches none, it becomes a leader: in a free place, or else in the last, so that a stray
    /// copy still meets the later copies that would take it in.
    fn meet(&mut self, leaders: &mut Leaders, i: usize) {
        let mut matched = false;
        for &leader in leaders.iter().take_while(|&&l| l != NO_LEADER) {
            let (root, other) = (self.find(leader as usize), self.find(i));
            if root == other {
                matched = true;
            } else if self.near_duplicates(leader as usize, i) {
                self.parents[root.max(other)] = root.min(other) as u32;
                matched = true;
            }
        }
        if !matched {
            let place = leaders.iter().position(|&l| l == NO_LEADER).unwrap_or(LEADERS - 1);
            leaders[place] = i as u32;
        }
    }

    fn near_duplicates(&mut self, x: usize, y: usize) -> bool {
        let (Some(sx), Some(sy)) = (&self.signatures[x], &self.signatures[y]) else { return false };
        match sx.iter().zip(sy).filter(|(a, b)| a == b).count() {
            n if n >= SURELY_SAME => true,
            n if n < SURELY_DIFFERENT => false,
            _ => {
                sorted_shingles(self.texts[x], &mut self.buffers.0);
                sorted_shingles(self.texts[y], &mut self.buffers.1);
                jaccard(&self.buffers.0, &self.buffers.1) >= MIN_JACCARD
            }
        }
    }
}

/// For each comment (id, body), the id of its group's representative: the smallest id among the
/// comments it is a near-duplicate of (transitively). A comment with no near-duplicate maps to itself.
pub fn group(comments: &[(i64, &str)]) -> Vec<i64> {
    // In id order, which comments lead a bucket, and so the result, do not depend on input order.
    let mut order: Vec<usize> = (0..comments.len()).collect();
    order.sort_unstable_by_key(|&i| comments[i]);
    let texts: Vec<&str> = order.iter().map(|&i| comments[i].1).collect();
    let mut grouping = Grouping {
        signatures: texts.iter().map(|text| signature(text)).collect(),
        texts,
        parents: (0..order.len() as u32).collect(),
        buffers: Default::default(),
    };
    // One band at a time, so only one band's buckets are held.
    let mut buckets: HashMap<u64, Leaders, BuildHasherDefault<Premixed>> =
        HashMap::with_capacity_and_hasher(order.len(), BuildHasherDefault::default());
    for band in 0..BANDS {
        buckets.clear();
        for i in 0..order.len() {
            let Some(signature) = &grouping.signatures[i] else { continue };
            let rows = &signature[band * ROWS..][..ROWS];
            let key = rows.iter().fold(0_u64, |h, &slot| mix(h.rotate_left(32) ^ u64::from(slot)));
            grouping.meet(buckets.entry(key).or_insert([NO_LEADER; LEADERS]), i);
        }
    }
    let mut representatives = vec![0; comments.len()];
    for (position, &i) in order.iter().enumerate() {
        representatives[i] = comments[order[grouping.find(position)]].0;
    }
    representatives
}

/// The largest number of `times` (unix seconds, any order) that fall within any window of `window` seconds.
///
/// A window is half-open, `[start, start + window)`: with a 60-second window, 10:00:00 and 10:01:00 fall in
/// different windows.
pub fn densest(times: &[i64], window: i64) -> usize {
    let mut times = times.to_vec();
    times.sort_unstable();
    let mut start = 0;
    let mut best = 0;
    for (end, &t) in times.iter().enumerate() {
        while start <= end && t.saturating_sub(times[start]) >= window {
            start += 1;
        }
        best = best.max(end + 1 - start);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str =
        "尊敬的市人大常委会法制工作委员会：我们是本市的电动自行车使用者，对《电动自行车管理条例（草案）》\
        第十二条提出以下意见。草案规定电动自行车必须在购买后十五日内完成登记，否则不得上路行驶。我们认为这一期限过短，\
        很多外来务工人员工作繁忙，难以在工作日抽出时间前往车管所办理手续。同时，草案第二十条规定未佩戴安全头盔的处以\
        二百元罚款，处罚标准明显高于周边城市，与违法行为的社会危害程度不相适应。我们建议：一、将登记期限延长至三十日，\
        并开通网上办理和社区代办渠道；二、将未戴头盔的罚款调整为二十元至五十元，首次违法以教育为主；三、在老旧小区\
        增设集中充电设施，从源头上减少楼道充电带来的火灾隐患。以上建议恳请予以采纳。联名人：张伟";

    const SENTENCES: [&str; 4] = [
        "我每天骑车接送孩子上学，对此深有体会。",
        "希望立法机关充分听取基层群众的声音。",
        "这一规定直接关系到我们的日常出行。",
        "外卖骑手和快递员受到的影响尤其大。",
    ];
    const NAMES: [&str; 5] = ["李娜", "王芳", "刘洋", "陈静", "赵磊"];

    /// Different citizens on the same article, in overlapping words.
    const DIFFERENT: [&str; 5] = [
        "第十二条的登记期限太短了，建议延长到三十天，并允许在网上办理登记手续。",
        "我支持强制佩戴头盔，但二百元罚款太重，建议首次违法只做批评教育，不罚款。",
        "老旧小区没有充电桩，大家只能在楼道里充电，建议政府先建设充电设施再严格执法。",
        "电动自行车登记应当免费，不应当借登记收取任何费用，也不要求提供居住证明。",
        "外卖骑手每天骑行上百公里，条例应当对平台企业规定安全培训义务，而不是只罚骑手。",
    ];

    struct XorShift(u64);

    impl XorShift {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// The letter as one more signer sends it: a few characters changed, added or dropped, maybe
    /// their own name, maybe one sentence of their own.
    fn copy(rng: &mut XorShift) -> String {
        let mut text = LETTER.to_string();
        if rng.below(3) == 0 {
            text = text.replace("张伟", NAMES[rng.below(NAMES.len())]);
        }
        if rng.below(4) == 0 {
            text = text.replace("我们认为这一期限过短，", SENTENCES[rng.below(SENTENCES.len())]);
        }
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..rng.below(5) {
            let at = rng.below(chars.len());
            let c = "的了是在我们不有".chars().nth(rng.below(8)).unwrap_or('的');
            match rng.below(3) {
                0 => chars[at] = c,
                1 => chars.insert(at, c),
                _ => _ = chars.remove(at),
            }
        }
        chars.into_iter().collect()
    }

    #[test]
    fn campaign_letter_sent_five_thousand_times_with_edits_is_one_group_led_by_its_first_id() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let bodies: Vec<String> = (0..5000).map(|_| copy(&mut rng)).collect();
        // Ids out of order, the smallest in the middle.
        let comments: Vec<(i64, &str)> =
            bodies.iter().enumerate().map(|(i, b)| ((i as i64 * 7919) % 5000 + 100, b.as_str())).collect();
        let representatives = group(&comments);
        assert!(representatives.iter().all(|&r| r == 100), "{} groups", {
            let mut distinct = representatives.clone();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.len()
        });
    }

    #[test]
    fn different_comments_on_the_same_article_stay_apart() {
        let mut comments: Vec<(i64, &str)> = DIFFERENT.iter().enumerate().map(|(i, b)| (i as i64 + 1, *b)).collect();
        comments.push((10, LETTER));
        assert_eq!(group(&comments), [1, 2, 3, 4, 5, 10]);
    }

    #[test]
    fn identical_short_comments_group_but_agree_and_disagree_do_not() {
        let comments = [(1, "同意"), (2, "反对"), (3, " 同意。"), (4, "同意！"), (5, "不同意"), (6, "反"), (7, "反对")];
        assert_eq!(group(&comments), [1, 2, 1, 1, 5, 6, 2]);
    }

    #[test]
    fn case_spacing_and_full_width_punctuation_do_not_matter() {
        let comments =
            [(1, "建议删除第3条（APP收集信息）。"), (2, "建议删除第 ３ 条，app收集信息！"), (3, "建议保留第3条")];
        assert_eq!(group(&comments), [1, 1, 3]);
    }

    #[test]
    fn comment_without_letters_or_digits_is_never_grouped() {
        let comments = [(1, ""), (2, ""), (3, "。。。！！"), (4, "   "), (5, "。。。！！")];
        assert_eq!(group(&comments), [1, 2, 3, 4, 5]);
        assert!(group(&[]).is_empty());
    }

    #[test]
    fn grouping_does_not_depend_on_input_order() {
        let mut rng = XorShift(42);
        let bodies: Vec<String> = (0..300).map(|_| copy(&mut rng)).collect();
        let mut comments: Vec<(i64, &str)> =
            bodies.iter().enumerate().map(|(i, b)| (i as i64 + 1, b.as_str())).collect();
        comments.extend(DIFFERENT.iter().enumerate().map(|(i, b)| (1000 + i as i64, *b)));
        comments.extend([(2000, "同意"), (2001, "同意"), (2002, "")]);
        let by_id = |comments: &[(i64, &str)]| {
            let mut pairs: Vec<(i64, i64)> = comments.iter().map(|c| c.0).zip(group(comments)).collect();
            pairs.sort_unstable();
            pairs
        };
        let expected = by_id(&comments);
        assert_eq!(expected, by_id(&comments));
        for _ in 0..3 {
            for i in (1..comments.len()).rev() {
                comments.swap(i, rng.below(i + 1));
            }
            assert_eq!(by_id(&comments), expected);
        }
        assert_eq!(expected.iter().filter(|(_, r)| *r == 1).count(), 300);
        assert_eq!(
            expected[300..].iter().map(|p| p.1).collect::<Vec<_>>(),
            [1000, 1001, 1002, 1003, 1004, 2000, 2000, 2002]
        );
    }

    #[test]
    fn densest_counts_the_busiest_window() {
        assert_eq!(densest(&[], BURST_WINDOW), 0);
        assert_eq!(densest(&[1_700_000_000], BURST_WINDOW), 1);
        assert_eq!(densest(&[0, 59], 60), 2);
        assert_eq!(densest(&[0, 60], 60), 1);
        assert_eq!(densest(&[200, 5, 30, 65, 6, 100], 60), 3);
        assert_eq!(densest(&[200, 5, 30, 64, 6, 100], 60), 4);
        assert_eq!(densest(&[7, 7, 7, 500], 60), 3);
    }
}
