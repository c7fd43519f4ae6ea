//! Near-duplicate grouping benchmark: wall time and memory of `app::near_duplicates::group` on a
//! deterministic corpus of comments on a draft regulation, and a check that every campaign letter's
//! copies end up in one group while no individual comment is swept into a campaign.
//!
//! `cargo bench -p server --bench grouping -- [--comments 100000]`
//!
//! 40% of the corpus are individual comments composed from phrases on the draft's topics; the rest
//! are copies of ten campaign letters (300–800 characters), each copy with a few characters changed,
//! inserted or deleted, and often the signer's name or one sentence replaced. Exits non-zero when a
//! campaign is split or merged with another, or an individual comment lands in a campaign's group.
//!
//! Memory: the workspace forbids `unsafe`, which rules out a counting `#[global_allocator]`. Instead the
//! process's peak resident set (VmHWM) is reset through `/proc/self/clear_refs` just before grouping, and
//! its growth over the resident set at that moment is what the grouping needed (Linux only).
mod common;

use app::near_duplicates::group;
use common::{arg_or, Rng};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

const OPENERS: [&str; 16] = [
    "我是本市居民，",
    "作为一名社区工作者，",
    "本人是一名出租车司机，",
    "我是一名退休教师，",
    "作为外卖骑手，",
    "我是小区业主委员会成员，",
    "作为一名执业律师，",
    "我在街道办工作多年，",
    "本人经营一家小餐馆，",
    "作为两个孩子的家长，",
    "我是一名大学生，",
    "我从事物业管理工作，",
    "我是快递公司的站点负责人，",
    "作为一名医生，",
    "我住在城郊结合部，",
    "",
];
const SUBJECTS: [&str; 20] = [
    "草案第{}条关于电动自行车登记的规定",
    "关于养犬登记和牵绳的条款",
    "草案对占道经营的处罚规定",
    "关于垃圾分类投放时间的要求",
    "草案中噪声管理的相关内容",
    "关于停车收费标准的条款",
    "第{}条规定的听证程序",
    "关于物业费调整的规定",
    "草案对共享单车停放的管理要求",
    "关于老旧小区加装电梯的条款",
    "关于夜市摊点管理的规定",
    "草案中公共场所禁烟的范围",
    "关于违法建筑拆除的程序",
    "第{}条设定的罚款幅度",
    "关于社区养老服务设施的规定",
    "草案对网约车准入条件的要求",
    "关于学校周边交通管理的条款",
    "关于河道保护范围的划定",
    "草案中关于行政执法公示的内容",
    "关于停车位配建标准的规定",
];
const OPINIONS: [&str; 20] = [
    "过于严格，普通群众难以做到",
    "表述不够清晰，容易产生不同理解",
    "缺少对困难群体的照顾",
    "与上位法的规定不一致",
    "执行起来成本太高",
    "没有考虑到实际情况",
    "处罚幅度明显偏重",
    "总体上是合理的，我表示支持",
    "规定得太笼统，缺乏可操作性",
    "给执法部门留下的裁量空间过大",
    "对经营者的要求不太公平",
    "出发点很好，但细节还需完善",
    "和现行做法差别太大",
    "没有规定明确的办理时限",
    "可能会增加基层的负担",
    "缺少公众参与的环节",
    "对违法行为的界定比较模糊",
    "没有区分首次违法和多次违法",
    "在农村地区很难落实",
    "可能影响小微企业的正常经营",
];
const REASONS: [&str; 20] = [
    "因为很多老年人不会使用手机办理",
    "因为我们小区根本没有足够的空间",
    "因为执法人员数量有限",
    "因为周边城市都没有类似的要求",
    "因为这会直接影响很多家庭的收入",
    "因为过去几年的试点效果并不理想",
    "因为相关配套设施还没有建好",
    "因为群众对这项政策还不了解",
    "因为每天早晚高峰都非常拥堵",
    "因为部分商户已经签了长期租约",
    "因为夜间施工的噪声已经影响休息",
    "因为现有的投诉渠道很不畅通",
    "因为很多外来务工人员没有固定住所",
    "因为收费标准多年没有公开",
    "因为孩子上下学的安全隐患很大",
    "因为河边的违建已经存在十多年",
    "因为小区老人越来越多",
    "因为网上办理系统经常出故障",
    "因为处罚之后没有任何整改指导",
    "因为不同部门之间经常互相推诿",
];
const SUGGESTIONS: [&str; 20] = [
    "建议增加六个月的过渡期",
    "建议对低收入家庭减免相关费用",
    "建议明确由哪个部门负责",
    "建议在社区设立便民办理点",
    "建议先在部分街道试点再推广",
    "建议将罚款改为警告和教育",
    "建议公开征求行业协会的意见",
    "建议增加书面告知和申辩程序",
    "建议规定三十日的办理期限",
    "建议政府加大财政补贴力度",
    "建议设立专门的投诉举报电话",
    "建议每年公布执行情况报告",
    "建议删除这一条款",
    "建议与相邻城市的标准保持一致",
    "建议细化不同情形的处罚标准",
    "建议保留现行的做法",
    "建议增加对执法人员的监督条款",
    "建议允许通过网上平台办理",
    "建议在高峰时段实行弹性管理",
    "建议听取居民代表的意见后再定",
];
const CLOSERS: [&str; 8] =
    ["以上意见供参考。", "希望能够采纳。", "谢谢！", "请予考虑。", "盼复。", "恳请立法机关重视。", "", "望尽快修改。"];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰";
