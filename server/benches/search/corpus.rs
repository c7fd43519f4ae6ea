//! A deterministic generator of realistic Chinese public comments (our own vocabulary), for benchmarks.

/// xorshift64*: tiny, fast, and the same sequence on every machine and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Subjects people write about (three or more characters, so every engine compared can match them).
pub const TOPICS: &[&str] = &[
    "电动自行车",
    "充电设施",
    "物业公司",
    "业主委员会",
    "停车收费",
    "垃圾分类",
    "厨余垃圾",
    "公共交通",
    "老旧小区",
    "加装电梯",
    "养犬管理",
    "噪声污染",
    "消防通道",
    "学校周边",
    "外卖骑手",
    "共享单车",
    "行政处罚",
    "罚款数额",
    "过渡期限",
    "执法程序",
    "社区医院",
    "养老服务",
    "无障碍设施",
    "绿化用地",
    "地下车库",
    "夜间施工",
    "占道经营",
    "农贸市场",
    "水价调整",
    "供暖费用",
    "网约车辆",
    "快递包装",
];

const OPENERS: &[&str] = &[
    "我认为",
    "建议",
    "希望",
    "作为一名普通市民，我觉得",
    "本人长期居住在本市，",
    "针对草案中的规定，",
    "从实际执行情况看，",
    "我们小区的居民普遍反映，",
    "经过认真阅读草案，",
];
const CLAIMS: &[&str] = &[
    "应当进一步明确责任主体",
    "需要设置合理的过渡期",
    "罚款标准偏高，建议区分情节",
    "应当听取基层群众的意见",
    "条文表述不够清楚，容易产生歧义",
    "执行中可能增加群众负担",
    "应当与现行法规衔接",
    "建议增加具体的操作细则",
    "应当加强部门之间的协调配合",
    "可以借鉴其他城市的成熟做法",
    "要兼顾公平和效率",
    "应当公开办理流程和时限",
];
const REASONS: &[&str] = &[
    "因为目前很多小区缺少相应条件",
    "否则基层很难落实",
    "这样才能真正保护群众的合法权益",
    "这关系到每个家庭的日常生活",
    "以免出现一刀切的情况",
    "同时减少执法过程中的矛盾",
    "毕竟老年人和残疾人出行不便",
    "而且相关费用应当向社会公开",
];
const PLACES: &[&str] = &["城东区", "城西区", "高新区", "江北新区", "老城区", "开发区", "南湖街道", "北苑社区"];

/// One comment of 200–800 characters.
pub fn comment(rng: &mut Rng) -> String {
    let target = 200 + rng.below(601);
    let mut s = String::new();
    while s.chars().count() < target {
        let topic = rng.pick(TOPICS);
        let sentence = match rng.below(4) {
            0 => format!("{}关于{}的规定{}，{}。", rng.pick(OPENERS), topic, rng.pick(CLAIMS), rng.pick(REASONS)),
            1 => format!("在{}，{}问题比较突出，{}。", rng.pick(PLACES), topic, rng.pick(CLAIMS)),
            2 => format!("{}{}和{}应当统筹考虑，{}。", rng.pick(OPENERS), topic, rng.pick(TOPICS), rng.pick(REASONS)),
            _ => format!("第{}条中有关{}的内容{}。", 1 + rng.below(60), topic, rng.pick(CLAIMS)),
        };
        s.push_str(&sentence);
    }
    s.chars().take(target).collect()
}

/// A two-word query over the topics.
pub fn query(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(TOPICS), rng.pick(TOPICS))
}
