#!/usr/bin/env python3
"""Generate Linli's SAMPLE seed data.

Writes, next to this script:
  communities.csv  - sub-district streets (街道) of Chengdu's five central districts
  facilities.csv   - illustrative meal, reading and waste-sorting points
  sample.geojson   - a three-feature example file for `server import`

Community names are real place names; their centres are approximate WGS-84
points. Every facility (name, address, phone, position, hours, prices) is
invented: they are placed around the community centres at random.

The output is deterministic: running `python3 seeds/generate.py` again
rewrites the same bytes. Standard library only.
"""

import csv
import json
import math
import os
import random

SEED = 20240915
OUT_DIR = os.path.dirname(os.path.abspath(__file__))

# Urban-core bounding box every point must fall in.
LAT_MIN, LAT_MAX = 30.55, 30.75
LNG_MIN, LNG_MAX = 103.95, 104.18

SIGMA_M = 350.0      # jitter around a community centre, per axis
MAX_OFFSET_M = 1200.0

TARGET = {"meal": 180, "reading": 172, "sorting": 480}
BASE = {"meal": 1, "reading": 1, "sorting": 3}

DISTRICTS = {
    "wuhou": ("武侯区", "Wuhou District"),
    "jinjiang": ("锦江区", "Jinjiang District"),
    "qingyang": ("青羊区", "Qingyang District"),
    "jinniu": ("金牛区", "Jinniu District"),
    "chenghua": ("成华区", "Chenghua District"),
}

