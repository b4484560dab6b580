// The record-kind catalog: every kind, subtype, item and measure word the bot understands, as data.
// Adding a kind is adding an entry here; the parser, the replies, /stats and the drafts read it.
// Names come from the four seed reports (../shared/seeds); validated with zod when loaded.
import { z } from "zod";

const Name = z.string().min(1).max(40);

const SubtypeSchema = z.object({
  /** The Chinese name shown in replies and drafts. */
  name: Name,
  /** Other spellings users type, Chinese or English (matched case-insensitively). */
  aliases: z.array(Name).default([]),
  /** How a draft phrases N of these, with {n} for the count: "上报网评文章 {n} 篇". */
  phrase: z.string().optional(),
});

const ItemSchema = z.object({
  name: Name,
  aliases: z.array(Name).default([]),
  /** The measure word a draft writes for this item (份, 条, 张…). */
  unit: Name,
  /** The verb a draft uses: 发放 leaflets, 悬挂 banners, 张贴 posters. */
  verb: Name,
});

const KindSchema = z.object({
  code: z.string().regex(/^[a-z]+$/),
  /** Chinese name in replies: "会议", "学习". */
  name: Name,
  /** The figure's noun in confirmations and /stats: 理论学习, 宣传发放. */
  label: Name,
  aliases: z.array(Name).min(1),
  /** Measure word for the count of events: 次 (meetings), 场 (lectures), 篇 (articles), 起 (cases). */
  countUnit: Name,
  /** Extra measure words that count events for this kind (篇/条 for publications). */
  countWords: z.array(Name).default([]),
  /** The participants' noun for drafts: 参学 (study), 受众 (lectures), 参与 (others). */
  participantsLabel: Name,
  /** Whether a quantity (份/册/条…) makes sense for this kind; only distribution needs an item. */
  hasQuantity: z.boolean().default(false),
  /** A record of this kind with no quantity is an error (distribution: what was handed out?). */
  quantityRequired: z.boolean().default(false),
  subtypes: z.array(SubtypeSchema).default([]),
  items: z.array(ItemSchema).default([]),
  /** The item assumed when a quantity is given without one. */
  defaultItem: z.string().optional(),
  /** One correct example line, shown in help and under parse errors. */
  example: z.string(),
  /** Whether the users named this kind first (meeting, study, distribution): listed first. */
  core: z.boolean().default(false),
});

export type Kind = z.infer<typeof KindSchema>;
export type Subtype = z.infer<typeof SubtypeSchema>;
export type Item = z.infer<typeof ItemSchema>;

/** Measure words that always mean people, sessions or a quantity, whatever the kind. */
export const PARTICIPANT_WORDS = [
  "人次",
  "人",
  "名",
  "位",
  // Households visited or reached (走访入户 120户): the people a visit reached.
  "户",
  "people",
  "persons",
  "person",
  "participants",
  "ppl",
  "pax",
  "households",
];
// 2 talks, 3 meetings: English kind words after a number count sessions.
export const SESSION_WORDS = [
  "场次",
  "次",
  "场",
  "期",
  "回",
  "轮",
  "堂",
  "sessions",
  "session",
  "times",
  "events",
  "event",
  "talks",
  "lectures",
  "meetings",
];
export const QUANTITY_WORDS = [
  "份",
  "册",
  "本",
  "张",
  "条",
  "幅",
  "件",
  "个",
  "块",
  "套",
  // 春联 come in pairs (副), flags in 面, gift bags in 袋.
  "副",
  "面",
  "袋",
  "盒",
  "copies",
  "copy",
  "pcs",
  "pieces",
  "items",
];

/**
 * Measure words as phones mistype them right after a number: 12入 (人), 3000分 (份), 20人此 (人次).
 * Read only when glued to Arabic digits, so 十分 or 一入 never become figures.
 */
export const MEASURE_TYPOS: Readonly<Record<string, string>> = { 入: "人", 分: "份", 人此: "人次", 场此: "场次" };

