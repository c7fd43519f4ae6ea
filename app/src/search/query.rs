//! Running a search: each word the user typed must appear (its character n-grams) and scores where
//! jieba found it; visibility and filters inside the query itself; facet counts, date or relevance
//! order, and highlighted snippets.
use super::index::SearchIndex;
use super::{FacetCount, Hit, SearchParams, SearchResults, Segment, PER_PAGE};
use std::collections::HashMap;
use std::ops::Bound;
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, TantivyDocument, Term};

/// Who is searching: the public, one agency's staff, or someone who may see everything.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    Public,
    Agency(i64),
    Everything,
}

pub(super) fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

pub(super) fn term_u64(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_u64(field, value), IndexRecordOption::Basic))
}

/// The visibility rule, as a query clause; `None` when nothing is hidden.
fn visibility(idx: &SearchIndex, who: Audience) -> Option<Box<dyn Query>> {
    let public = term_u64(idx.fields.public, 1);
    match who {
        Audience::Everything => None,
        Audience::Public => Some(public),
        Audience::Agency(a) => Some(Box::new(BooleanQuery::new(vec![
            (Occur::Should, public),
            (Occur::Should, term_u64(idx.fields.agency_id, a as u64)),
        ]))),
    }
}

/// The terms a field's analyzer makes of a text.
fn terms(idx: &SearchIndex, field: Field, text: &str) -> Vec<Term> {
    let Ok(mut analyzer) = idx.index.tokenizer_for_field(field) else { return vec![] };
    let mut out = Vec::new();
    analyzer.token_stream(text).process(&mut |t| out.push(Term::from_field_text(field, &t.text)));
    out
}

fn scored(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

/// What one typed word contributes: clauses every match must satisfy, and the jieba word that
/// ranks the matches.
struct Word {
    required: Vec<Box<dyn Query>>,
    rank_by: Option<Term>,
}

/// One word as typed. It must occur as written: its character pair or triples, which finds names
/// and numbers whatever jieba makes of them. Where jieba found the word (its longest dictionary
/// word, when jieba splits it), the document ranks higher. `None` for a word with nothing
/// searchable (punctuation).
///
/// A lone ideograph between other characters (the 号 of `〔2026〕12号`) is indexed as part of
/// a longer run in the text, so it cannot be required; a word that is only lone ideographs
/// matches wherever the n-grams have them on their own, or jieba has them as a word.
fn word(idx: &SearchIndex, typed: &str) -> Option<Word> {
    let f = &idx.fields;
    let rank_by = terms(idx, f.words, typed).into_iter().max_by_key(|t| t.serialized_value_bytes().len());
    let (required, lone) = super::tokens::required_grams(typed);
    let gram = |text: &String| term(f.grams, text);
    let required: Vec<Box<dyn Query>> = if required.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> =
            lone.iter().map(gram).chain(rank_by.clone().map(scored)).map(|q| (Occur::Should, q)).collect();
        if any.is_empty() {
            return None;
        }
        vec![Box::new(BooleanQuery::new(any))]
    } else {
        required.iter().map(gram).collect()
    };
    Some(Word { required, rank_by })
}

/// What the typed words ask for: the clauses every match must satisfy, and the jieba terms that
/// rank the matches (see [`word`]).
pub(super) fn words(idx: &SearchIndex, q: &str) -> (Vec<Box<dyn Query>>, Vec<Term>) {
    let mut typed: Vec<&str> = q.split_whitespace().collect();
    typed.sort_unstable();
    typed.dedup();
    let (mut required, mut rank_by) = (Vec::new(), Vec::new());
    for w in typed.into_iter().filter_map(|w| word(idx, w)) {
        required.extend(w.required);
        rank_by.extend(w.rank_by);
    }
    (required, rank_by)
}

/// Matching (words, visibility, filters) as one conjunction that computes no scores; ranking is
/// then layered on as one optional jieba term per level, so scoring seeks single postings lists
/// instead of merging several. At a million comments, scoring every required term and merging
/// optional ones took most of the time.
pub(super) fn ranked(clauses: Vec<(Occur, Box<dyn Query>)>, rank_by: Vec<Term>) -> Box<dyn Query> {
    let mut query: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(clauses)), 0.0));
    for term in rank_by {
        query = Box::new(BooleanQuery::new(vec![(Occur::Must, query), (Occur::Should, scored(term))]));
    }
    query
}