# (district, slug, name without 街道, pinyin, lat, lng, [(street_zh, street_en), ...])
# Centres are approximate WGS-84 (not GCJ-02) positions of each sub-district.
COMMUNITIES = [
    # 武侯区 Wuhou
    ("wuhou", "jiangxijie", "浆洗街", "Jiangxijie", 30.6468, 104.0525,
     [("洗面桥街", "Ximianqiao Street"), ("武侯祠大街", "Wuhouci Street"),
      ("高升桥东路", "Gaoshengqiao East Road"), ("浆洗街", "Jiangxi Street")]),
    ("wuhou", "shuangnan", "双楠", "Shuangnan", 30.6400, 104.0335,
     [("双楠路", "Shuangnan Road"), ("逸都路", "Yidu Road"), ("龙腾东路", "Longteng East Road")]),
    ("wuhou", "wangjianglu", "望江路", "Wangjianglu", 30.6345, 104.0830,
     [("望江路", "Wangjiang Road"), ("致民路", "Zhimin Road"), ("林荫街", "Linyin Street"),
      ("科华北路", "Kehua North Road")]),
    ("wuhou", "yulin", "玉林", "Yulin", 30.6290, 104.0590,
     [("玉林北路", "Yulin North Road"), ("玉林南路", "Yulin South Road"),
      ("玉林西路", "Yulin West Road"), ("倪家桥路", "Nijiaqiao Road")]),
    ("wuhou", "tiaosanta", "跳伞塔", "Tiaosanta", 30.6305, 104.0705,
     [("人民南路四段", "Renmin South Road Section 4"), ("领事馆路", "Lingshiguan Road"),
      ("小天竺街", "Xiaotianzhu Street")]),
    ("wuhou", "huochenanzhan", "火车南站", "Huochenanzhan", 30.6095, 104.0640,
     [("桐梓林北路", "Tongzilin North Road"), ("桐梓林东路", "Tongzilin East Road"),
      ("火车南站西路", "Huochenanzhan West Road")]),
    ("wuhou", "fangcaojie", "芳草街", "Fangcaojie", 30.6195, 104.0520,
     [("芳草街", "Fangcao Street"), ("芳沁街", "Fangqin Street"), ("芳华街", "Fanghua Street")]),
    ("wuhou", "hongpailou", "红牌楼", "Hongpailou", 30.6270, 104.0310,
     [("红牌楼路", "Hongpailou Road"), ("佳灵路", "Jialing Road"),
      ("太平园中二路", "Taipingyuan Middle 2nd Road")]),
    ("wuhou", "cuqiao", "簇桥", "Cuqiao", 30.6050, 104.0290,
     [("簇桥路", "Cuqiao Road"), ("福锦路", "Fujin Road")]),
    ("wuhou", "jitouqiao", "机投桥", "Jitouqiao", 30.6360, 104.0030,
     [("武侯大道顺江段", "Wuhou Avenue Shunjiang Section"), ("机投路", "Jitou Road")]),
    ("wuhou", "cujin", "簇锦", "Cujin", 30.6150, 104.0120,
     [("簇锦北路", "Cujin North Road"), ("武侯大道铁佛段", "Wuhou Avenue Tiefo Section")]),
    ("wuhou", "jinyang", "晋阳", "Jinyang", 30.6230, 104.0205,
     [("晋阳路", "Jinyang Road"), ("晋吉南路", "Jinji South Road"), ("晋吉北路", "Jinji North Road")]),
    ("wuhou", "huaxing", "华兴", "Huaxing", 30.6120, 104.0400,
     [("金兴北路", "Jinxing North Road"), ("武科东一路", "Wuke East 1st Road")]),
    ("wuhou", "jinhuaqiao", "金花桥", "Jinhuaqiao", 30.5960, 103.9930,
     [("金花桥街", "Jinhuaqiao Street"), ("金花北路", "Jinhua North Road")]),

    # 锦江区 Jinjiang
    ("jinjiang", "chunxilu", "春熙路", "Chunxilu", 30.6560, 104.0775,
     [("总府路", "Zongfu Road"), ("春熙路", "Chunxi Road"),
      ("红星路三段", "Hongxing Road Section 3"), ("学道街", "Xuedao Street")]),
    ("jinjiang", "shuyuanjie", "书院街", "Shuyuanjie", 30.6610, 104.0850,
     [("书院南街", "Shuyuan South Street"), ("天涯石北街", "Tianyashi North Street"),
      ("大慈寺路", "Dacisi Road")]),
    ("jinjiang", "hejiangting", "合江亭", "Hejiangting", 30.6470, 104.0840,
     [("滨江东路", "Binjiang East Road"), ("水津街", "Shuijin Street"), ("镋钯街", "Tangba Street")]),
    ("jinjiang", "duyuanjie", "督院街", "Duyuanjie", 30.6500, 104.0705,
     [("督院街", "Duyuan Street"), ("红照壁街", "Hongzhaobi Street"),
      ("人民南路二段", "Renmin South Road Section 2")]),
    ("jinjiang", "yanshikou", "盐市口", "Yanshikou", 30.6555, 104.0655,
     [("东御街", "Dongyu Street"), ("顺城大街", "Shuncheng Street"), ("染房街", "Ranfang Street")]),
    ("jinjiang", "jinguanyi", "锦官驿", "Jinguanyi", 30.6540, 104.0920,
     [("水井街", "Shuijing Street"), ("锦官驿街", "Jinguanyi Street")]),
    ("jinjiang", "niushikou", "牛市口", "Niushikou", 30.6480, 104.1030,
     [("牛市口路", "Niushikou Road"), ("大安东路", "Da'an East Road"), ("净居寺路", "Jingjusi Road")]),
    ("jinjiang", "longzhoulu", "龙舟路", "Longzhoulu", 30.6380, 104.0960,
     [("龙舟路", "Longzhou Road"), ("莲桂南路", "Liangui South Road")]),
    ("jinjiang", "shahe", "沙河", "Shahe", 30.6350, 104.1150,
     [("汇泉路", "Huiquan Road"), ("东光街", "Dongguang Street")]),
    ("jinjiang", "donghu", "东湖", "Donghu", 30.6230, 104.0920,
     [("锦华路一段", "Jinhua Road Section 1"), ("东湖街", "Donghu Street")]),
    ("jinjiang", "shizishan", "狮子山", "Shizishan", 30.6200, 104.1230,
     [("狮子山路", "Shizishan Road"), ("静康路", "Jingkang Road")]),
    ("jinjiang", "chenglonglu", "成龙路", "Chenglonglu", 30.6110, 104.1380,
     [("成龙大道一段", "Chenglong Avenue Section 1"), ("成龙大道二段", "Chenglong Avenue Section 2")]),
    ("jinjiang", "sansheng", "三圣", "Sansheng", 30.5900, 104.1330,
     [("三圣路", "Sansheng Road"), ("幸福路", "Xingfu Road")]),

    # 青羊区 Qingyang
    ("qingyang", "shaocheng", "少城", "Shaocheng", 30.6690, 104.0570,
     [("长顺上街", "Changshun Upper Street"), ("宽巷子", "Kuan Alley"),
      ("东城根上街", "Dongchenggen Upper Street"), ("将军街", "Jiangjun Street"),
      ("泡桐树街", "Paotongshu Street")]),
    ("qingyang", "caoshijie", "草市街", "Caoshijie", 30.6780, 104.0720,
     [("草市街", "Caoshi Street"), ("文殊院街", "Wenshuyuan Street"),
      ("人民中路三段", "Renmin Middle Road Section 3")]),
    ("qingyang", "xiyuhe", "西御河", "Xiyuhe", 30.6650, 104.0650,
     [("西御街", "Xiyu Street"), ("羊市街", "Yangshi Street"), ("八宝街", "Babao Street")]),
    ("qingyang", "wangjiaguai", "汪家拐", "Wangjiaguai", 30.6510, 104.0580,
     [("汪家拐街", "Wangjiaguai Street"), ("文庙前街", "Wenmiao Front Street"),
      ("西胜街", "Xisheng Street")]),
    ("qingyang", "caotang", "草堂", "Caotang", 30.6600, 104.0300,
     [("青华路", "Qinghua Road"), ("草堂路", "Caotang Road"), ("浣花北路", "Huanhua North Road")]),
    ("qingyang", "funan", "府南", "Funan", 30.6700, 104.0370,
     [("清江东路", "Qingjiang East Road"), ("青羊大道", "Qingyang Avenue")]),
    ("qingyang", "guanghua", "光华", "Guanghua", 30.6720, 104.0110,
     [("光华大道一段", "Guanghua Avenue Section 1"), ("光华村街", "Guanghuacun Street"),
      ("光华北三路", "Guanghua North 3rd Road")]),
    ("qingyang", "jinsha", "金沙", "Jinsha", 30.6810, 103.9960,
     [("金沙遗址路", "Jinsha Yizhi Road"), ("青羊大道北段", "Qingyang Avenue North Section")]),
    ("qingyang", "huangtianba", "黄田坝", "Huangtianba", 30.6760, 103.9830,
     [("黄田坝大街", "Huangtianba Street"), ("经一路", "Jingyi Road")]),
    ("qingyang", "supo", "苏坡", "Supo", 30.6660, 103.9800,
     [("苏坡东路", "Supo East Road"), ("清江西路", "Qingjiang West Road")]),
    ("qingyang", "wenjia", "文家", "Wenjia", 30.6560, 103.9700,
     [("文家路", "Wenjia Road"), ("大石西路", "Dashi West Road")]),
    ("qingyang", "caiqiao", "蔡桥", "Caiqiao", 30.6480, 103.9920,
     [("蔡桥路", "Caiqiao Road"), ("光华大道三段", "Guanghua Avenue Section 3")]),

    # 金牛区 Jinniu
    ("jinniu", "xianlu", "西安路", "Xi'anlu", 30.6790, 104.0450,
     [("西安中路", "Xi'an Middle Road"), ("花牌坊街", "Huapaifang Street"),
      ("西安北路", "Xi'an North Road")]),
    ("jinniu", "fuqin", "抚琴", "Fuqin", 30.6860, 104.0420,
     [("抚琴西路", "Fuqin West Road"), ("金鱼街", "Jinyu Street"),
      ("抚琴东北路", "Fuqin Northeast Road")]),
    ("jinniu", "simaqiao", "驷马桥", "Simaqiao", 30.6940, 104.0870,
     [("驷马桥路", "Simaqiao Road"), ("北站西二路", "Beizhan West 2nd Road")]),
    ("jinniu", "hehuachi", "荷花池", "Hehuachi", 30.6920, 104.0740,
     [("人民北路二段", "Renmin North Road Section 2"), ("马鞍北路", "Ma'an North Road")]),
    ("jinniu", "wukuaishi", "五块石", "Wukuaishi", 30.7060, 104.0790,
     [("五块石路", "Wukuaishi Road"), ("星辉西路", "Xinghui West Road")]),
    ("jinniu", "jiulidi", "九里堤", "Jiulidi", 30.7040, 104.0500,
     [("九里堤北路", "Jiulidi North Road"), ("九里堤南路", "Jiulidi South Road"),
      ("交大路", "Jiaoda Road")]),
    ("jinniu", "yingmenkou", "营门口", "Yingmenkou", 30.6920, 104.0300,
     [("营门口路", "Yingmenkou Road"), ("蜀西路", "Shuxi Road")]),
    ("jinniu", "chadianzi", "茶店子", "Chadianzi", 30.6960, 104.0180,
     [("蜀汉路", "Shuhan Road"), ("一品天下大街", "Yipin Tianxia Street")]),
    ("jinniu", "jinquan", "金泉", "Jinquan", 30.7080, 104.0070,
     [("金泉路", "Jinquan Road"), ("金周路", "Jinzhou Road")]),
    ("jinniu", "shaheyuan", "沙河源", "Shaheyuan", 30.7200, 104.0360,
     [("金府路", "Jinfu Road"), ("洞子口路", "Dongzikou Road")]),
    ("jinniu", "tianhuizhen", "天回镇", "Tianhuizhen", 30.7350, 104.1000,
     [("天回路", "Tianhui Road"), ("川陕路", "Chuanshan Road")]),
    ("jinniu", "fenghuangshan", "凤凰山", "Fenghuangshan", 30.7250, 104.0800,
     [("北星大道一段", "Beixing Avenue Section 1"),
      ("蓉北商贸大道二段", "Rongbei Shangmao Avenue Section 2")]),
    ("jinniu", "xihua", "西华", "Xihua", 30.7280, 104.0150,
     [("西华大道", "Xihua Avenue"), ("金丰路", "Jinfeng Road")]),

    # 成华区 Chenghua
    ("chenghua", "mengzhuiwan", "猛追湾", "Mengzhuiwan", 30.6620, 104.0930,
     [("猛追湾街", "Mengzhuiwan Street"), ("望平街", "Wangping Street"),
      ("一环路东二段", "1st Ring Road East Section 2")]),
    ("chenghua", "jianshelu", "建设路", "Jianshelu", 30.6720, 104.1080,
     [("建设路", "Jianshe Road"), ("建设南路", "Jianshe South Road"), ("杉板桥路", "Shanbanqiao Road")]),
    ("chenghua", "shuangqiaozi", "双桥子", "Shuangqiaozi", 30.6520, 104.1120,
     [("双林路", "Shuanglin Road"), ("双庆路", "Shuangqing Road"), ("双桥路", "Shuangqiao Road")]),
    ("chenghua", "fuqinglu", "府青路", "Fuqinglu", 30.6800, 104.0960,
     [("府青路一段", "Fuqing Road Section 1"), ("府青路二段", "Fuqing Road Section 2"),
      ("新鸿路", "Xinhong Road")]),
    ("chenghua", "erxianqiao", "二仙桥", "Erxianqiao", 30.6830, 104.1250,
     [("二仙桥东三路", "Erxianqiao East 3rd Road"), ("二仙桥北路", "Erxianqiao North Road")]),
    ("chenghua", "tiaodenghe", "跳蹬河", "Tiaodenghe", 30.6600, 104.1210,
     [("跳蹬河北路", "Tiaodenghe North Road"), ("八里庄路", "Balizhuang Road")]),
    ("chenghua", "shuangshuinian", "双水碾", "Shuangshuinian", 30.7000, 104.0960,
     [("昭觉寺南路", "Zhaojuesi South Road"), ("双水碾街", "Shuangshuinian Street"),
      ("荆竹中路", "Jingzhu Middle Road")]),
    ("chenghua", "wannianchang", "万年场", "Wannianchang", 30.6530, 104.1270,
     [("万年路", "Wannian Road"), ("槐树店路", "Huaishudian Road")]),
    ("chenghua", "baohe", "保和", "Baohe", 30.6480, 104.1550,
     [("东三环路二段", "East 3rd Ring Road Section 2"), ("和平东路", "Heping East Road")]),
    ("chenghua", "qinglong", "青龙", "Qinglong", 30.7200, 104.1300,
     [("熊猫大道", "Panda Avenue"), ("昭青路", "Zhaoqing Road")]),
    ("chenghua", "longtan", "龙潭", "Longtan", 30.7120, 104.1600,
     [("华盛路", "Huasheng Road"), ("龙港路", "Longgang Road")]),
    ("chenghua", "bailianchi", "白莲池", "Bailianchi", 30.6700, 104.1420,
     [("成洛大道", "Chengluo Avenue"), ("双成二路", "Shuangcheng 2nd Road")]),
    ("chenghua", "shengdeng", "圣灯", "Shengdeng", 30.6850, 104.1450,
     [("圣灯路", "Shengdeng Road"), ("建材路", "Jiancai Road")]),
]