const RAW_KINDS: z.input<typeof KindSchema>[] = [
  {
    code: "meeting",
    name: "会议",
    label: "会议",
    aliases: ["会议", "开会", "会", "党委会", "党委会议", "党组会", "党组会议", "例会", "meeting", "meetings", "mtg"],
    countUnit: "次",
    participantsLabel: "参会",
    core: true,
    subtypes: [
      { name: "意识形态工作专题会议", aliases: ["专题会议", "专题会", "专题研究", "意识形态专题会", "意识形态工作专题会", "special"] },
      { name: "意识形态工作部署会", aliases: ["部署会", "部署会议", "deployment"] },
      { name: "意识形态工作分析研判会", aliases: ["分析研判会", "研判会", "研判会议", "分析研判会议", "analysis"] },
      { name: "意识形态领域情况分析研判联席会议", aliases: ["联席会议", "联席会", "joint"] },
      { name: "网络安全工作会议", aliases: ["网络安全会议", "网络安全工作会", "网安会议", "cybersecurity"] },
      { name: "宣传思想工作会议", aliases: ["宣传工作会议", "宣传思想会议", "propaganda"] },
      { name: "组织生活会", aliases: ["专题组织生活会", "组织生活会议", "组织生活", "party-life"] },
      { name: "民主评议党员", aliases: ["民主评议", "评议党员", "民主评议党员大会", "review"] },
    ],
    example: "/记录 会议 意识形态工作专题会议 昨天",
  },
  {
    code: "study",
    name: "学习",
    label: "理论学习",
    aliases: ["学习", "理论学习", "学习会", "study", "studies", "learning"],
    countUnit: "次",
    participantsLabel: "参学",
    core: true,
    subtypes: [
      {
        name: "党委理论学习中心组学习",
        aliases: ["中心组学习", "中心组", "理论学习中心组学习", "中心组专题学习", "central-group", "centralgroup"],
      },
      { name: "集中学习", aliases: ["集体学习", "group"] },
      // 三会一课: the branch's members' meeting, committee meeting, group meeting and Party lecture,
      // where the seeds count the unit's study of 意识形态 (002: 把意识形态工作作为…"三会一课"的重要内容).
      {
        name: "三会一课",
        aliases: [
          "支部党员大会",
          "支委会",
          "党小组会",
          "党课",
          "党员大会",
          "支部大会",
          "支委会议",
          "支部委员会",
          "支部委员会会议",
          "党小组会议",
          "sanhui",
        ],
      },
      { name: "主题党日", aliases: ["主题党日活动", "party-day"] },
      { name: "周一夜读", aliases: ["夜读", "monday-reading"] },
      { name: "学习强国", aliases: ["xuexi"] },
      { name: "干部大会学习", aliases: ["干部大会", "周一干部大会"] },
      { name: "党员冬训", aliases: ["冬训", "基层党员冬训", "冬训学习", "冬训班", "winter-training"] },
    ],
    example: "/记录 学习 中心组学习 12人 主题：二十大精神",
  },
  {
    code: "distribution",
    name: "宣传发放",
    label: "宣传发放",
    aliases: ["宣传发放", "发放", "分发", "派发", "张贴", "悬挂", "宣传品", "distribution", "distribute", "handout", "handouts"],
    countUnit: "次",
    participantsLabel: "覆盖",
    hasQuantity: true,
    quantityRequired: true,
    core: true,
    items: [
      { name: "宣传资料", aliases: ["资料", "宣传材料", "材料", "materials", "material"], unit: "份", verb: "发放" },
      { name: "宣传单", aliases: ["传单", "宣传页", "单页", "leaflets", "leaflet", "flyers", "flyer"], unit: "份", verb: "发放" },
      { name: "宣传册", aliases: ["手册", "小册子", "册子", "brochures", "brochure", "booklets"], unit: "份", verb: "发放" },
      { name: "海报", aliases: ["宣传海报", "招贴", "posters", "poster"], unit: "张", verb: "张贴" },
      { name: "横幅", aliases: ["宣传横幅", "条幅", "banners", "banner"], unit: "条", verb: "悬挂" },
      { name: "标语", aliases: ["宣传标语", "固体标语", "slogans", "slogan"], unit: "条", verb: "张贴" },
      { name: "倡议书", aliases: ["倡议", "承诺书", "proposals", "letters"], unit: "份", verb: "发放" },
      { name: "宣传物品", aliases: ["物品", "宣传品小礼品", "宣传袋", "giveaways", "goods"], unit: "份", verb: "发放" },
      { name: "宣传挂图", aliases: ["挂图", "展板", "charts", "boards"], unit: "幅", verb: "张贴" },
      { name: "春联", aliases: ["对联", "福字", "couplets"], unit: "副", verb: "赠送" },
      { name: "图书", aliases: ["书籍", "读本", "学习读本", "books"], unit: "本", verb: "发放" },
    ],
    defaultItem: "宣传资料",
    example: "/记录 发放 宣传册 3000份 11月20日",
  },
  {
    code: "lecture",
    name: "宣讲",
    label: "宣讲",
    aliases: ["宣讲", "宣讲活动", "宣讲会", "讲座", "lecture", "lectures", "talk", "talks"],
    countUnit: "场",
    participantsLabel: "受众",
    subtypes: [
      { name: "党的二十大精神宣讲", aliases: ["二十大宣讲", "二十大精神宣讲", "二十大"] },
      { name: "理论宣讲", aliases: ["政策宣讲", "theory"] },
      { name: "道德讲堂", aliases: ["讲堂", "ethics"] },
      { name: "专题党课", aliases: ["讲党课", "上党课"] },
      { name: "微宣讲", aliases: ["理论微宣讲", "百姓宣讲", "百姓名嘴宣讲", "mini-talk"] },
    ],
    example: "/记录 宣讲 3场 约200人次",
  },
  {
    code: "activity",
    name: "活动",
    label: "主题活动",
    aliases: ["活动", "主题活动", "activity", "activities", "event", "events"],
    countUnit: "场",
    participantsLabel: "惠及",
    subtypes: [
      { name: "志愿服务", aliases: ["志愿活动", "志愿者活动", "volunteer", "volunteering"] },
      { name: "文化惠民", aliases: ["文化惠民活动", "文艺演出", "演出", "文艺汇演", "文艺晚会", "送戏下乡", "书画展", "culture"] },
      { name: "主题实践", aliases: ["主题实践活动", "实践活动", "practice"] },
      {
        name: "我们的节日",
        aliases: [
          "春节",
          "元宵节",
          "清明节",
          "端午节",
          "七夕节",
          "中秋节",
          "重阳节",
          "元宵",
          "清明",
          "端午",
          "七夕",
          "中秋",
          "重阳",
          "节日活动",
          "传统节日",
          "festival",
        ],
      },
      { name: "新时代文明实践", aliases: ["文明实践", "civility"] },
      { name: "全民阅读", aliases: ["阅读活动", "reading"] },
      { name: "观看红色电影", aliases: ["红色电影", "观影", "电影放映", "放电影", "film"] },
      { name: "走访入户", aliases: ["走访", "入户走访", "走访慰问", "上门走访", "入户宣传", "走访群众", "visits", "visit"] },
      { name: "扫黄打非", aliases: ["扫黄打非宣传", "扫黄打非专项行动", "扫黄打非进基层", "anti-piracy"] },
      { name: "知识竞赛", aliases: ["知识竞答", "有奖竞答", "竞赛", "quiz"] },
    ],
    example: "/记录 活动 志愿服务 2场 80人",
  },
  {
    code: "publication",
    name: "信息发布",
    label: "信息发布",
    aliases: [
      "信息发布",
      "发布",
      "信息",
      "投稿",
      "录用",
      "报道",
      "新闻报道",
      "稿件",
      "publication",
      "publications",
      "post",
      "posts",
      "article",
      "articles",
    ],
    countUnit: "篇",
    countWords: ["篇", "条", "则", "期", "块", "articles", "posts"],
    participantsLabel: "阅读",
    subtypes: [
      { name: "公众号推送", aliases: ["公众号", "微信公众号", "推送", "wechat"], phrase: "通过微信公众号推送信息 {n} 篇" },
      { name: "网评文章", aliases: ["网评", "网评文章上报", "commentary"], phrase: "上报网评文章 {n} 篇" },
      { name: "省级媒体录用", aliases: ["省级录用", "省级媒体", "provincial"], phrase: "获省级媒体录用信息 {n} 篇" },
      { name: "市级媒体录用", aliases: ["市级录用", "市级媒体", "municipal"], phrase: "获市级媒体录用信息 {n} 篇" },
      // A 简报 placed with the city or district is a 简报录用, not a media placement.
      { name: "市级简报录用", aliases: ["市级简报", "市简报"], phrase: "获市级简报录用信息 {n} 篇" },
      { name: "区级简报录用", aliases: ["区级简报", "区简报", "县级简报"], phrase: "获区级简报录用信息 {n} 篇" },
      {
        name: "区级媒体录用",
        // County and district media are the same level: 区融媒体中心, 县级融媒体中心.
        aliases: [
          "区级录用",
          "区级媒体",
          "区融媒体",
          "区融媒",
          "区融媒体中心",
          "融媒体中心",
          "县级媒体",
          "县融媒体",
          "县融媒体中心",
          "县级录用",
          "district",
        ],
        phrase: "获区级媒体录用信息 {n} 篇",
      },
      { name: "学习强国录用", aliases: ["学习强国平台", "强国录用", "xuexi-platform"], phrase: "获“学习强国”平台录用 {n} 篇" },
      { name: "微信群发布", aliases: ["微信群", "群发布", "正能量视频"], phrase: "在居民微信群发布正能量内容 {n} 条" },
      { name: "简报", aliases: ["工作简报", "信息简报", "编发简报", "bulletin"], phrase: "编发工作简报 {n} 期" },
      { name: "政府信息公开", aliases: ["信息公开", "政务公开", "公开政府信息", "disclosure"], phrase: "主动公开政府信息 {n} 条" },
      {
        name: "宣传栏更新",
        aliases: ["宣传栏", "宣传橱窗", "橱窗", "公示栏", "宣传专栏", "宣传阵地", "noticeboard"],
        phrase: "更新宣传栏 {n} 期",
      },
      {
        name: "电子屏播放",
        aliases: ["电子屏", "LED屏", "LED显示屏", "LED", "显示屏", "电子显示屏", "电子大屏", "滚动播放", "screen"],
        phrase: "通过电子显示屏滚动播放宣传内容 {n} 条",
      },
    ],
    example: "/记录 发布 网评文章 6篇",
  },
  {
    code: "opinion",
    name: "舆情",
    label: "舆情处置",
    aliases: ["舆情", "舆情处理", "opinion", "sentiment", "incident"],
    countUnit: "起",
    countWords: ["起", "件", "cases", "case"],
    participantsLabel: "涉及",
    subtypes: [
      { name: "舆情处置", aliases: ["处置", "handled"], phrase: "妥善处置网络舆情 {n} 起" },
      { name: "舆情研判", aliases: ["研判", "assessment"], phrase: "开展舆情分析研判 {n} 次" },
    ],
    example: "/记录 舆情 舆情处置 1起",
  },
  {
    code: "report",
    name: "报告报送",
    label: "报告报送",
    aliases: ["报送", "上报", "报告报送", "报送报告", "submit", "submission"],
    countUnit: "份",
    countWords: ["份", "篇"],
    participantsLabel: "参与",
    subtypes: [
      {
        name: "季度意识形态工作分析研判报告",
        aliases: ["季度分析研判报告", "分析研判报告", "研判报告", "季度报告", "季度研判报告", "quarterly"],
      },
      { name: "向上级报告意识形态工作", aliases: ["半年报告", "半年报", "半年工作报告", "half-year"] },
      { name: "年度意识形态工作责任制落实情况报告", aliases: ["年度报告", "责任制报告", "落实情况报告", "述职", "述职报告", "annual"] },
      {
        name: "签订意识形态工作责任书",
        aliases: ["签订责任书", "责任书", "签责任书", "意识形态工作责任书", "pledge"],
        phrase: "签订意识形态工作责任书 {n} 份",
      },
    ],
    example: "/记录 报送 季度分析研判报告",
  },
  {
    // What a unit observes about the 意识形态领域, per area, with its 主要表现 and the measures
    // taken: the 分析研判报告's 存在的风险和隐患 is written from these (/研判).
    code: "situation",
    name: "风险研判",
    label: "意识形态领域风险研判",
    aliases: ["风险研判", "风险隐患", "隐患排查", "形势研判", "情况研判", "situation"],
    countUnit: "条",
    participantsLabel: "涉及",
    subtypes: [
      { name: "网络舆情", aliases: ["网络舆论", "网上舆情", "网络"] },
      { name: "阵地管理", aliases: ["阵地", "宣传阵地管理", "阵地建设"] },
      { name: "社会问题", aliases: ["信访", "社会矛盾", "矛盾纠纷", "民生问题"] },
      { name: "宗教领域", aliases: ["宗教", "民族宗教", "非法宗教"] },
      { name: "群众思想动态", aliases: ["思想动态", "群众思想", "社会心态"] },
    ],
    example: "/研判 网络舆情 表现：小区加装电梯问题在业主群引发争论 措施：社区约谈群主，召开协调会",
  },
];

