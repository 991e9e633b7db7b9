"""The chart's unit label 篇 reads upright (issue 16.5): rotated 90° a Chinese character lies on its side."""
from report import Monthly
from report._charts import _figure


def test_the_unit_label_is_horizontal_above_the_axis():
    fig = _figure(Monthly(2024, {"促消费": (1,) * 12}, {"区政府官网专栏": (2,) * 12}))
    for ax in fig.axes[:2]:
        label = ax.yaxis.label
        assert label.get_text() == "篇"
        assert label.get_rotation() == 0
        x, y = ax.yaxis.get_label().get_position()
        assert y > 1            # above the plotting area, where the axis ends