# Generic residential-estate names (小区) shared by all communities.
ESTATES = [
    ("锦绣苑", "Jinxiu Court"), ("桂花园", "Guihua Garden"), ("芙蓉小区", "Furong Estate"),
    ("银杏苑", "Yinxing Court"), ("和平新村", "Heping New Village"), ("翠竹园", "Cuizhu Garden"),
    ("紫荆小区", "Zijing Estate"), ("电力宿舍", "Power Company Staff Quarters"),
    ("铁路新村", "Railway New Village"), ("棉纺厂宿舍", "Cotton Mill Staff Quarters"),
    ("华庭", "Huating Residences"), ("锦城花园", "Jincheng Garden"), ("蜀都花园", "Shudu Garden"),
    ("府河苑", "Fuhe Court"), ("清水苑", "Qingshui Court"), ("百合苑", "Baihe Court"),
    ("玉兰苑", "Yulan Court"), ("丹桂小区", "Dangui Estate"), ("天府花园", "Tianfu Garden"),
    ("书香苑", "Shuxiang Court"), ("康乐小区", "Kangle Estate"), ("幸福家园", "Xingfu Homes"),
    ("阳光小区", "Yangguang Estate"), ("金桂苑", "Jingui Court"), ("学府花园", "Xuefu Garden"),
    ("邮电宿舍", "Post and Telecom Staff Quarters"), ("税务宿舍", "Tax Bureau Staff Quarters"),
    ("机械厂宿舍", "Machinery Plant Staff Quarters"), ("南苑", "Nanyuan Estate"),
    ("东苑", "Dongyuan Estate"), ("芳邻苑", "Fanglin Court"), ("青枫苑", "Qingfeng Court"),
    ("锦江花园", "Jinjiang Garden"), ("望丛苑", "Wangcong Court"), ("荷塘月色", "Hetang Yuese Estate"),
    ("水木清华", "Shuimu Qinghua Estate"), ("银都花园", "Yindu Garden"), ("长寿苑", "Changshou Court"),
]

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


