"""Throughput of classifier.Classifier.classify against a naive keyword loop (issue #5).

    python benchmarks/classify_bench.py [--n 20000] [--keywords 1000] [--dense] [--seed 1]
    python benchmarks/classify_bench.py --outside [--n 20000] [--jobs N]

Builds N items — a commerce-bureau headline plus about 2,000 characters of body — and a ruleset
of about --keywords words, then times, over the same items in the same process:

- classify: Classifier(ruleset).classify(title, body): normalization, Aho–Corasick matching of
  every rule word, near/exclusion/containment/group logic, scoring, the Decision with evidence;
- naive:    ``for word in words: if word in title ... if word in body`` over the same words
  (matching only: no scoring, no positions);
- workers:  the same classification spread over --jobs worker processes by gongkai.parallel
  (what ``gongkai classify`` and ``gongkai reclassify`` use), results back in order, counted
  from start-up of the pool to the last result.

The ruleset is the built-in default rules plus generated keywords until it holds --keywords
distinct words: longer phrases made of a modifier and one of the default keywords (全区消费券,
专项安全检查 …, the way an officer overrides a short word, so containment is exercised) and
sector terms (家电促销, 成品油经营 …). The body mixes the bureau's domain sentences with the
administrative sentences real articles are mostly made of (会议要求… / 与会人员…); --dense uses
domain sentences only, a worst case with about twice the hits. Every item is distinct.

Last (alone with --outside), the measure from the outside that issue #18 asks for: N JSON lines
of real headlines (tests/fixtures/rules: the corpus and the labelled headlines) with bodies of
about 2,000 characters (~6 KB UTF-8) made of the corpus's real lead paragraphs and the sentences
above, fed to ``gongkai classify`` (built-in rules) as a subprocess with ``--jobs 1`` and with
the default workers, on the pure-Python core (GONGKAI_CORE=pure) and on the compiled one (the
package's when ``make core`` built it, else one tools/build_core.py builds for the run; none
without a compiler), against a pass-through of the same lines in the same run (a Python
subprocess that reads each line, ``json.loads`` it, ``json.dumps`` a fixed small object and
writes it): items/s, the ratio classify / pass-through, and the CPU time of each run (and its
ratio to the pass-through's CPU time: what the wall-time ratio means on a machine others use).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from classifier import Classifier, load_rules, parse_rules
from classifier._rules import default_rules_text
from gongkai import parallel

TITLES = [
    "区商务局开展节前安全生产大检查",
    "卫滨区汽车消费券第二轮发放活动即将开启",
    "卫滨区召开2024年招商引资工作推进会",
    "区商务局推进一刻钟便民生活圈建设",
    "卫滨区商务局行政许可事项办理结果公示",
    "区商务局党支部开展主题党日活动",
    "家电以旧换新 惠民补贴来了",
    "区商务局对辖区加油站开展安全检查",
    "总投资12亿元新能源电池项目落户卫滨",
    "全力做好元旦春节期间生活必需品保供稳价工作",
]

SENTENCES = [
    "为深入贯彻落实省市关于促进消费的决策部署，进一步激发市场活力，区商务局结合实际制定本方案。",
    "活动期间，辖区各大商场、超市、餐饮企业同步推出满减、折扣、抽奖等多种优惠措施。",
    "检查组深入辖区加油站、大型商超和农贸市场，重点检查消防设施、燃气管道和应急预案落实情况。",
    "对检查中发现的安全隐患，检查组现场提出整改意见，要求企业限期整改到位，确保不留死角。",
    "会上，区商务局主要负责同志通报了上半年全区招商引资工作完成情况，并对下一步工作进行了安排部署。",
    "双方就项目选址、投资规模、建设周期等事宜进行了深入洽谈，达成初步合作意向。",
    "近年来，我区持续完善县域商业体系，推动电子商务进农村，畅通农产品上行和工业品下行渠道。",
    "区商务局加强生活必需品市场运行监测，密切关注粮油肉蛋菜等重要商品的供应和价格变化。",
    "根据《成品油市场管理办法》有关规定，经审核，现将有关企业成品油零售经营资格审批结果予以公示。",
    "公示期间，如有异议，请以书面形式向区商务局反映，联系电话：0373-1234567。",
    "全体党员干部认真学习了党的二十届三中全会精神，并结合工作实际进行了交流发言。",
    "下一步，区商务局将持续优化营商环境，强化要素保障，推动签约项目早落地、早投产、早见效。",
    "本次消费券采取线上发放方式，市民可通过云闪付APP参与领取，先到先得，领完即止。",
    "区商务局将以此次活动为契机，持续推进老字号传承创新，推动再生资源回收体系建设。",
    "据统计，假期全区重点监测商贸企业实现销售额1.2亿元，同比增长8.6%，消费市场活跃有序。",
    "下一步，我局将继续压紧压实企业安全生产主体责任，坚决防范和遏制各类安全事故发生。",
]

# What most of an article is: meeting formulas, attendance, dates, exhortations.
GENERIC = [
    "会议强调，要进一步提高政治站位，统一思想认识，切实增强做好各项工作的责任感和紧迫感。",
    "区政府副区长张伟出席会议并讲话，区直有关单位主要负责同志参加会议。",
    "与会人员围绕年度目标任务逐项进行了讨论，并结合各自分管领域提出了具体意见和建议。",
    "3月15日上午，在区行政服务中心三楼会议室召开专题会议，会议由局党组书记主持。",
    "会议要求，各单位要明确时间节点，细化责任分工，建立工作台账，确保各项任务按期完成。",
    "一要强化组织领导，二要加强协调配合，三要严格督导考核，形成上下联动、齐抓共管的工作格局。",
    "此次活动得到了社会各界的广泛关注和积极参与，取得了良好的社会效果。",
    "下一步，我们将认真总结经验做法，查找不足，持续改进，不断推动各项工作迈上新台阶。",
    "据悉，该活动自2023年启动以来，已连续举办两届，累计参与群众超过一万人次。",
    "现场工作人员耐心解答群众咨询，发放宣传资料三百余份，受到群众一致好评。",
    "各相关单位要高度重视，周密安排，于每月25日前将工作进展情况报送办公室。",
    "附件：1.工作方案 2.联系人名单 3.进度安排表",
]

# For generated keywords: how an officer lengthens a word, and sector terms of a commerce bureau.
MODIFIERS = ["全区", "我区", "市级", "省级", "年度", "专项", "重点", "区级", "县级", "新一轮"]
SECTORS = ["家电", "汽车", "成品油", "酒类", "餐饮", "家政", "药品", "粮油", "蔬菜", "肉类",
           "冷链", "快递", "二手车", "再生资源", "商超", "便利店", "电商", "直播", "外贸", "外资",
           "老字号", "农贸", "社区", "夜市", "步行街", "会展", "文旅", "住宿", "洗染", "美容美发"]
SUFFIXES = ["促销", "经营", "补贴", "企业", "行业", "门店", "消费", "监管", "项目", "备案",
            "许可", "检查", "服务", "平台", "展会"]


def ruleset_text(target: int, seed: int) -> str:
    """The default rules plus generated keywords, as TOML, until ``target`` distinct words."""
    base = load_rules()
    words = set(Classifier(base).words)
    rng = random.Random(seed)
    extra: dict[str, list[str]] = {c.name: [] for c in base.categories}
    pool = [(m + kw, c.name) for c in base.categories for kw in c.keywords for m in MODIFIERS
            if len(kw) >= 2]
    pool += [(s + x, base.categories[i % len(base.categories)].name)
             for i, s in enumerate(SECTORS) for x in SUFFIXES]
    rng.shuffle(pool)
    for word, cat in pool:
        if len(words) >= target:
            break
        if word not in words:
            words.add(word)
            extra[cat].append(word)
    text = default_rules_text()
    # Append to each category's [category.keywords] table: it is the last table of its block.
    blocks = text.split("\n[[category]]\n")
    for i, block in enumerate(blocks[1:], 1):
        name = block.split('name = "', 1)[1].split('"', 1)[0]
        lines = "\n".join(f'"{w}" = {rng.choice((2, 3, 4))}' for w in extra.get(name, []))
        head, sep, rest = block.partition("[category.keywords]\n")
        blocks[i] = head + sep + lines + "\n" + rest if sep else block
    return "\n[[category]]\n".join(blocks)


def make_items(n: int, seed: int, dense: bool = False, size: int = 1500,
               unit: str = "chars") -> list[tuple[str, str]]:
    """N (title, body) pairs; bodies of at least ``size`` characters, or UTF-8 bytes with
    ``unit="bytes"``."""
    rng = random.Random(seed)
    pools = [SENTENCES] if dense else [SENTENCES, GENERIC]
    items = []
    for i in range(n):
        body, length = [], 0
        while length < size:
            s = rng.choice(rng.choice(pools))
            body.append(s)
            length += len(s.encode("utf-8")) + 1 if unit == "bytes" else len(s)
        # a serial number keeps every item distinct (no cache can help)
        items.append((f"{rng.choice(TITLES)}（第{i}期）", "\n".join(body)))
    return items


ROOT = Path(__file__).resolve().parent.parent
REAL = [ROOT / "tests/fixtures/rules/corpus/dev.jsonl",
        ROOT / "tests/fixtures/rules/corpus/test.jsonl",
        ROOT / "tests/fixtures/rules/real/headlines.jsonl"]

# What the pass-through does per line: the least any JSON-lines filter does.
PASS_THROUGH = (
    "import json, sys\n"
    "w = sys.stdout.write\n"
    "for line in sys.stdin:\n"
    "    json.loads(line)\n"
    "    w(json.dumps({'category': '其他', 'score': 0.0}, ensure_ascii=False) + '\\n')\n"
)


def real_items(n: int, seed: int, chars: int = 2000) -> list[tuple[str, str]]:
    """N (title, body) pairs: a real headline, and a body of at least *chars* characters that
    opens with that headline's own lead (when the corpus has one) and goes on with real leads of
    other headlines and the sentences above, paragraphs on lines of their own as pages give them.
    The corpus stores leads normalized (half-width punctuation); pages write ，。：（）, so a lead
    is put back in full width half of the time."""
    rows = []
    for path in REAL:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    obj = json.loads(line)
                    rows.append((obj["title"], obj.get("body") or ""))
    leads = [b for _, b in rows if b]
    rng = random.Random(seed)
    full = str.maketrans({",": "，", ":": "：", "(": "（", ")": "）", ";": "；", "!": "！",
                          "?": "？"})
    items = []
    for i in range(n):
        title, lead = rng.choice(rows)
        paras, length = [], 0
        if lead:
            paras.append(lead)
            length += len(lead)
        while length < chars:
            pool = rng.choice((leads, SENTENCES, GENERIC))
            s = rng.choice(pool)
            if pool is leads and rng.random() < 0.5:
                s = s.translate(full)
            paras.append(s)
            length += len(s) + 1
        # a serial number keeps every item distinct (no cache can help)
        items.append((f"{title}（{i}）", "\n".join(paras)))
    return items


def compiled_core(tmp: Path) -> tuple[str | None, str]:
    """(GONGKAI_CORE value that runs the compiled core, what it is), building one into *tmp*
    when the package holds no current one; (None, why) when this machine cannot."""
    from classifier import _coreload
    if _coreload.KIND == "compiled":
        return "", "built by make core"
    done = subprocess.run([sys.executable, str(ROOT / "tools/build_core.py"), "--out", str(tmp)],
                          capture_output=True, text=True)
    if _coreload.compiled_file(tmp) is None:
        return None, done.stderr.strip()
    return str(tmp), "built for this run"


def outside(n: int, seed: int, jobs: int, repeat: int = 1) -> None:
    """``gongkai classify`` end to end against a JSON pass-through, both as subprocesses, on the
    pure-Python core and on the compiled one, in the same run."""
    items = real_items(n, seed)
    gongkai = [sys.executable, "-c", "import sys; from gongkai.cli import main; sys.exit(main())", "classify"]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for title, body in items:
                f.write(json.dumps({"title": title, "body": body}, ensure_ascii=False) + "\n")
        size = src.stat().st_size
        compiled, how = compiled_core(Path(tmp) / "core")

        def timed(cmd: list[str], core: str = "pure") -> tuple[float, float]:
            """(wall seconds, CPU seconds of it and its workers) of the fastest run: the CPU
            time says what the wall time means on a machine others are using too."""
            best = (float("inf"), 0.0)
            for _ in range(repeat):
                with src.open("rb") as stdin:
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    t0 = time.perf_counter()
                    subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, check=True,
                                   env={**os.environ, "PYTHONPATH": str(ROOT),
                                        "GONGKAI_CORE": core})
                    wall = time.perf_counter() - t0
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                    best = min(best, (wall, cpu))
            return best

        base, base_cpu = timed([sys.executable, "-c", PASS_THROUGH])
        runs = []
        for label, core in (("pure", "pure"), ("compiled", compiled)):
            if core is None:
                continue
            for j in (1, jobs):
                runs.append((f"{label} --jobs {j}", *timed([*gongkai, "--jobs", str(j)], core)))
    bodies = sum(len(b) for _, b in items) / n
    print(f"outside: {n} JSON lines, bodies of {bodies:,.0f} characters "
          f"({size / n / 1024:.1f} KB a line), built-in rules, best of {repeat}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  compiled core: {how}" if compiled is not None
          else f"  compiled core: none ({how})")
    print(f"  JSON pass-through:             {base:7.2f} s  {n / base:10,.0f} items/s"
          f"              (CPU {base_cpu:5.2f} s)")
    for label, wall, cpu in runs:
        # the CPU ratio says what the wall ratio would be on an idle machine with one core
        print(f"  classify {label:19s} {wall:7.2f} s  {n / wall:10,.0f} items/s"
              f"  ratio {wall / base:5.1f}  (CPU {cpu:5.2f} s, {cpu / n * 1e6:4.0f} µs a line,"
              f" CPU ratio {cpu / base_cpu:4.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="number of items (default 20000)")
    parser.add_argument("--keywords", type=int, default=1000,
                        help="distinct rule words (default 1000)")
    parser.add_argument("--body-bytes", type=int, default=2048,
                        help="body size in UTF-8 bytes (default 2048: about 700 Chinese characters)")
    parser.add_argument("--dense", action="store_true", help="domain sentences only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=parallel.default_jobs(),
                        help="worker processes for the pool line (default: one per core)")
    parser.add_argument("--outside", action="store_true",
                        help="only the outside measure (run last otherwise): gongkai classify "
                             "against a JSON pass-through, as subprocesses, on real-headline "
                             "items")
    parser.add_argument("--repeat", type=int, default=1,
                        help="outside measure: best of this many runs (default 1)")
    args = parser.parse_args()
    if args.outside:
        outside(args.n, args.seed, args.jobs, args.repeat)
        return

    rules = parse_rules(ruleset_text(args.keywords, args.seed).encode("utf-8"))
    t0 = time.perf_counter()
    clf = Classifier(rules)
    build = time.perf_counter() - t0
    words = clf.words
    items = make_items(args.n, args.seed, args.dense, size=args.body_bytes, unit="bytes")
    chars = sum(len(b) for _, b in items)
    size = sum(len(b.encode("utf-8")) for _, b in items)

    t0 = time.perf_counter()
    evidence = 0
    for title, body in items:
        evidence += len(clf.classify(title, body).evidence)
    ac = time.perf_counter() - t0

    t0 = time.perf_counter()
    pooled = sum(1 for _ in parallel.decide_rows(
        rules, ((i, t, b) for i, (t, b) in enumerate(items)), jobs=args.jobs))
    pool = time.perf_counter() - t0
    assert pooled == args.n

    naive_items = items[: max(1, args.n // 10)]   # the loop is slow; a tenth is plenty to time
    t0 = time.perf_counter()
    naive_hits = 0
    for title, body in naive_items:
        for w in words:
            if w in title:
                naive_hits += 1
            if w in body:
                naive_hits += 1
    naive = (time.perf_counter() - t0) / len(naive_items) * args.n

    print(f"items: {args.n}, bodies of {size / args.n:,.0f} bytes = {chars / args.n:,.0f} characters"
          f"{' (dense)' if args.dense else ''}; rule words: {len(words)}; "
          f"automaton built in {build * 1000:.0f} ms")
    print(f"classify (Aho-Corasick + scoring): {ac:8.2f} s  {args.n / ac:10,.0f} items/s"
          f"  ({evidence / args.n:.1f} evidence per item)")
    print(f"naive `word in text` loop:         {naive:8.2f} s  {args.n / naive:10,.0f} items/s"
          f"  ({naive_hits / len(naive_items):.1f} words found per item, no scoring)")
    print(f"ratio classify/naive: {naive / ac:.1f}x")
    print(f"classify on {args.jobs} worker processes: {pool:8.2f} s  {args.n / pool:10,.0f} items/s"
          f"  ({ac / pool:.1f}x one process; evidence serialized as stored)")
    outside(args.n, args.seed, args.jobs, args.repeat)


if __name__ == "__main__":
    main()
