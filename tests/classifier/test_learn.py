"""The second opinion (naive Bayes over character n-grams) and keyword suggestions."""
from dataclasses import replace

from classifier import (Classifier, NaiveBayes, SecondOpinion, char_ngrams, load_rules,
                        suggest_keywords)

PROMO = ["家电以旧换新补贴活动开启", "汽车以旧换新补贴申领指南", "以旧换新补贴第二批名单",
         "手机以旧换新补贴来了", "家居以旧换新补贴政策解读"]
SAFETY = ["商场消防安全检查通报", "加油站消防安全检查", "节前消防安全检查部署",
          "餐饮燃气消防安全检查", "超市消防安全检查结果"]


def rows(n=3):
    return ([(t, "", "促消费") for t in PROMO] * n) + ([(t, "", "安全生产") for t in SAFETY] * n)


def test_char_ngrams_stay_inside_runs():
    grams = char_ngrams("公示。关于", 2, 2)
    assert grams == {"公示", "关于"}   # not "示关" across the full stop


def test_naive_bayes_prefers_the_category_of_similar_items():
    model = NaiveBayes(rows())
    p = model.predict("冰箱以旧换新补贴")
    assert p.category == "促消费" and p.probability > 0.9
    assert model.predict("仓库消防安全检查").category == "安全生产"
    assert abs(sum(p.probabilities.values()) - 1) < 1e-9


def test_second_opinion_needs_enough_reviewed_items_in_two_categories():
    assert SecondOpinion.from_reviewed(rows(1)) is None                       # 10 < 30
    assert SecondOpinion.from_reviewed([(t, "", "促消费") for t in PROMO * 7]) is None
    assert SecondOpinion.from_reviewed(rows(3)) is not None
    # rows filed under a category the rules no longer have are not learned from
    assert SecondOpinion.from_reviewed(rows(3), categories=["促消费"]) is None


def test_second_opinion_flags_confident_disagreement_but_never_changes_the_category():
    clf = Classifier(load_rules())
    opinion = SecondOpinion.from_reviewed(rows(3))
    d = clf.classify("电视以旧换新补贴")
    agreed = opinion.review(replace(d, needs_review=False), "电视以旧换新补贴")
    assert agreed.needs_review is False and agreed.second_opinion == ""

    wrong = replace(d, category="安全生产", needs_review=False)
    flagged = opinion.review(wrong, "电视以旧换新补贴")
    assert flagged.category == "安全生产"          # the rules still decide
    assert flagged.needs_review is True
    assert "促消费" in flagged.second_opinion
    assert flagged.as_dict()["second_opinion"] == flagged.second_opinion
    assert "second_opinion" not in d.as_dict()


def test_unsure_model_stays_silent():
    clf = Classifier(load_rules())
    opinion = SecondOpinion.from_reviewed(rows(3), min_probability=0.999999)
    d = replace(clf.classify("通知"), category="安全生产", needs_review=False)
    assert opinion.review(d, "通知").needs_review is False


def test_suggest_finds_discriminative_ngrams_with_counts():
    found = suggest_keywords(rows(1) + [("2024年0373通知", "", "促消费")] * 2, min_hits=2,
                             known={"安全生产": ["安全检查"]})
    promo = {s.ngram: s for s in found["促消费"]}
    assert "以旧换新补贴" in promo
    top = promo["以旧换新补贴"]
    # the repeated headline (one item cross-posted) counts once: 5 + 1 items of 促消费
    assert (top.hits, top.total, top.elsewhere) == (5, 6, 0)
    # pieces of the longer phrase with the same counts are not repeated
    assert "以旧换新" not in promo and "旧换新补" not in promo
    assert not any(ch.isdigit() for g in promo for ch in g)
    safety = {s.ngram for s in found["安全生产"]}
    assert "消防" in safety or "消防安全" in safety
    assert not any("安全检查" in g or g in "安全检查" for g in safety)


def test_suggest_skips_pieces_of_two_words_and_words_of_every_headline():
    promo = [f"关于{x}以旧换新补贴的通知" for x in ("家电", "汽车", "手机", "家居")]
    safety = [f"关于{x}消防安全检查的通知" for x in ("商场", "超市", "餐馆", "仓库")]
    found = suggest_keywords([(t, "", "促消费") for t in promo]
                             + [(t, "", "安全生产") for t in safety], min_hits=2)
    grams = {s.ngram for ss in found.values() for s in ss}
    assert "以旧换新补贴" in grams and "消防安全检查" in grams
    assert not grams & {"关于", "通知"}
    assert not any(g[0] == "的" or g[-1] == "的" for g in grams), grams


def test_suggest_keeps_words_that_begin_or_end_like_a_date_and_drops_the_date():
    promo = [f"2024年{x}年货节开幕" for x in ("家电", "汽车", "手机", "家居")]
    trade = [f"2023年{x}海关关税政策解读" for x in ("外贸", "进口", "出口")]
    found = suggest_keywords([(t, "", "促消费") for t in promo]
                             + [(t, "", "招商引资") for t in trade], min_hits=2)
    grams = {s.ngram for ss in found.values() for s in ss}
    assert any("年货节" in g for g in grams), grams
    assert any("海关" in g or "关税" in g for g in grams), grams
    assert not any(g.startswith("年") and "年货" not in g for g in grams), grams


def test_precomputed_likelihoods_give_the_textbook_posterior():
    # The plain formula, per category: log prior + (sum over known features of
    # log(count + alpha) - log(total count + alpha * vocabulary)) / temper, then softmax.
    import math
    from collections import Counter

    from classifier._learn import _features
    rows_ = rows() + [("开展安全生产检查", "消防隐患整改", "安全生产"),
                     ("消费券发放", "", "促消费")]
    model = NaiveBayes(rows_)
    docs = Counter(c for _, _, c in rows_)
    counts = {c: Counter() for c in docs}
    for t, b, c in rows_:
        counts[c].update(_features(t, b))
    vocab = set().union(*counts.values())
    for title, body in [("商场消防安全检查", "隐患"), ("汽车消费券", ""), ("无关的标题", "")]:
        feats = [f for f in _features(title, body) if f in vocab]
        temper = max(1.0, len(feats) / model.features_per_vote)
        scores = {c: math.log(docs[c] / len(rows_)) + sum(
            math.log(counts[c][f] + 1.0) - math.log(sum(counts[c].values()) + len(vocab))
            for f in feats) / temper for c in docs}
        top = max(scores.values())
        total = sum(math.exp(s - top) for s in scores.values())
        p = model.predict(title, body)
        for c, s in scores.items():
            assert math.isclose(p.probabilities[c], math.exp(s - top) / total, rel_tol=1e-9)


def test_char_ngrams_are_every_slice_within_runs():
    import random
    import re

    from classifier import normalize
    rng = random.Random(5)
    pool = "促消费安全生产市场abc12，。 "
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 25)))
        lo = rng.randrange(1, 4)
        hi = rng.randrange(lo, 7)
        expected = {run[i:i + n] for run in re.findall(r"[\u4e00-\u9fffa-z0-9]+", normalize(text))
                    for n in range(lo, hi + 1) for i in range(len(run) - n + 1)}
        assert char_ngrams(text, lo, hi) == expected, (text, lo, hi)