# ---------------------------------------------------------------- helpers

def pick_weighted(rng, options):
    """options: list of (weight, value)."""
    total = sum(w for w, _ in options)
    x = rng.random() * total
    for w, v in options:
        x -= w
        if x < 0:
            return v
    return options[-1][1]


def fmt_price(p):
    return str(int(p)) if p == int(p) else f"{p:.1f}"


M_PER_DEG_LAT = 111_320.0


def m_per_deg_lng(lat):
    return M_PER_DEG_LAT * math.cos(math.radians(lat))


def jitter(rng, lat, lng, near=None, sigma=SIGMA_M):
    """A point around a community centre (lat, lng): normal offsets of `sigma`
    metres per axis, drawn again when farther than 1.2 km from the centre or
    outside the urban-core box. With `near` (an estate's position), the
    offsets are taken from that point instead, still within 1.2 km of the centre."""
    olat, olng = near if near else (lat, lng)
    while True:
        la = olat + rng.gauss(0.0, sigma) / M_PER_DEG_LAT
        ln = olng + rng.gauss(0.0, sigma) / m_per_deg_lng(lat)
        dist = math.hypot((la - lat) * M_PER_DEG_LAT, (ln - lng) * m_per_deg_lng(lat))
        if dist <= MAX_OFFSET_M and LAT_MIN <= la <= LAT_MAX and LNG_MIN <= ln <= LNG_MAX:
            return round(la, 6), round(ln, 6)


