use super::*;

fn same(s: &str) -> Piece {
    Piece::Same(s.to_owned())
}
fn removed(s: &str) -> Piece {
    Piece::Removed(s.to_owned())
}
fn added(s: &str) -> Piece {
    Piece::Added(s.to_owned())
}

/// The old text is Same + Removed, the new text Same + Added.
fn sides(pieces: &[Piece]) -> (String, String) {
    let (mut old, mut new) = (String::new(), String::new());
    for piece in pieces {
        match piece {
            Piece::Same(s) => {
                old.push_str(s);
                new.push_str(s);
            }
            Piece::Removed(s) => old.push_str(s),
            Piece::Added(s) => new.push_str(s),
        }
    }
    (old, new)
}

#[test]
fn an_insertion_beside_repeated_text_starts_and_ends_at_punctuation() {
    let pieces = text_diff("（三）夜间维持不变。", "（三）短时免费；\n（四）夜间维持不变。");
    assert_eq!(
        pieces,
        vec![
            Piece::Same("（三）".into()),
            Piece::Added("短时免费；\n（四）".into()),
            Piece::Same("夜间维持不变。".into()),
        ]
    );
    let pieces = text_diff("甲，乙，丙。", "甲，丙。");
    assert_eq!(pieces, vec![Piece::Same("甲，".into()), Piece::Removed("乙，".into()), Piece::Same("丙。".into())]);
}

#[test]
fn an_untouched_article_is_one_same_piece() {
    let text = "养犬人应当为犬只佩戴犬牌。";
    assert_eq!(text_diff(text, text), vec![same(text)]);
}

#[test]
fn a_changed_deadline_shows_exactly_the_changed_words() {
    // "十五" → "三十" share "十"; that one character is folded into the change.
    let pieces = text_diff("申请人应当在十五日内提交材料。", "申请人应当在三十日内提交材料。");
    assert_eq!(pieces, vec![same("申请人应当在"), removed("十五"), added("三十"), same("日内提交材料。")]);
}

#[test]
fn words_inserted_at_the_start_or_the_end_are_additions() {
    assert_eq!(text_diff("应当登记。", "养犬人应当登记。"), vec![added("养犬人"), same("应当登记。")]);
    assert_eq!(text_diff("应当登记", "应当登记，并免疫。"), vec![same("应当登记"), added("，并免疫。")]);
    assert_eq!(text_diff("养犬人应当登记。", "应当登记。"), vec![removed("养犬人"), same("应当登记。")]);
}

#[test]
fn empty_texts_are_all_added_or_all_removed() {
    assert_eq!(text_diff("", ""), Vec::<Piece>::new());
    assert_eq!(text_diff("", "新增条款。"), vec![added("新增条款。")]);
    assert_eq!(text_diff("删除条款。", ""), vec![removed("删除条款。")]);
}

#[test]
fn mixed_scripts_and_emoji_never_split_a_character() {
    let cases = [
        ("罚款2000元😀", "罚款5000元😃"),
        ("第1款：a、b、c", "第2款：a、c、d"),
        ("𠀀𠀁𠀂", "𠀁𠀂𠀃"),
        ("abc", "xyz"),
        ("甲乙丙丁", "丁丙乙甲"),
    ];
    for (old, new) in cases {
        let pieces = text_diff(old, new);
        assert_eq!(sides(&pieces), (old.to_owned(), new.to_owned()), "{old} → {new}");
        assert!(pieces
            .iter()
            .all(|p| !matches!(p, Piece::Same(s) | Piece::Removed(s) | Piece::Added(s) if s.is_empty())));
    }
    assert_eq!(
        text_diff("罚款2000元😀", "罚款5000元😃"),
        vec![same("罚款"), removed("2"), added("5"), same("000元"), removed("😀"), added("😃")]
    );
}

#[test]
fn a_single_shared_character_between_changes_is_folded_but_longer_runs_stay() {
    assert_eq!(text_diff("甲乙丙", "丁乙戊"), vec![removed("甲乙丙"), added("丁乙戊")]);
    assert_eq!(
        text_diff("甲乙乙丙", "丁乙乙戊"),
        vec![removed("甲"), added("丁"), same("乙乙"), removed("丙"), added("戊")]
    );
}

