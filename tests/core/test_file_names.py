"""File names made from data (county and inspector names) for Windows and FAT sticks."""

from __future__ import annotations


def test_file_names_from_data_are_safe_for_windows_and_fat() -> None:
    from desktop.core.documents import MAX_NAME_CHARS, safe_file_name

    assert safe_file_name("检查记录表-金安区-张三.pdf") == "检查记录表-金安区-张三.pdf"
    assert safe_file_name("检查记录表-金安/裕安.pdf") == "检查记录表-金安_裕安.pdf"  # no subfolder
    assert safe_file_name("问题:清单.pdf") == "问题_清单.pdf"  # no NTFS stream
    assert safe_file_name('a*b?c"d<e>f|g\\h.pdf') == "a_b_c_d_e_f_g_h.pdf"
    assert safe_file_name("CON.pdf") == "_CON.pdf" and safe_file_name("nul") == "_nul"
    assert safe_file_name("张三. .pdf") == "张三.pdf" and safe_file_name("张三 ...") == "张三"
    assert safe_file_name("a\x00b\tc.pdf") == "a_b_c.pdf"
    long = safe_file_name("王" * 500 + ".pdf")
    assert len(long) == MAX_NAME_CHARS and long.endswith(".pdf")
    assert safe_file_name("...") == "_"


def test_two_inspectors_exporting_to_one_stick_the_same_day_get_two_names() -> None:
    import datetime as dt

    from desktop.core.documents import export_name

    when = dt.datetime(2018, 9, 20, 16, 5)
    zhang = export_name("张三", "3f2a9c1e77aa", when)
    assert zhang == "张三-3f2a9c1e-20180920-1605.yanshou"
    assert export_name("李四", "b71c0d4e0000", when) != zhang  # another inspector
    assert export_name("张三", "c0ffee000000", when) != zhang  # the same inspector's second laptop
    assert export_name("张三", "3f2a9c1e77aa", when + dt.timedelta(minutes=1)) != zhang  # a later export
    assert export_name("王/五:", "3f2a9c1e77aa", when) == "王_五_-3f2a9c1e-20180920-1605.yanshou"  # safe on Windows