class Phones:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def new(self):
        while True:
            p = "028-8" + "".join(str(self.rng.randrange(10)) for _ in range(7))
            if p not in self.used:
                self.used.add(p)
                return p


class Names:
    """Keeps facility names unique across the whole data set."""

    def __init__(self):
        self.used = set()

    def take(self, rng, candidates):
        cands = list(candidates)
        rng.shuffle(cands)
        for zh, en in cands:
            if zh not in self.used:
                self.used.add(zh)
                return zh, en
        zh, en = cands[0]
        k = 2
        while f"{zh}（{k}）" in self.used:
            k += 1
        self.used.add(f"{zh}（{k}）")
        return f"{zh}（{k}）", f"{en} ({k})"


def address(rng, district, street, annex_prob=0.2):
    dzh, den = district
    szh, sen = street
    num = rng.randrange(1, 200)
    if rng.random() < annex_prob:
        k = rng.randrange(1, 12)
        return f"{dzh}{szh}{num}号附{k}号", f"Annex {k}, {num} {sen}, {den}"
    return f"{dzh}{szh}{num}号", f"{num} {sen}, {den}"


# ---------------------------------------------------------------- hours

def hm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def span(a, b):
    return f"{hm(a)}-{hm(b)}"


def t(h, m=0):
    return h * 60 + m


def meal_hours(rng, lunch, dinner):
    ls = rng.choice([t(10, 30), t(10, 45), t(11), t(11), t(11, 30)])
    le = rng.choice([t(13), t(13), t(13, 30), t(14)])
    ds = rng.choice([t(16, 30), t(17), t(17), t(17, 30)])
    de = rng.choice([t(18, 30), t(19), t(19), t(19, 30)])
    spans = []
    if rng.random() < 0.08 and lunch:
        spans.append(span(t(7), rng.choice([t(9), t(9, 30)])))  # breakfast too
    if lunch:
        spans.append(span(ls, le))
    if dinner:
        spans.append(span(ds, de))
    full = ",".join(spans)
    lunch_only = span(ls, le) if lunch else full
    pattern = pick_weighted(rng, [
        (55, "all"), (14, "sat_short"), (10, "no_sun"), (9, "weekdays"), (12, "weekend_lunch"),
    ])
    if lunch_only == full and pattern in ("sat_short", "weekend_lunch"):
        pattern = "no_sun" if pattern == "sat_short" else "all"
    if pattern == "all":
        return f"Mo-Su {full}"
    if pattern == "sat_short":
        return f"Mo-Fr {full}; Sa {lunch_only}; Su off"
    if pattern == "no_sun":
        return f"Mo-Sa {full}; Su off"
    if pattern == "weekdays":
        return f"Mo-Fr {full}; Sa,Su off"
    return f"Mo-Fr {full}; Sa,Su {lunch_only}"


def reading_hours(rng, style):
    if style == "city":  # 城市书房: long hours, some past midnight
        if rng.random() < 0.35:
            return f"Mo-Su 08:30-22:00; Fr,Sa 08:30-{rng.choice(['00:30', '01:00', '02:00'])}"
        return rng.choice(["Mo-Su 08:00-22:00", "Mo-Su 09:00-22:00", "Mo-Su 08:30-21:30"])
    if style == "station":  # 文化站图书室: closed Mondays
        return rng.choice([
            "Tu-Su 09:00-12:00,14:00-18:00; Mo off",
            "Tu-Su 09:00-17:30; Mo off",
            "Tu-Su 09:30-12:00,14:30-20:00; Mo off",
        ])
    o = rng.choice([t(8, 30), t(9), t(9), t(9, 30)])
    c = rng.choice([t(17, 30), t(18), t(20), t(20, 30), t(21)])
    return pick_weighted(rng, [
        (30, f"Mo-Su {span(o, c)}"),
        (22, f"Mo-Su {span(o, t(12))},{span(t(14), c)}"),
        (18, f"Tu-Su {span(o, c)}; Mo off"),
        (15, f"Mo-Fr {span(o, t(17, 30))}; Sa,Su {span(t(10), t(18))}"),
        (10, f"Mo-Fr {span(t(14), t(20))}; Sa,Su {span(t(9), t(20))}"),
        (5, f"We-Su {span(t(9, 30), t(17, 30))}"),
    ])


