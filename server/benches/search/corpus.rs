//! A deterministic generator of realistic Chinese public comments (our own vocabulary), for benchmarks.
//!
//! Words follow Zipf's law, as in real text: a few subjects (停车位, 物业费) turn up in many comments,
//! while most place names, people and numbers are rare. Queries draw their words from the same
//! distributions, so common words are searched often and rare ones seldom.

use crate::common::Rng;

/// Words with Zipf-distributed frequencies: the word of rank r is drawn with probability ∝ 1/r.
pub struct Zipf {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(words: Vec<String>) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Zipf { words, cumulative }
    }

    pub fn draw(&self, rng: &mut Rng) -> &str {
        let x = rng.unit() * self.cumulative.last().copied().unwrap_or(0.0);
        let i = self.cumulative.partition_point(|&c| c < x).min(self.words.len() - 1);
        &self.words[i]
    }
}

/// Subjects people write about, all of three or more characters so that every engine compared
/// (FTS5's trigram tokenizer needs three) can match them. Listed roughly most common first.
const SUBJECTS: &[&str] = &[
    "停车位",
    "物业费",
    "电动自行车",
    "充电桩",
    "垃圾分类",
    "老旧小区",
    "加装电梯",
    "业主委员会",
    "公共交通",
    "噪声扰民",
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
    "网约车",
    "快递包装",
    "厨余垃圾",
    "生活垃圾",
    "建筑垃圾",
    "大件垃圾",
    "垃圾中转站",
    "公共厕所",
    "口袋公园",
    "健身步道",
    "篮球场",
    "社区食堂",
    "日间照料中心",
    "托育机构",
    "幼儿园学位",
    "义务教育",
    "课后服务",
    "校外培训",
    "学区划分",
    "公交线路",
    "公交站台",
    "地铁站点",
    "地铁换乘",
    "出租车",
    "停车收费",
    "路边停车",
    "违章停车",
    "机动车道",
    "非机动车道",
    "人行横道",
    "交通信号灯",
    "过街天桥",
    "电瓶车头盔",
    "电池安全",
    "楼道堆物",
    "飞线充电",
    "高空抛物",
    "养犬登记",
    "犬只伤人",
    "流浪动物",
    "宠物粪便",
    "广场舞",
    "装修噪声",
    "餐饮油烟",
    "烧烤摊点",
    "夜市摊位",
    "流动摊贩",
    "菜市场改造",
    "农民工工资",
    "劳动合同",
    "社会保险",
    "医疗保险",
    "住房公积金",
    "公租房",
    "保障性住房",
    "房屋征收",
    "拆迁补偿",
    "违法建设",
    "群租房",
    "出租屋管理",
    "物业服务合同",
    "维修资金",
    "电梯维保",
    "二次供水",
    "燃气管道",
    "雨污分流",
    "排水管网",
    "内涝积水",
    "河道治理",
    "黑臭水体",
    "扬尘治理",
    "空气质量",
    "光污染",
    "油烟净化",
    "施工许可",
    "信息公开",
    "听证程序",
    "听证会",
    "行政复议",
    "行政诉讼",
    "自由裁量",
    "首违不罚",
    "轻微违法",
    "信用惩戒",
    "黑名单制度",
    "个人信息",
    "人脸识别",
    "视频监控",
    "数据共享",
    "网格管理",
    "网格员",
    "志愿服务",
    "社区工作者",
    "居民议事会",
    "业主大会",
    "物业公司",
    "前期物业",
    "物业交接",
    "公共收益",
    "停车管理办法",
    "充电设施",
    "新能源汽车",
    "分时租赁",
    "慢行系统",
    "城市更新",
    "历史街区",
    "文物保护",
    "古树名木",
    "绿化养护",
    "公园开放",
    "景区门票",
    "旅游市场",
    "民宿管理",
    "食品安全",
    "预制菜",
    "校园餐",
    "餐饮许可",
    "药品零售",
    "医保报销",
    "家庭医生",
    "疫苗接种",
    "急救站点",
    "精神卫生",
    "残疾人就业",
    "低保审核",
    "临时救助",
    "特困供养",
    "退役军人",
    "优抚对象",
    "殡葬改革",
    "公益性公墓",
];