#[test]
fn a_rewrite_too_large_to_compare_is_shown_as_removed_then_added() {
    // 3,000 × 3,000 characters after trimming is past the cell limit, though they share much.
    let old = "ab".repeat(1_500);
    let new = "ba".repeat(1_500);
    assert_eq!(text_diff(&old, &new), vec![removed(&old), added(&new)]);
    // The common prefix and suffix are still shown as such.
    let (old2, new2) = (format!("第一款{old}。"), format!("第一款{new}。"));
    assert_eq!(text_diff(&old2, &new2), vec![same("第一款"), removed(&old), added(&new), same("。")]);
    // Just under the limit the real diff is computed.
    let (small_old, small_new) = ("ab".repeat(900), "ba".repeat(900));
    let pieces = text_diff(&small_old, &small_new);
    assert!(pieces.iter().any(|p| matches!(p, Piece::Same(s) if s.len() > 100)));
    assert_eq!(sides(&pieces), (small_old, small_new));
}

#[test]
fn a_revision_too_large_to_align_shows_the_changed_articles_deleted_then_added() {
    // 1,001 × 1,001 changed articles between an identical first and last one: past the limit.
    let bodies_old: Vec<String> = (0..1_003).map(|k| format!("旧条款{k}的内容。")).collect();
    let mut bodies_new: Vec<String> = (0..1_003).map(|k| format!("新规定{k}另行表述。")).collect();
    bodies_new[0] = bodies_old[0].clone();
    bodies_new[1_002] = bodies_old[1_002].clone();
    let labels: Vec<String> = (0..1_003).map(|k| format!("第{k}条")).collect();
    let old: Vec<OldArticle> =
        (0..1_003).map(|k| OldArticle { anchor: &labels[k], label: &labels[k], body: &bodies_old[k] }).collect();
    let new: Vec<NewArticle> = (0..1_003).map(|k| NewArticle { label: &labels[k], body: &bodies_new[k] }).collect();
    let revisions = compare(&old, &new);
    let changes: Vec<Change> = revisions.iter().map(|r| r.change).collect();
    assert_eq!(changes.len(), 2 + 1_001 * 2);
    assert_eq!((changes[0], changes[changes.len() - 1]), (Change::Unchanged, Change::Unchanged));
    assert!(changes[1..=1_001].iter().all(|c| *c == Change::Deleted));
    assert!(changes[1_002..changes.len() - 1].iter().all(|c| *c == Change::Added));
    // Just within the limit (998 × 998), articles revised in place still pair by content.
    let edited: Vec<String> = bodies_old.iter().map(|b| format!("{b}另有修改")).collect();
    let new: Vec<NewArticle> = (0..999).map(|k| NewArticle { label: &labels[k], body: &edited[k] }).collect();
    let mut new = new;
    new[0].body = &bodies_old[0];
    let revisions = compare(&old[..999], &new);
    assert_eq!(revisions.len(), 999);
    assert!(revisions[1..].iter().all(|r| r.change == Change::Revised));
}

const A1: &str = "为了规范城市养犬行为，保障公民健康和人身安全，维护市容环境和社会公共秩序，制定本条例。";
const A2: &str = "本市行政区域内养犬和与养犬有关的管理活动，适用本条例。";
const A3: &str = "养犬管理工作遵循政府监管、部门协作、基层参与、养犬人自律的原则。";
const A4: &str = "养犬人应当在犬只出户时为其佩戴犬牌并束犬链，犬链长度不得超过二米。";
const A5: &str = "禁止携带犬只进入学校、医院、商场等公共场所。";

fn consulted() -> Vec<OldArticle<'static>> {
    let labels = ["第一条", "第二条", "第三条", "第四条", "第五条"];
    let anchors = ["a1", "a2", "a3", "a4", "a5"];
    let bodies = [A1, A2, A3, A4, A5];
    (0..5).map(|k| OldArticle { anchor: anchors[k], label: labels[k], body: bodies[k] }).collect()
}

