"""Throughput of classifier.Classifier.classify against a naive keyword loop.

    python benchmarks/classify_bench.py [--n 5000] [--seed 1]

Builds N synthetic but realistic items (a commerce-bureau headline plus about 1,500 characters of
body assembled from typical article sentences), then times:

- classify: Classifier(default rules).classify(title, body) — normalization, Aho–Corasick matching
  of every rule word, near/exclusion/containment logic, scoring and the Decision record;
- naive:    for every rule word, ``word in title`` and ``word in body`` (matching only, no scoring).

Both run over the same items and the same words, in the same process.
"""

from __future__ import annotations

import argparse
import random
import time

from classifier import Classifier, load_rules

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


def make_items(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        body = []
        length = 0
        while length < 1500:
            s = rng.choice(SENTENCES)
            body.append(s)
            length += len(s)
        items.append((rng.choice(TITLES), "".join(body)))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="number of items (default 5000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rules = load_rules()
    t0 = time.perf_counter()
    clf = Classifier(rules)
    build = time.perf_counter() - t0
    words = clf.words
    items = make_items(args.n, args.seed)
    chars = sum(len(t) + len(b) for t, b in items)

    t0 = time.perf_counter()
    evidence = 0
    for title, body in items:
        evidence += len(clf.classify(title, body).evidence)
    ac = time.perf_counter() - t0

    t0 = time.perf_counter()
    naive_hits = 0
    for title, body in items:
        for w in words:
            if w in title:
                naive_hits += 1
            if w in body:
                naive_hits += 1
    naive = time.perf_counter() - t0

    print(f"items: {args.n}, average {chars / args.n:.0f} chars each; "
          f"rule words: {len(words)}; automaton built in {build * 1000:.1f} ms")
    print(f"classify (Aho-Corasick + scoring): {ac:8.3f} s  {args.n / ac:10,.0f} items/s"
          f"  ({evidence / args.n:.1f} evidence per item)")
    print(f"naive `word in text` loop:         {naive:8.3f} s  {args.n / naive:10,.0f} items/s"
          f"  ({naive_hits / args.n:.1f} hits per item, no scoring)")
    print(f"ratio classify/naive: {naive / ac:.2f}x")


if __name__ == "__main__":
    main()