/// Characters that make up place names (two of them plus a suffix: 安华路, 兴和社区).
const NAME_CHARS: &str = "安华兴和平新民光明长青山湖江河东西南北中福康泰宁丰盛昌荣嘉祥瑞德仁义礼信春秋云龙凤阳月星金玉桂兰梅竹松柏翠绿桥港湾滨园林溪泉石峰岭台洲";
const PLACE_KINDS: &[&str] =
    &["路", "街", "社区", "小区", "花园", "新村", "公园", "大道", "市场", "中学", "小学", "街道"];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN_CHARS: &str =
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌鹏飞宇浩婷雪晨阳欣怡梓涵子轩";

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
    "作为基层工作者，",
    "作为一名家长，",
    "我是一名退休教师，",
    "从我们单位的实践来看，",
    "结合身边的例子，",
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
    "建议由街道统一组织实施",
    "应当明确资金来源",
    "建议设立投诉渠道",
    "应当加强事中事后监管",
    "建议对困难群体给予减免",
    "要防止层层加码",
    "应当定期评估实施效果",
    "建议先行试点再全面推开",
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
    "去年就发生过类似的纠纷",
    "不少居民对此意见很大",
    "现在的做法群众不好理解",
    "这方面投诉一直比较多",
];

/// The vocabulary of the corpus: subjects, places and people, each Zipf-distributed.
pub struct Vocabulary {
    pub subjects: Zipf,
    pub places: Zipf,
    pub people: Zipf,
}

impl Vocabulary {
    /// 150 subjects, 20,000 place names, 5,000 people; the same on every run.
    pub fn new() -> Vocabulary {
        let mut rng = Rng::new(42);
        let name: Vec<char> = NAME_CHARS.chars().collect();
        let mut places = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while places.len() < 20_000 {
            let p = format!(
                "{}{}{}",
                name[rng.below(name.len())],
                name[rng.below(name.len())],
                PLACE_KINDS[rng.below(PLACE_KINDS.len())]
            );
            if seen.insert(p.clone()) {
                places.push(p);
            }
        }
        let surnames: Vec<char> = SURNAMES.chars().collect();
        let given: Vec<char> = GIVEN_CHARS.chars().collect();
        let people = (0..5_000)
            .map(|_| {
                let mut p = surnames[rng.below(surnames.len())].to_string();
                p.push(given[rng.below(given.len())]);
                p.push(given[rng.below(given.len())]);
                p
            })
            .collect();
        Vocabulary {
            subjects: Zipf::new(SUBJECTS.iter().map(|s| s.to_string()).collect()),
            places: Zipf::new(places),
            people: Zipf::new(people),
        }
    }

    /// One comment of 200–800 characters.
    pub fn comment(&self, rng: &mut Rng) -> String {
        let target = 200 + rng.below(601);
        let mut s = String::new();
        let mut len = 0;
        while len < target {
            let subject = self.subjects.draw(rng);
            let sentence = match rng.below(7) {
                0 => format!("{}关于{}的规定{}，{}。", rng.pick(OPENERS), subject, rng.pick(CLAIMS), rng.pick(REASONS)),
                1 => format!("在{}，{}问题比较突出，{}。", self.places.draw(rng), subject, rng.pick(CLAIMS)),
                2 => format!(
                    "{}{}和{}应当统筹考虑，{}。",
                    rng.pick(OPENERS),
                    subject,
                    self.subjects.draw(rng),
                    rng.pick(REASONS)
                ),
                3 => format!("第{}条中有关{}的内容{}。", 1 + rng.below(60), subject, rng.pick(CLAIMS)),
                4 => format!(
                    "{}附近的{}，{}年{}月以来已经反映过{}次，{}。",
                    self.places.draw(rng),
                    subject,
                    2020 + rng.below(7),
                    1 + rng.below(12),
                    2 + rng.below(9),
                    rng.pick(REASONS)
                ),
                5 => format!(
                    "网格员{}向{}的居民了解过{}的情况，{}。",
                    self.people.draw(rng),
                    self.places.draw(rng),
                    subject,
                    rng.pick(CLAIMS)
                ),
                _ => format!(
                    "{}每月{}元的标准{}，{}。",
                    subject,
                    10 * (1 + rng.below(50)),
                    rng.pick(CLAIMS),
                    rng.pick(REASONS)
                ),
            };
            len += sentence.chars().count();
            s.push_str(&sentence);
        }
        s.chars().take(target).collect()
    }

    /// A two-word query as people type them: mostly two subjects or a subject and a place,
    /// sometimes a person or a place alone with a subject, each word drawn as often as it is written.
    pub fn query(&self, rng: &mut Rng) -> String {
        let first = self.subjects.draw(rng).to_string();
        let second = match rng.below(10) {
            0..=4 => self.subjects.draw(rng),
            5..=8 => self.places.draw(rng),
            _ => self.people.draw(rng),
        };
        format!("{first} {second}")
    }
}