def dropoff_hours(rng):
    if rng.random() < 0.05:
        return "Mo-Su 00:00-24:00"
    am = rng.choice([span(t(6, 30), t(8, 30)), span(t(7), t(9)), span(t(7), t(9)), span(t(7, 30), t(9, 30))])
    pm = rng.choice([span(t(18), t(20)), span(t(18), t(21)), span(t(18), t(21)),
                     span(t(18, 30), t(21)), span(t(19), t(21, 30))])
    if rng.random() < 0.2:
        we_am = span(t(8), t(10))
        return f"Mo-Fr {am},{pm}; Sa,Su {we_am},{pm}"
    return f"Mo-Su {am},{pm}"


def station_hours(rng):
    return rng.choice([
        "Mo-Sa 08:30-17:30", "Mo-Sa 08:30-17:30", "Mo-Su 09:00-18:00",
        "Tu-Su 09:00-17:00; Mo off", "Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00",
    ])


def hazardous_hours(rng):
    return rng.choice(["Mo-Su 00:00-24:00", "Mo-Fr 09:00-17:00", "Mo-Su 08:00-20:00"])


# ---------------------------------------------------------------- facilities

CSV_FIELDS = ["ref", "kind", "name_zh", "name_en", "address_zh", "address_en", "lat", "lng",
              "phone", "community", "hours", "lunch", "dinner", "price_60", "price_80",
              "delivery", "children_corner", "seats", "accepts"]


def allocate(rng, weights):
    """How many facilities of each kind each community gets."""
    counts = {}
    n = len(weights)
    for kind, total in TARGET.items():
        per = [BASE[kind]] * n
        # kind-specific noise on top of the shared community density
        w = [wi * rng.uniform(0.7, 1.3) for wi in weights]
        for i in rng.choices(range(n), weights=w, k=total - BASE[kind] * n):
            per[i] += 1
        counts[kind] = per
    return counts


def community_estates(rng, comm, used_estates):
    _, _, czh, cen, _, _, streets = comm
    k = rng.randrange(3, 6)
    chosen = [(f"{czh}小区", f"{cen} Estate")]
    if rng.random() < 0.5:
        chosen.append((f"{czh}新村", f"{cen} New Village"))
    for zh, en in rng.sample(ESTATES, k):
        if zh in used_estates:
            zh, en = czh + zh, f"{cen} {en}"
        chosen.append((zh, en))
    out = []
    for zh, en in chosen:
        used_estates.add(zh)
        out.append((zh, en, rng.choice(streets), rng.randrange(1, 200), jitter(rng, comm[4], comm[5])))
    return out


def estate_address(district, estate):
    zh, en, (szh, sen), num, _ = estate
    return f"{district[0]}{szh}{num}号{zh}", f"{en}, {num} {sen}, {district[1]}"


def make_meal(rng, names, phones, comm, district, estates):
    _, _, czh, cen, lat, lng, streets = comm
    street = rng.choice(streets)
    estate = rng.choice(estates)
    szh, sen = street
    name_zh, name_en = names.take(rng, [
        (f"{szh}长者食堂", f"{sen} Elderly Canteen"),
        (f"{czh}社区长者食堂", f"{cen} Community Elderly Canteen"),
        (f"{czh}老年助餐点", f"{cen} Senior Meal Point"),
        (f"{estate[0]}助餐点", f"{estate[1]} Meal-Assistance Point"),
        (f"{czh}邻里食堂", f"{cen} Neighbourhood Canteen"),
        (f"{szh}幸福食堂", f"{sen} Happiness Canteen"),
        (f"{czh}颐养食堂", f"{cen} Senior Care Canteen"),
        (f"{szh}社区食堂（助餐点）", f"{sen} Community Canteen (Meal Point)"),
    ])
    if name_zh.startswith(estate[0]):
        addr, at = estate_address(district, estate), estate[4]
    else:
        addr, at = address(rng, district, street), None
    lunch = rng.random() < 0.96
    dinner = (not lunch) or rng.random() < 0.6
    p60 = rng.choice([8, 9, 10, 10, 10.5, 11, 12, 12, 12.5, 13, 14, 15])
    p80 = max(6, p60 - rng.choice([0, 0, 1, 1.5, 2, 2, 3]))
    return {
        "kind": "meal", "name_zh": name_zh, "name_en": name_en,
        "address_zh": addr[0], "address_en": addr[1],
        "phone": phones.new() if rng.random() < 0.95 else "",
        "hours": meal_hours(rng, lunch, dinner),
        "lunch": int(lunch), "dinner": int(dinner),
        "price_60": fmt_price(p60), "price_80": fmt_price(p80),
        "delivery": int(rng.random() < 0.4), "_near": at,
    }