const CatalogSchema = z.array(KindSchema).superRefine((kinds, ctx) => {
  // Every name a user can type must lead to exactly one thing, or the parser would guess.
  const seen = new Map<string, string>();
  const claim = (word: string, owner: string, path: (string | number)[]) => {
    const key = word.toLowerCase();
    const prev = seen.get(key);
    if (prev && prev !== owner) ctx.addIssue({ code: "custom", path, message: `"${word}" is used by both ${prev} and ${owner}` });
    seen.set(key, owner);
  };
  kinds.forEach((k, i) => {
    [k.name, ...k.aliases].forEach((w) => claim(w, `kind ${k.code}`, [i, "aliases"]));
    k.subtypes.forEach((s, j) => [s.name, ...s.aliases].forEach((w) => claim(w, `subtype ${k.code}/${s.name}`, [i, "subtypes", j])));
    k.items.forEach((it, j) => [it.name, ...it.aliases].forEach((w) => claim(w, `item ${k.code}/${it.name}`, [i, "items", j])));
    if (k.defaultItem && !k.items.some((it) => it.name === k.defaultItem)) {
      ctx.addIssue({ code: "custom", path: [i, "defaultItem"], message: `unknown default item ${k.defaultItem}` });
    }
  });
});

export const KINDS: readonly Kind[] = CatalogSchema.parse(RAW_KINDS);