/// Characters a signer's edits bring in.
const EDITS: &str = "的了是在我们不有这个也就人都和要会对说到";
const CAMPAIGNS: usize = 10;

/// Choosing a character to change in a copy.
fn char_of(rng: &mut Rng, chars: &str) -> char {
    let n = chars.chars().count();
    chars.chars().nth(rng.below(n)).unwrap_or('的')
}

fn sentence(rng: &mut Rng) -> String {
    let subject = rng.pick(&SUBJECTS).replace("{}", &(1 + rng.below(80)).to_string());
    let (opinion, reason, suggestion) = (rng.pick(&OPINIONS), rng.pick(&REASONS), rng.pick(&SUGGESTIONS));
    format!("{subject}{opinion}，{reason}，{suggestion}。")
}

fn name(rng: &mut Rng) -> String {
    let mut name = String::from(char_of(rng, SURNAMES));
    for _ in 0..1 + rng.below(2) {
        name.push(char_of(rng, GIVEN));
    }
    name
}

/// One citizen's own comment: an opener, three to seven sentences, a closing line.
fn individual(rng: &mut Rng) -> String {
    let mut text = rng.pick(&OPENERS).to_string();
    for _ in 0..3 + rng.below(5) {
        text.push_str(&sentence(rng));
    }
    text.push_str(rng.pick(&CLOSERS));
    text
}

/// A campaign letter as parts: salutation, opener, 6 to 14 sentences, closing line, signature.
fn letter(rng: &mut Rng) -> Vec<String> {
    let mut parts = vec!["尊敬的市人大常委会法制工作委员会：".to_string(), rng.pick(&OPENERS).to_string()];
    parts.extend((0..6 + rng.below(9)).map(|_| sentence(rng)));
    parts.push("以上意见由我们联名提出，恳请予以采纳。".to_string());
    parts.push(format!("联名人：{}", name(rng)));
    parts
}

/// One more signer's copy: up to four characters changed, inserted or deleted, and in half the copies
/// the signer's own name or, in a fifth, one sentence of their own.
fn copy(letter: &[String], rng: &mut Rng) -> String {
    let mut parts = letter.to_vec();
    match rng.below(10) {
        0..5 => *parts.last_mut().expect("a letter has a signature") = format!("联名人：{}", name(rng)),
        5..7 => {
            let at = 2 + rng.below(parts.len() - 4);
            parts[at] = sentence(rng);
        }
        _ => {}
    }
    let mut chars: Vec<char> = parts.concat().chars().collect();
    for _ in 0..rng.below(5) {
        let at = rng.below(chars.len());
        match rng.below(3) {
            0 => chars[at] = char_of(rng, EDITS),
            1 => chars.insert(at, char_of(rng, EDITS)),
            _ => _ = chars.remove(at),
        }
    }
    chars.into_iter().collect()
}

