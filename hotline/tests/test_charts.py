"""Console charts: inline SVG with no script and no remote resource."""

from hotline.charts import Series, bar_chart, format_percent, line_chart


def test_a_line_chart_is_inline_svg_with_its_series_and_no_script():
    svg = line_chart(
        title="Service level",
        labels=["10:00", "10:30", "11:00"],
        series=[Series("Service level", [0.5, 0.9, None])],
        target=0.8,
        target_label="Target",
        percent=True,
    )

    assert svg.startswith('<figure class="chart"')
    assert "<svg" in svg and "Service level" in svg and "Target" in svg
    assert "<script" not in svg and "http://kozea" not in svg and "//kozea" not in svg


def test_the_text_summary_reads_every_value_for_screen_readers():
    svg = line_chart(title="SL", labels=["a", "b"], series=[Series("SL", [0.5, None])], percent=True)

    assert "<desc>SL: 50 %, -</desc>" in svg


def test_labels_and_names_are_escaped():
    svg = bar_chart(title="<b>x</b>", labels=["<i>"], series=[Series("<script>", [1])])

    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "<b>x</b>" not in svg


def test_a_stacked_horizontal_bar_chart_renders():
    svg = bar_chart(
        title="Volume",
        labels=["Mon", "Tue"],
        series=[Series("Answered", [10, 12]), Series("Abandoned", [1, 0])],
        stacked=True,
        horizontal=True,
    )

    assert "Answered" in svg and "Abandoned" in svg


def test_format_percent_rounds_to_a_whole_percent():
    assert format_percent(0.8049) == "80 %"
    assert format_percent(None) == ""


def test_small_values_keep_their_ticks_apart_and_read_in_the_readers_language():
    from django.utils import translation

    from hotline.charts import _number

    assert [_number(v) for v in (0.05, 0.1, 0.15, 2.25, 3.0, None)] == [
        "0.05", "0.1", "0.15", "2.2", "3", ""]
    with translation.override("fr"):
        assert [_number(v) for v in (0.05, 0.15, 12.5)] == ["0,05", "0,15", "12,5"]