export function kindByCode(code: string): Kind {
  const k = KINDS.find((x) => x.code === code);
  if (!k) throw new Error(`unknown kind code ${code}`);
  return k;
}

type Hit = { type: "kind"; kind: Kind } | { type: "subtype"; kind: Kind; subtype: Subtype } | { type: "item"; kind: Kind; item: Item };

const WORDS = new Map<string, Hit>();
for (const kind of KINDS) {
  for (const w of [kind.name, kind.code, ...kind.aliases]) WORDS.set(w.toLowerCase(), { type: "kind", kind });
  for (const subtype of kind.subtypes)
    for (const w of [subtype.name, ...subtype.aliases]) WORDS.set(w.toLowerCase(), { type: "subtype", kind, subtype });
  for (const item of kind.items) for (const w of [item.name, ...item.aliases]) WORDS.set(w.toLowerCase(), { type: "item", kind, item });
}

/** What a word names in the catalog: a kind, a subtype, or a distribution item. */
export function lookupWord(word: string): Hit | undefined {
  return WORDS.get(word.toLowerCase());
}

/** Every catalog word, longest first: used to split glued tokens such as 宣传册3000份. */
export const CATALOG_WORDS_LONGEST_FIRST = [...WORDS.keys()].sort((a, b) => b.length - a.length);