/// The query, and whether it has words to rank by.
fn build(idx: &SearchIndex, p: &SearchParams, who: Audience) -> (Box<dyn Query>, bool) {
    let f = &idx.fields;
    let (mut required, rank_by) = words(idx, &p.q);
    let has_words = !required.is_empty();
    required.extend(visibility(idx, who));
    let filters = [
        p.kind.as_deref().map(|k| term(f.kind, k)),
        p.agency.map(|a| term_u64(f.agency_id, a as u64)),
        p.consultation.map(|c| term_u64(f.consultation_id, c as u64)),
        p.article.as_deref().map(|a| term(f.anchor, a)),
        p.status.as_deref().map(|s| term(f.status, s)),
    ];
    required.extend(filters.into_iter().flatten());
    let from = p.from.as_deref().and_then(crate::clock::parse_date).map(crate::clock::start_of_day);
    let to = p.to.as_deref().and_then(crate::clock::parse_date).map(|d| crate::clock::start_of_day(d.next_day()));
    if from.is_some() || to.is_some() {
        let bound = |v: Option<i64>, inclusive: bool| match v {
            Some(v) if inclusive => Bound::Included(Term::from_field_i64(f.created_at, v)),
            Some(v) => Bound::Excluded(Term::from_field_i64(f.created_at, v)),
            None => Bound::Unbounded,
        };
        required.push(Box::new(RangeQuery::new(bound(from, true), bound(to, false))));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = required.into_iter().map(|q| (Occur::Must, q)).collect();
    if clauses.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    // Cases are found only in the staff queues, under their own rule (`search::cases`): never
    // here, whoever searches.
    clauses.push((Occur::MustNot, term(f.kind, super::index::CASE_KIND)));
    (ranked(clauses, rank_by), has_words)
}

/// Run a search for an audience. Agency facet labels are ids here; the caller names them.
pub fn execute(idx: &SearchIndex, p: &SearchParams, who: Audience) -> tantivy::Result<SearchResults> {
    let (query, has_words) = build(idx, p, who);
    let searcher = idx.reader.searcher();
    // Checked by the caller (`paging::check`); clamped again so no caller can ask for a huge offset.
    let page = p.page.unwrap_or(1).clamp(1, crate::paging::MAX_PAGE);
    let top = TopDocs::with_limit(PER_PAGE as usize).and_offset(((page - 1) * PER_PAGE) as usize);
    let by_date = p.sort.as_deref() == Some("date") || !has_words;
    let (addresses, tally): (Vec<DocAddress>, Tally) = if by_date {
        let (docs, tally) =
            searcher.search(&query, &(top.order_by_fast_field::<i64>("created_at", Order::Desc), TallyCollector))?;
        (docs.into_iter().map(|d| d.1).collect(), tally)
    } else {
        let (docs, tally) = searcher.search(&query, &(top.order_by_score(), TallyCollector))?;
        (docs.into_iter().map(|d| d.1).collect(), tally)
    };
    let counts = |map: HashMap<String, u64>| -> Vec<FacetCount> {
        let mut v: Vec<FacetCount> =
            map.into_iter().map(|(value, count)| FacetCount { label: value.clone(), value, count }).collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        v
    };
    let total = tally.total as usize;
    let (kinds, agencies) = (counts(tally.kinds), counts(tally.agencies));
    let mut hits = Vec::with_capacity(addresses.len());
    for addr in addresses {
        let doc: TantivyDocument = searcher.doc(addr)?;
        hits.push(hit(idx, &doc, &p.q));
    }
    Ok(SearchResults { total, hits, kinds, agencies, page, per_page: PER_PAGE, hint: None })
}

/// The ids of every comment matching `p` for `who` (to narrow the review queue by words), read
/// from the fast column: no stored document is loaded, whatever the number of hits. None for
/// words with nothing searchable in them.
pub fn comment_ids(idx: &SearchIndex, p: &SearchParams, who: Audience) -> tantivy::Result<Vec<i64>> {
    let p = SearchParams { kind: Some("comment".into()), ..p.clone() };
    let (query, has_words) = build(idx, &p, who);
    // Words with nothing searchable in them (punctuation, `*`) narrow to nothing, never to all.
    if !has_words {
        return Ok(Vec::new());
    }
    idx.reader.searcher().search(&query, &Ids(super::index::COMMENT_ID))
}

/// The ids of the registry's documents matching the words `q` (as the platform's search matches
/// them), read from the fast column. None found for words with nothing searchable in them.
pub fn document_ids(idx: &SearchIndex, q: &str) -> tantivy::Result<Vec<i64>> {
    let p = SearchParams { q: q.to_string(), kind: Some("document".into()), ..Default::default() };
    let (query, has_words) = build(idx, &p, Audience::Public);
    if !has_words {
        return Ok(Vec::new());
    }
    idx.reader.searcher().search(&query, &Ids(super::index::DOCUMENT_ID))
}

/// Collects a fast id column (named) of every match.
struct Ids(&'static str);

struct SegmentIds {
    ids: tantivy::columnar::Column<u64>,
    found: Vec<i64>,
}

impl Collector for Ids {
    type Fruit = Vec<i64>;
    type Child = SegmentIds;

    fn for_segment(&self, _: tantivy::SegmentOrdinal, reader: &tantivy::SegmentReader) -> tantivy::Result<SegmentIds> {
        Ok(SegmentIds { ids: reader.fast_fields().u64(self.0)?, found: vec![] })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<i64>>) -> tantivy::Result<Vec<i64>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentIds {
    type Fruit = Vec<i64>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        self.found.extend(self.ids.first(doc).and_then(|id| i64::try_from(id).ok()));
    }

    fn harvest(self) -> Vec<i64> {
        self.found
    }
}

/// Matches counted in total, by kind and by agency, from the fast columns in one pass.
#[derive(Default)]
struct Tally {
    total: u64,
    kinds: HashMap<String, u64>,
    agencies: HashMap<String, u64>,
}

struct TallyCollector;

struct SegmentTally {
    total: u64,
    kind: tantivy::columnar::StrColumn,
    agency: tantivy::columnar::Column<u64>,
    /// Counts per kind ordinal (a handful) and per agency id (small numbers, so a vector; any
    /// unexpectedly large id is counted apart).
    kinds: Vec<u64>,
    agencies: Vec<u64>,
    large_agencies: HashMap<u64, u64>,
    /// Column values of one block of documents.
    kind_buf: Vec<Option<u64>>,
    agency_buf: Vec<Option<u64>>,
}

impl SegmentTally {
    fn count(&mut self, kind: Option<u64>, agency: Option<u64>) {
        if let Some(k) = kind.and_then(|k| self.kinds.get_mut(k as usize)) {
            *k += 1;
        }
        match agency {
            Some(a) if a < 1 << 16 => {
                let a = a as usize;
                if a >= self.agencies.len() {
                    self.agencies.resize(a + 1, 0);
                }
                self.agencies[a] += 1;
            }
            Some(a) => *self.large_agencies.entry(a).or_default() += 1,
            None => {}
        }
    }
}

impl Collector for TallyCollector {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let fast = reader.fast_fields();
        let kind = fast.str("kind")?.ok_or_else(|| tantivy::TantivyError::SchemaError("kind is not fast".into()))?;
        let kinds = vec![0; kind.num_terms()];
        let agency = fast.u64("agency_id")?;
        Ok(SegmentTally {
            total: 0,
            kind,
            agency,
            kinds,
            agencies: vec![],
            large_agencies: HashMap::new(),
            kind_buf: vec![],
            agency_buf: vec![],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for t in segments {
            all.total += t.total;
            for (k, n) in t.kinds {
                *all.kinds.entry(k).or_default() += n;
            }
            for (a, n) in t.agencies {
                *all.agencies.entry(a).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Tally;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        self.total += 1;
        let (kind, agency) = (self.kind.ords().first(doc), self.agency.first(doc));
        self.count(kind, agency);
    }

    fn collect_block(&mut self, docs: &[tantivy::DocId]) {
        self.total += docs.len() as u64;
        let (mut kinds, mut agencies) = (std::mem::take(&mut self.kind_buf), std::mem::take(&mut self.agency_buf));
        kinds.resize(docs.len(), None);
        agencies.resize(docs.len(), None);
        self.kind.ords().first_vals(docs, &mut kinds);
        self.agency.first_vals(docs, &mut agencies);
        for (k, a) in kinds.iter().zip(&agencies) {
            self.count(*k, *a);
        }
        (self.kind_buf, self.agency_buf) = (kinds, agencies);
    }

    fn harvest(self) -> Tally {
        let mut kinds = HashMap::new();
        for (ord, n) in self.kinds.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            let mut name = String::new();
            if self.kind.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                kinds.insert(name, n);
            }
        }
        let small = self.agencies.into_iter().enumerate().filter(|(_, n)| *n > 0).map(|(a, n)| (a as u64, n));
        let agencies = small.chain(self.large_agencies).map(|(a, n)| (a.to_string(), n)).collect();
        Tally { total: self.total, kinds, agencies }
    }
}

fn text(doc: &TantivyDocument, f: Field) -> String {
    doc.get_first(f).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn hit(idx: &SearchIndex, doc: &TantivyDocument, q: &str) -> Hit {
    let f = &idx.fields;
    let key = text(doc, f.key);
    let kind = text(doc, f.kind);
    let cid = doc.get_first(f.consultation_id).and_then(|v| v.as_u64()).unwrap_or(0);
    let anchor = text(doc, f.anchor);
    let status = text(doc, f.status);
    let id = key.rsplit(':').next().unwrap_or_default().to_string();
    let url = match kind.as_str() {
        // The page that begins with the comment (its list is read from a cursor).
        "comment" if status == "approved" => {
            let before = id.parse::<i64>().map_or(0, |n| n.saturating_sub(1).max(0));
            format!("/consultations/{cid}/comments?article={anchor}&after={before}#c{id}")
        }
        "comment" => format!("/staff/consultations/{cid}#c{id}"),
        "article" => format!("/consultations/{cid}#{anchor}"),
        "report" => format!("/consultations/{cid}/report"),
        "document" => format!("/documents/{id}"),
        "call" => format!("/legislation/{id}"),
        "proposal" => format!("/legislation/{anchor}?proposal={id}#p{id}"),
        "version" => format!("/documents/{anchor}#v{id}"),
        "objection" => format!("/documents/{anchor}#o{id}"),
        "cleanup" => format!("/cleanups/{id}"),
        "plan_item" => format!("/legislation/items/{id}"),
        _ => format!("/consultations/{cid}"),
    };
    let body = text(doc, f.text);
    let title = text(doc, f.title);
    let source = if body.is_empty() { &title } else { &body };
    Hit {
        kind,
        title: title.clone(),
        url,
        snippet: snippet(source, q, 60),
        created_at: doc.get_first(f.created_at).and_then(|v| v.as_i64()).unwrap_or(0),
        status: (!status.is_empty()).then_some(status),
    }
}

/// Up to `width` characters around the first match of any query word, matches highlighted.
pub fn snippet(text: &str, q: &str, width: usize) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = text.to_lowercase().chars().collect();
    let words: Vec<Vec<char>> = q
        .split_whitespace()
        .map(|w| w.trim_matches('"').to_lowercase().chars().collect::<Vec<char>>())
        .filter(|w| !w.is_empty())
        .collect();
    // Lower-casing can change length for a few scripts; then skip highlighting rather than misplace it.
    let comparable = lower.len() == chars.len();
    let matches_at = |i: usize| words.iter().find(|w| comparable && lower[i..].starts_with(w)).map(|w| w.len());
    let first = (0..chars.len()).find(|&i| matches_at(i).is_some()).unwrap_or(0);
    let start = first.saturating_sub(width / 4);
    let end = (start + width).min(chars.len());
    let mut out: Vec<Segment> = Vec::new();
    let mut i = start;
    while i < end {
        let (len, hit) = match matches_at(i) {
            Some(n) => (n.min(end - i), true),
            None => (1, false),
        };
        let piece: String = chars[i..i + len].iter().collect();
        match out.last_mut() {
            Some(last) if last.hit == hit && !hit => last.text.push_str(&piece),
            _ => out.push(Segment { text: piece, hit }),
        }
        i += len;
    }
    if start > 0 {
        out.insert(0, Segment { text: "…".into(), hit: false });
    }
    if end < chars.len() {
        out.push(Segment { text: "…".into(), hit: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snippet;

    fn render(segments: &[super::Segment]) -> String {
        segments.iter().map(|s| if s.hit { format!("[{}]", s.text) } else { s.text.clone() }).collect()
    }

    #[test]
    fn a_snippet_centres_on_the_first_match_and_marks_every_word() {
        let text =
            format!("{}建议在老旧小区增设充电设施，充电设施应由物业统一维护。{}", "前言".repeat(40), "结尾".repeat(40));
        let s = render(&snippet(&text, "充电设施 物业", 40));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("[充电设施]，[充电设施]应由[物业]"), "{s}");
    }

    #[test]
    fn latin_words_match_regardless_of_case_and_short_texts_are_whole() {
        assert_eq!(render(&snippet("Please add an English summary", "english", 80)), "Please add an [English] summary");
        assert_eq!(render(&snippet("没有匹配的内容", "充电", 80)), "没有匹配的内容");
    }
}