def make_reading(rng, names, phones, comm, district, estates):
    _, _, czh, cen, lat, lng, streets = comm
    street = rng.choice(streets)
    estate = rng.choice(estates)
    szh, sen = street
    name_zh, name_en = names.take(rng, [
        (f"{czh}社区书屋", f"{cen} Community Reading Room"),
        (f"{szh}阅读空间", f"{sen} Reading Space"),
        (f"{czh}邻里书房", f"{cen} Neighbourhood Study"),
        (f"{czh}综合文化站图书室", f"{cen} Cultural Station Library"),
        (f"{estate[0]}共享书屋", f"{estate[1]} Shared Reading Room"),
        (f"{szh}城市书房", f"{sen} City Study Room"),
        (f"{czh}亲子阅读角", f"{cen} Family Reading Corner"),
        (f"{estate[0]}图书角", f"{estate[1]} Book Corner"),
    ])
    if name_zh.startswith(estate[0]):
        addr, at = estate_address(district, estate), estate[4]
    else:
        addr, at = address(rng, district, street), None
    if "城市书房" in name_zh:
        style, seats = "city", rng.randrange(40, 81)
    elif "文化站" in name_zh:
        style, seats = "station", rng.randrange(20, 61)
    elif "图书角" in name_zh:
        style, seats = "plain", rng.randrange(10, 21)
    else:
        style, seats = "plain", rng.randrange(12, 51)
    children = "亲子" in name_zh or rng.random() < 0.5
    return {
        "kind": "reading", "name_zh": name_zh, "name_en": name_en,
        "address_zh": addr[0], "address_en": addr[1],
        "phone": phones.new() if rng.random() < 0.9 else "",
        "hours": reading_hours(rng, style),
        "children_corner": int(children), "seats": seats, "_near": at,
    }


def make_sorting(rng, names, phones, comm, district, estates, estate_no):
    _, _, czh, cen, lat, lng, streets = comm
    sub = pick_weighted(rng, [(80, "dropoff"), (13, "station"), (7, "hazardous")])
    at = None
    street = rng.choice(streets)
    szh, sen = street
    if sub == "dropoff":
        estate = rng.choice(estates)
        ezh, een = estate[0], estate[1]
        if rng.random() < 0.15:
            num = rng.randrange(1, 200)
            name_zh, name_en = names.take(rng, [
                (f"{szh}{num}号院垃圾分类投放点", f"{num} {sen} Courtyard Sorting Point")])
            addr = (f"{district[0]}{szh}{num}号", f"{num} {sen}, {district[1]}")
        else:
            estate_no[ezh] = estate_no.get(ezh, 0) + 1
            n = estate_no[ezh]
            style = rng.random()
            if style < 0.7:
                name_zh, name_en = f"{ezh}{n}号垃圾分类投放点", f"{een} No. {n} Sorting Point"
            else:
                name_zh, name_en = f"{ezh}{n}号定时定点投放点", f"{een} No. {n} Timed Drop-off Point"
            name_zh, name_en = names.take(rng, [(name_zh, name_en)])
            addr, at = estate_address(district, estate), estate[4]
        accepts = ["recyclable"] + (["hazardous"] if rng.random() < 0.25 else []) + ["food", "residual"]
        hours = dropoff_hours(rng)
        phone = phones.new() if rng.random() < 0.4 else ""
    elif sub == "station":
        name_zh, name_en = names.take(rng, [
            (f"{czh}可回收物回收站", f"{cen} Recyclables Station"),
            (f"{szh}再生资源回收站", f"{sen} Recycling Station"),
            (f"{czh}绿色回收驿站", f"{cen} Green Recycling Kiosk"),
        ])
        addr = address(rng, district, street)
        accepts = ["recyclable"] if rng.random() < 0.6 else ["recyclable", "hazardous"]
        hours = station_hours(rng)
        phone = phones.new() if rng.random() < 0.9 else ""
    else:
        name_zh, name_en = names.take(rng, [
            (f"{czh}社区有害垃圾收集点", f"{cen} Community Hazardous Waste Collection Point"),
            (f"{szh}有害垃圾收集点", f"{sen} Hazardous Waste Collection Point"),
        ])
        addr = address(rng, district, street)
        accepts = ["hazardous"]
        hours = hazardous_hours(rng)
        phone = phones.new() if rng.random() < 0.5 else ""
    return {
        "kind": "sorting", "name_zh": name_zh, "name_en": name_en,
        "address_zh": addr[0], "address_en": addr[1],
        "phone": phone, "hours": hours, "accepts": "|".join(accepts), "_near": at,
    }