fn revised(bodies: &[&'static str]) -> Vec<NewArticle<'static>> {
    let labels = ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条"];
    bodies.iter().zip(labels).map(|(&body, label)| NewArticle { label, body }).collect()
}

/// (change, old anchor, new label) of each revision.
fn outline(revisions: &[ArticleRevision]) -> Vec<(Change, Option<&str>, Option<&str>)> {
    revisions.iter().map(|r| (r.change, r.old_anchor.as_deref(), r.new_label.as_deref())).collect()
}

#[test]
fn an_inserted_article_renumbers_the_rest_which_still_pair_with_their_old_anchors() {
    let inserted = "市、区人民政府应当加强对养犬管理工作的领导，将所需经费纳入财政预算。";
    let a4_revised = "养犬人应当在犬只出户时为其佩戴犬牌并束犬链，犬链长度不得超过一点五米。";
    let new = revised(&[A1, inserted, A2, A3, a4_revised, A5]);
    let revisions = compare(&consulted(), &new);
    assert_eq!(
        outline(&revisions),
        vec![
            (Change::Unchanged, Some("a1"), Some("第一条")),
            (Change::Added, None, Some("第二条")),
            (Change::Unchanged, Some("a2"), Some("第三条")),
            (Change::Unchanged, Some("a3"), Some("第四条")),
            (Change::Revised, Some("a4"), Some("第五条")),
            (Change::Unchanged, Some("a5"), Some("第六条")),
        ]
    );
    assert_eq!(revisions[1].pieces, vec![added(inserted)]);
    assert_eq!(revisions[2].old_label.as_deref(), Some("第二条"));
    assert!(revisions[2].pieces.is_empty());
    assert_eq!(
        revisions[4].pieces,
        vec![
            same("养犬人应当在犬只出户时为其佩戴犬牌并束犬链，犬链长度不得超过"),
            removed("二"),
            added("一点五"),
            same("米。"),
        ]
    );
}

#[test]
fn a_deleted_article_stays_where_it_stood_and_the_rest_move_up() {
    let revisions = compare(&consulted(), &revised(&[A1, A2, A4, A5]));
    assert_eq!(
        outline(&revisions),
        vec![
            (Change::Unchanged, Some("a1"), Some("第一条")),
            (Change::Unchanged, Some("a2"), Some("第二条")),
            (Change::Deleted, Some("a3"), None),
            (Change::Unchanged, Some("a4"), Some("第三条")),
            (Change::Unchanged, Some("a5"), Some("第四条")),
        ]
    );
    assert_eq!(revisions[2].old_label.as_deref(), Some("第三条"));
    assert_eq!(revisions[2].pieces, vec![removed(A3)]);
}

#[test]
fn a_revised_article_keeps_its_place_and_shows_its_edits() {
    let a3_revised = "养犬管理工作遵循政府监管、部门协作、基层参与、社会监督、养犬人自律的原则。";
    let revisions = compare(&consulted(), &revised(&[A1, A2, a3_revised, A4, A5]));
    assert_eq!(revisions.len(), 5);
    assert_eq!(outline(&revisions)[2], (Change::Revised, Some("a3"), Some("第三条")));
    assert_eq!(
        revisions[2].pieces,
        vec![same("养犬管理工作遵循政府监管、部门协作、基层参与、"), added("社会监督、"), same("养犬人自律的原则。"),]
    );
    assert!(revisions.iter().enumerate().all(|(k, r)| k == 2 || r.change == Change::Unchanged));
}

#[test]
fn an_article_rewritten_beyond_recognition_is_deleted_then_added_in_its_place() {
    let replacement = "犬只伤人的，养犬人应当立即将被伤害人送至医疗机构诊治，并先行垫付医疗费用。";
    let revisions = compare(&consulted(), &revised(&[A1, A2, A3, replacement, A5]));
    assert_eq!(
        outline(&revisions),
        vec![
            (Change::Unchanged, Some("a1"), Some("第一条")),
            (Change::Unchanged, Some("a2"), Some("第二条")),
            (Change::Unchanged, Some("a3"), Some("第三条")),
            (Change::Deleted, Some("a4"), None),
            (Change::Added, None, Some("第四条")),
            (Change::Unchanged, Some("a5"), Some("第五条")),
        ]
    );
}

#[test]
fn a_draft_sent_back_unchanged_is_unchanged_throughout() {
    let revisions = compare(&consulted(), &revised(&[A1, A2, A3, A4, A5]));
    assert_eq!(revisions.len(), 5);
    assert!(revisions.iter().all(|r| r.change == Change::Unchanged && r.pieces.is_empty()));
    let anchors: Vec<_> = revisions.iter().filter_map(|r| r.old_anchor.as_deref()).collect();
    assert_eq!(anchors, ["a1", "a2", "a3", "a4", "a5"]);
}

#[test]
fn comparing_with_an_empty_draft_deletes_or_adds_everything() {
    let old = consulted();
    assert!(compare(&[], &[]).is_empty());
    assert!(compare(&old, &[]).iter().all(|r| r.change == Change::Deleted));
    let added_all = compare(&[], &revised(&[A1, A2]));
    assert_eq!(outline(&added_all), vec![(Change::Added, None, Some("第一条")), (Change::Added, None, Some("第二条"))]);
}
