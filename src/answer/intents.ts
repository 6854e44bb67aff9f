/**
 * The question vocabulary that says what kind of fact is asked for, in Chinese and
 * in English. It maps the words users shape questions with (职务/身份/头衔, 开了几天,
 * 东道主) to the facts of the knowledge layer; it holds no answers and no report's wording.
 */

import { DATE_QUESTION, THEME_WORDS, VISIT_WORDS } from "../retrieval/answer-types.js";

/** The kinds of fact the knowledge layer answers. */
export type Intent =
  | "role"
  | "holder"
  | "duration"
  | "when"
  | "where"
  | "theme"
  | "documents"
  | "chair"
  | "next"
  | "edition";

/** Question vocabulary per intent. Kept as data: extend it here, never in the answer code. */
export const INTENT_WORDS: Readonly<Record<Intent, RegExp>> = {
  role: /职务|职位|身份|头衔|官职|担任|任职|什么官|角色|扮演|干什么的|做什么的|是谁|\bwho (?:is|was)\b|\brole\b|\bposition\b|\btitle\b|\bpost\b|\bjob\b|\boffice\b/iu,
  holder: /是谁|谁|哪位|哪一位|叫什么|名字|\bwho\b|\bname\b|\bheld\b/iu,
  duration:
    /几天|多少天|多久|多长时间|持续|会期(?!间)|历时|为期|开了多长|\bhow long\b|\bhow many days\b|\blast(?:ed)?\b|\bduration\b/iu,
  when: new RegExp(`${DATE_QUESTION.source}|时间`, "iu"),
  where:
    /哪里|哪儿|在哪|何地|什么地方|哪个城市|哪座城市|哪个市|哪个省|哪座|城市(?!群)|地点|东道主|做东|主办地|举办地|承办省|承办地|哪(?:几|些|一)?(?:个)?(?:年|次|届)[^，。？?]{0,12}在\p{Script=Han}{2,4}(?:召开|举行|举办|开)|\bwhich (?:of the )?(?:[\w']+ ){0,3}(?:years?|meetings?)\b[^?]*\b(?:held|hosted)\b|\bwhere\b|\bwhich city\b|\bwhat city\b|\bhost(?:ed)? city\b|\bvenue\b|\blocation\b|\bwhich province\b/iu,
  theme: THEME_WORDS,
  documents: /文件|审议|通过了哪|行动计划|方案|\bdocuments?\b|\breviewed\b|\badopted\b|\bexamined\b|\baction plan\b/iu,
  edition: /第几届|第几次|哪一届|\b(?:which|what) (?:edition|number)\b|\bhow manyth\b/iu,
  chair: /主持|\bchair(?:ed)?\b|\bpresided\b/iu,
  next: /下一年度|下一年|下一届|下届|下一次|下次|下回|下一回|第二年|第2年|次年|翌年|轮到|接棒|明年|下一场|确定|决定|安排在|定在|定下|定了|\b(?:was|were|would|will) (?:to )?host\b|\bnext\b(?! (?:day|morning|afternoon|evening|week|month))|\bfollowing year\b|\bdecided?\b|\bchos(?:e|en)\b|\bpick(?:ed)?\b|\bselected\b/iu,
};

/** Any word of the intent vocabulary: a typed answer explains these, so they need no evidence of their own. */
export const QUESTION_VOCABULARY = new RegExp(
  Object.values(INTENT_WORDS)
    .map((r) => r.source)
    .join("|"),
  "iu",
);

/** The same vocabulary for finding every such word in a question (matchAll copies it, so sharing is safe). */
export const QUESTION_VOCABULARY_ALL = new RegExp(QUESTION_VOCABULARY.source, "giu");

/** Visits and speeches are prose: "where did they visit" is not "where was it held". */
export const PROSE_WORDS = new RegExp(
  `${VISIT_WORDS.source}|说了|讲了|说什么|讲什么|表示|强调|指出|发言|讲话|致辞|\\bsaid\\b|\\bsay\\b|\\btell\\b|\\btold\\b|\\bdescribe|\\brecall|\\bstress|\\bemphasi|\\burge`,
  "iu",
);

/** English post names as the reports write them in Chinese. */
export const ENGLISH_POSTS: readonly { words: RegExp; post: string }[] = [
  { words: /\bdeputy (?:party )?secretar(?:y|ies)\b/i, post: "副书记" },
  {
    words:
      /\b(?:party|communist party|cpc)\s+(?:chief|secretar(?:y|ies)|boss|official|leader)\b|\bparty secretar(?:y|ies)\b|\btop (?:party|communist party) official\b|\bsecretar(?:y|ies)\b/i,
    post: "书记",
  },
  { words: /\bgovernors?\b/i, post: "省长" },
  { words: /\bmayors?\b/i, post: "市长" },
  { words: /\bpremier\b/i, post: "总理" },
  { words: /\bdirector\b|\bhead of the\b/i, post: "主任" },
];

/**
 * Details a question may ask about what the reports cover, which only a paragraph that states one answers: the
 * effect of something done, an election, a reason, a founding year, the region's statistics, criticism, a move to
 * another post, a delay, how long someone spoke. Kept as data: extend it here.
 */
export const STATED_DETAILS: readonly { asks: RegExp; states: RegExp }[] = [
  {
    asks: /效果(?:怎么样|如何|好不好)|成效(?:怎么样|如何)|(?:有|产生了?)什么(?:影响|效果)|影响(?:怎么样|如何|有多大)|\bhow effective\b|\bwhat (?:impact|effect|difference)\b/iu,
    states: /成效|效果|成果|取得|影响/u,
  },
  { asks: /选举|当选|投票|\belections?\b|\belected\b|\bvot(?:e|ed|ing)\b|\bwon\b/iu, states: /选举|当选|投票/u },
  // A reason: "为什么选在温州" is not answered by where it was held.
  {
    asks: /为什么|为何|什么原因|原因是什么|原因在哪|\bwhy\b|\bfor what reason\b/iu,
    states: /因为|由于|为了|原因|旨在|以便|鉴于|在于/u,
  },
  // Where someone went or serves now: the reports give posts at each meeting, never a move or today's post.
  {
    asks: /调(?:去|到|任|往)|后来(?:去|到)了?哪|现在(?:在哪|担任|是什么)|如今(?:在|担任)|\b(?:now|currently) (?:serv|work|hold)|\b(?:works?|serves?|working|serving) now\b|\blater (?:became|moved|transferred)\b/iu,
    states: /调任|任命|现任/u,
  },
  // When something was founded: a year beside the founding, not the year of a meeting that mentions it.
  {
    asks: /(?:成立|设立|建立|创建|挂牌)(?:于|在|是)?(?:哪一?年|什么时候|何时)|(?:哪一?年|什么时候|何时)(?:成立|设立|建立|创建|挂牌)|\bwhen was .{2,40} (?:founded|established|set up|created)\b/iu,
    states: /\d{4}年[^，。；]{0,10}(?:成立|设立|建立|创建|挂牌)|(?:成立|设立|建立|创建|挂牌)(?:于)?\d{4}年/u,
  },
  // Statistics of the region (population, GDP, area) and criticism: the reports give neither.
  {
    asks: /人口|GDP|生产总值|经济总量|面积|\bpopulation\b|\bgdp\b|\beconomic output\b|\bsquare kilomet/iu,
    states: /人口|万人|亿人|GDP|生产总值|经济总量|平方公里/u,
  },
  { asks: /批评|指责|反对|\bcriticiz|\bcriticis|\bobject(?:ed)? to\b/iu, states: /批评|指责|反对/u },
  // A delay: no meeting the reports tell of was put off.
  { asks: /推迟|延期|延迟|\bpostpone|\bdelay/iu, states: /推迟|延期|延迟/u },
  {
    asks: /(?:讲话|发言|致辞|演讲)[^，。？?]{0,6}(?:多长|多久|几分钟|多少字)|(?:讲|说)了(?:多久|多长时间|几分钟)|\bhow long did .{2,30} (?:speak|talk)\b/iu,
    states: /\d+\s*分钟|小时|\d+\s*字/u,
  },
];

/**
 * Requests no meeting report answers, whatever place or topic they name: something to write (a poem about 长江),
 * a forecast, a trip, a meal, a ticket, a price or a stock. Kept as data: extend it here.
 */
export const OFF_TOPIC_REQUESTS =
  /(?:写|作|来)(?:一)?(?:首|篇|段|副|个)(?:\p{Script=Han}{0,8})?(?:诗|词|歌|对联|故事|笑话|小说)|翻译成|天气|气温|下雨|下雪|酒店|宾馆|住宿|餐厅|饭店|美食|小吃|菜谱|怎么做(?:菜|饭)|门票|股票|基金|房价|世界杯|录取分数|(?:高铁|火车|动车|飞机|航班|开车)[^，。？?]{0,6}(?:多久|多长时间|几个小时|几点|票价|多少钱|怎么去)|\b(?:write|compose) (?:me )?(?:a|an) (?:poem|song|story|joke|limerick|haiku)\b|\btranslate\b|\bweather\b|\bforecast\b|\btemperature\b|\bhotels?\b|\brestaurants?\b|\brecipes?\b|\bcook\b|\btickets?\b|\bstocks?\b|\bhouse prices?\b|\bworld cup\b|\bhow far\b|\bby (?:train|car|plane|bus)\b/iu;