LATE_NIGHT_SORTING = "Mo-Su 06:30-08:30,20:00-01:00"  # night-market streets


def generate():
    rng = random.Random(SEED)
    weights = [rng.lognormvariate(0.0, 0.5) for _ in COMMUNITIES]
    counts = allocate(rng, weights)
    names = Names()
    phones = Phones(rng)
    used_estates = set()
    estates = [community_estates(rng, c, used_estates) for c in COMMUNITIES]

    rows = []
    for kind in ("meal", "reading", "sorting"):
        seq = 0
        for ci, comm in enumerate(COMMUNITIES):
            code = f"{comm[0]}-{comm[1]}"
            district = DISTRICTS[comm[0]]
            estate_no = {}
            for _ in range(counts[kind][ci]):
                if kind == "meal":
                    row = make_meal(rng, names, phones, comm, district, estates[ci])
                elif kind == "reading":
                    row = make_reading(rng, names, phones, comm, district, estates[ci])
                else:
                    row = make_sorting(rng, names, phones, comm, district, estates[ci], estate_no)
                seq += 1
                row["ref"] = f"{kind}-{seq:04d}"
                row["community"] = code
                near = row.pop("_near")
                if near:  # inside or at the gate of its estate
                    row["lat"], row["lng"] = jitter(rng, comm[4], comm[5], near=near, sigma=45.0)
                else:
                    row["lat"], row["lng"] = jitter(rng, comm[4], comm[5])
                rows.append(row)

    # A couple of drop-off points on night-market streets stay open past midnight.
    for code in ("wuhou-yulin", "chenghua-jianshelu"):
        late = [r for r in rows if r["kind"] == "sorting" and r["community"] == code
                and r["accepts"].endswith("residual")]
        late[0]["hours"] = LATE_NIGHT_SORTING
    return rows


# ---------------------------------------------------------------- output

def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def communities_rows():
    for district, slug, zh, pinyin, lat, lng, _ in COMMUNITIES:
        dzh, den = DISTRICTS[district]
        yield [f"{district}-{slug}", f"{zh}街道", f"{pinyin} Subdistrict", dzh, den,
               f"{lat:.6f}", f"{lng:.6f}"]


SAMPLE_GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [104.0598, 30.6301]},
            "properties": {
                "ref": "geo-meal-1", "kind": "meal",
                "name_zh": "玉林北路示例长者食堂", "name_en": "Yulin North Road Example Elderly Canteen",
                "address_zh": "武侯区玉林北路8号", "address_en": "8 Yulin North Road, Wuhou District",
                "phone": "028-85550101", "community": "wuhou-yulin",
                "hours": "Mo-Fr 11:00-13:00,17:00-18:30; Sa 11:00-13:00; Su off",
                "lunch": 1, "dinner": 1, "price_60": 12, "price_80": 10, "delivery": 1,
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [104.0562, 30.6695]},
            "properties": {
                "ref": "geo-reading-1", "kind": "reading",
                "name_zh": "少城示例社区书屋", "name_en": "Shaocheng Example Community Reading Room",
                "address_zh": "青羊区长顺上街66号", "address_en": "66 Changshun Upper Street, Qingyang District",
                "phone": "028-86660202", "community": "qingyang-shaocheng",
                "hours": "Tu-Su 09:00-21:00; Mo off",
                "children_corner": 1, "seats": 36,
            },
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [104.0941, 30.6627]},
            "properties": {
                "ref": "geo-sorting-1", "kind": "sorting",
                "name_zh": "猛追湾示例小区1号垃圾分类投放点",
                "name_en": "Mengzhuiwan Example Estate No. 1 Sorting Point",
                "address_zh": "成华区猛追湾街20号", "address_en": "20 Mengzhuiwan Street, Chenghua District",
                "phone": "", "community": "chenghua-mengzhuiwan",
                "hours": "Mo-Su 07:00-09:00,18:00-21:00",
                "accepts": "recyclable|hazardous|food|residual",
            },
        },
    ],
}


def main():
    write_csv(os.path.join(OUT_DIR, "communities.csv"),
              ["code", "name_zh", "name_en", "district_zh", "district_en", "lat", "lng"],
              communities_rows())
    rows = generate()
    write_csv(os.path.join(OUT_DIR, "facilities.csv"), CSV_FIELDS,
              ([f"{r[k]:.6f}" if k in ("lat", "lng") else r.get(k, "") for k in CSV_FIELDS]
               for r in rows))
    with open(os.path.join(OUT_DIR, "sample.geojson"), "w", encoding="utf-8", newline="") as f:
        json.dump(SAMPLE_GEOJSON, f, ensure_ascii=False, indent=2)
        f.write("\n")
    by_kind = {}
    for r in rows:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    print(f"communities: {len(COMMUNITIES)}; facilities: "
          + ", ".join(f"{k} {v}" for k, v in by_kind.items()))


if __name__ == "__main__":
    main()
