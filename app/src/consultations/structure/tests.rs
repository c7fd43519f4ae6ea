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
    for text in
        ["", "abc", "百", "十十", "一百一", "一百十", "二十零", "一百零", "零一", "一一", "一千", "1十", "十2", "🚲"]
    {
        assert_eq!(numeral_value(text), None, "{text}");
    }
}

#[test]
fn the_drafts_own_title_is_not_offered_for_comment() {
    let parsed = without_title(parse_draft(DRAFT));
    assert_eq!(anchors(&parsed), ["a1", "a2", "a3", "a4", "a5", "a6"]);
    assert!(unrecognised(&parsed).iter().all(|(_, text)| !text.contains("管理条例（草案）")));
    // A preamble that says something stays, to be commented on.
    let preamble = "为了规范管理，根据有关法律，结合本市实际，制定本条例。\n第一条 本条例适用于本市。";
    assert_eq!(anchors(&without_title(parse_draft(preamble))), ["t1", "a1"]);
    // A title followed by a preamble: the title goes, the preamble stays.
    let both =
        without_title(parse_draft("某市养犬管理条例（草案）\n为了规范养犬，制定本条例。\n第一条 本条例适用于本市。"));
    assert_eq!((anchors(&both), both.blocks[0].body.as_str()), (vec!["t1", "a1"], "为了规范养犬，制定本条例。"));
    assert_eq!(unrecognised(&both), [(2, "为了规范养犬，制定本条例。")]);
    // A short line that names no kind of document is not taken for the title.
    let odd = without_title(parse_draft("【F1】备注\n第一条 本条例适用于本市。"));
    assert_eq!(anchors(&odd), ["t1", "a1"]);
    // Text with no article at all is never emptied.
    let notice = "关于征求意见的通知\n第一章 总则\n";
    assert_eq!(anchors(&without_title(parse_draft(notice))), ["t1"]);
}