/// `None` for an individual comment, else the campaign it copies.
fn corpus(n: usize) -> (Vec<String>, Vec<Option<usize>>) {
    let mut rng = Rng::new(0x853C_49E6_748F_EA9B);
    let letters: Vec<Vec<String>> = (0..CAMPAIGNS).map(|_| letter(&mut rng)).collect();
    (0..n)
        .map(|_| {
            if rng.below(10) < 4 {
                (individual(&mut rng), None)
            } else {
                let campaign = rng.below(CAMPAIGNS);
                (copy(&letters[campaign], &mut rng), Some(campaign))
            }
        })
        .unzip()
}

/// A `kB` field of `/proc/self/status`, in MB.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn mb(value: Option<f64>) -> String {
    value.map_or("n/a".to_string(), |v| format!("{v:.1} MB"))
}

/// How the groups found compare with the campaigns the corpus was made of.
struct Outcome {
    groups: usize,
    largest: usize,
    /// Campaigns whose copies are in more than one group.
    split: usize,
    /// Groups holding copies of more than one campaign.
    merged: usize,
    /// Individual comments in a group with campaign copies.
    swept: usize,
    /// Individual comments grouped with other individual comments only.
    paired: usize,
}

fn outcome(kinds: &[Option<usize>], representatives: &[i64]) -> Outcome {
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    let mut campaigns: HashMap<i64, HashSet<usize>> = HashMap::new();
    let mut groups_of: Vec<HashSet<i64>> = vec![HashSet::new(); CAMPAIGNS];
    for (kind, &representative) in kinds.iter().zip(representatives) {
        *sizes.entry(representative).or_default() += 1;
        if let Some(c) = *kind {
            campaigns.entry(representative).or_default().insert(c);
            groups_of[c].insert(representative);
        }
    }
    let individuals = || kinds.iter().zip(representatives).filter(|(kind, _)| kind.is_none()).map(|(_, r)| r);
    let swept = individuals().filter(|r| campaigns.contains_key(r)).count();
    Outcome {
        groups: sizes.len(),
        largest: sizes.values().copied().max().unwrap_or(0),
        split: groups_of.iter().filter(|groups| groups.len() > 1).count(),
        merged: campaigns.values().filter(|c| c.len() > 1).count(),
        swept,
        paired: individuals().filter(|r| sizes[r] > 1).count() - swept,
    }
}

fn main() {
    let n: usize = arg_or("--comments", 100_000);
    let (bodies, kinds) = corpus(n);
    let comments: Vec<(i64, &str)> = bodies.iter().enumerate().map(|(i, b)| (i as i64 + 1, b.as_str())).collect();
    let chars: usize = bodies.iter().map(|b| b.chars().count()).sum();
    let copies = kinds.iter().flatten().count();

    let corpus_hwm = status_mb("VmHWM:");
    // Writing 5 resets VmHWM to the current resident set, so the next peak is the grouping's own.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_mb("VmRSS:");
    let started = Instant::now();
    let representatives = group(&comments);
    let seconds = started.elapsed().as_secs_f64();
    let grouping_hwm = status_mb("VmHWM:");
    let growth = grouping_hwm.zip(before).filter(|_| reset).map(|(after, before)| after - before);
    let o = outcome(&kinds, &representatives);

    println!("grouping {n} comments: {} individual, {copies} copies of {CAMPAIGNS} campaign letters", n - copies);
    println!("  average length                       {:.0} characters", chars as f64 / n.max(1) as f64);
    println!("  groups found                         {}", o.groups);
    println!("  largest group                        {}", o.largest);
    println!("  campaigns split over several groups  {} of {CAMPAIGNS}", o.split);
    println!("  groups mixing two campaigns          {}", o.merged);
    println!("  individual comments in a campaign    {}", o.swept);
    println!("  individual comments paired up        {}", o.paired);
    println!("  wall time                            {seconds:.3} s");
    println!("  memory grown while grouping          {} (peak RSS over RSS before)", mb(growth));
    println!(
        "  process VmHWM                        {}",
        mb(corpus_hwm.into_iter().chain(grouping_hwm).reduce(f64::max))
    );
    if o.split > 0 || o.merged > 0 || o.swept > 0 {
        eprintln!("FAIL: campaign copies and individual comments were not told apart");
        std::process::exit(1);
    }
}
