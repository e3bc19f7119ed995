"""What the synthetic data says, and in which fonts: the text corpus of `synth.py`.

Four kinds of line, mixed the way a street scene or a receipt mixes them:
- Latin: one to three English words, in lower, Title or UPPER case;
- numbers: prices, dates, times, phone numbers, codes, percentages;
- Chinese: runs of common characters, drawn by frequency (common ones more often);
- mixed: Chinese with a number or a Latin word.

Chinese characters come from `COMMON_CHINESE`, a built-in list of frequent modern Chinese
characters in (approximate) frequency order; every one of them is also in PP-OCR's 6623-character
dictionary `ppocr_keys_v1.txt`, so the synthetic labels can train or fine-tune the official models.
Nothing here needs the network or the official weights.

Fonts are the ones already installed with the course's dependencies: DejaVu (shipped with
matplotlib) for Latin text, and the CJK fonts of `mplfonts` (Noto Sans/Serif CJK SC, Source Han
Serif SC, SimHei), which also cover Latin letters and digits.
"""
from __future__ import annotations

import string
from pathlib import Path

import numpy as np

__all__ = ["COMMON_CHINESE", "LATIN_WORDS", "PUNCTUATION", "chinese_pool", "charset",
           "latin_fonts", "cjk_fonts", "sample_text"]

# ~1170 frequent Chinese characters, most frequent first (duplicates removed on use).
COMMON_CHINESE = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后"
    "作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只"
    "从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向"
    "头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声"
    "提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建"
    "务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即"
    "像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带"
    "导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具"
    "罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越"
    "器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另"
    "周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够"
    "章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀"
    "攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假"
    "久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢"
    "雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵"
    "协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右"
    "份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏"
    "讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘"
    "朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板"
    "庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健"
    "堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴"
    "森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透"
    "购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏"
    "忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵侧纷戴"
)

LATIN_WORDS = (
    "the of and to in is for on with at by from open hours sale price total cash change card coffee tea "
    "milk bread rice water street road avenue park station exit entrance hotel bank market shop store "
    "office service parking only no stop go slow left right north south east west city center public "
    "toilet restaurant menu special today fresh daily new free welcome thank you please push pull "
    "closed monday friday sunday hello world data model text line train test image paper deep learning "
    "light fast small large tax receipt order number item amount date time phone email room floor "
    "building gate platform ticket bus metro taxi airport lake river mountain garden museum library "
    "school university hospital pharmacy police fire emergency danger warning caution area private "
    "delivery pizza noodle soup chicken beef fish salad juice beer wine apple orange lemon sugar salt"
).split()

PUNCTUATION = "-.:/%$#&+()¥,"

_LATIN_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf",
                "DejaVuSerif-Italic.ttf", "DejaVuSans-Oblique.ttf")
_CJK_FONTS = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf", "SourceHanSerifSC-Regular.otf",
              "NotoSerifCJKsc-Regular.otf")


def chinese_pool(n: int = 400) -> str:
    """The first `n` distinct characters of `COMMON_CHINESE` (most frequent first)."""
    return "".join(dict.fromkeys(COMMON_CHINESE))[:n]


def charset(n_chinese: int = 400) -> list[str]:
    """Every character `sample_text` can produce (space excluded), in dictionary order:
    digits, ASCII letters, punctuation, then Chinese by frequency."""
    chars = string.digits + string.ascii_letters + PUNCTUATION + chinese_pool(n_chinese)
    return list(dict.fromkeys(chars))


def latin_fonts() -> list[str]:
    """Paths of the DejaVu fonts bundled with matplotlib (those that exist)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return [str(folder / f) for f in _LATIN_FONTS if (folder / f).is_file()]


def cjk_fonts() -> list[str]:
    """Paths of the CJK fonts shipped by `mplfonts` (those that exist)."""
    import mplfonts

    folder = Path(mplfonts.__file__).parent / "fonts"
    return [str(folder / f) for f in _CJK_FONTS if (folder / f).is_file()]


def _latin(rng: np.random.Generator) -> str:
    words = [str(w) for w in rng.choice(LATIN_WORDS, size=int(rng.integers(1, 4)))]
    style = rng.random()
    if style < 0.3:
        words = [w.capitalize() for w in words]
    elif style < 0.5:
        words = [w.upper() for w in words]
    return " ".join(words)


def _number(rng: np.random.Generator) -> str:
    r = lambda lo, hi: int(rng.integers(lo, hi))
    kind = r(0, 7)
    if kind == 0:
        return f"{rng.choice(['¥', '$', ''])}{r(0, 1000)}.{r(0, 100):02d}"
    if kind == 1:
        return f"{r(1990, 2031)}-{r(1, 13):02d}-{r(1, 29):02d}"
    if kind == 2:
        return f"{r(0, 24):02d}:{r(0, 60):02d}"
    if kind == 3:
        return f"{r(130, 190)}-{r(0, 10000):04d}-{r(0, 10000):04d}"
    if kind == 4:
        return f"{rng.choice(list(string.ascii_uppercase))}{r(1, 100)}-{r(100, 1000)}"
    if kind == 5:
        return f"{r(1, 100)}%"
    return str(r(0, 10 ** r(1, 8)))


def _chinese(rng: np.random.Generator, pool: str, lo: int = 2, hi: int = 11) -> str:
    ranks = np.arange(1, len(pool) + 1)
    p = 1.0 / ranks ** 0.5                      # a mild Zipf law: frequent characters come first
    idx = rng.choice(len(pool), size=int(rng.integers(lo, hi)), p=p / p.sum())
    return "".join(pool[i] for i in idx)


def sample_text(rng: np.random.Generator, kind: str | None = None, n_chinese: int = 400) -> tuple[str, str]:
    """One line of text and its kind ("latin", "number", "chinese" or "mixed").

    At most 25 characters (PP-OCR's max_text_length), never empty, no tabs or newlines.
    """
    if kind is None:
        kind = str(rng.choice(["latin", "number", "chinese", "mixed"], p=[0.35, 0.25, 0.28, 0.12]))
    pool = chinese_pool(n_chinese)
    if kind == "latin":
        text = _latin(rng)
    elif kind == "number":
        text = _number(rng)
    elif kind == "chinese":
        text = _chinese(rng, pool)
    else:
        extra = _number(rng) if rng.random() < 0.6 else _latin(rng).split()[0]
        text = _chinese(rng, pool, 1, 6) + (" " if rng.random() < 0.3 else "") + extra
    return text[:25].strip() or "0", kind
