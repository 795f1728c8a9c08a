"""A USB stick's folder handed to the merge: the exports in it and its subfolders, and every
other file with the reason it was left out."""

from __future__ import annotations

from pathlib import Path

from desktop.services.folders import MAX_DEPTH, exports_in


def test_exports_in_subfolders_are_found_and_the_rest_is_named(tmp_path: Path) -> None:
    stick = tmp_path / "U盘"
    for name in ("张三/张三-3f2a9c1e-20180920-1605.yanshou", "李四/9月20日/李四.db", "汇总.yanshou",
                 "说明.docx", "李四/Thumbs.db", "System Volume Information/IndexerVolumeGuid", ".Trash-1000/x.yanshou",
                 "张三/._张三.yanshou"):
        path = stick / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    deep = stick.joinpath(*[f"d{n}" for n in range(MAX_DEPTH + 1)])
    deep.mkdir(parents=True)
    (deep / "lost.yanshou").write_bytes(b"x")
    scan = exports_in(stick)
    assert [p.relative_to(stick).as_posix() for p in scan.exports] == [
        "张三/张三-3f2a9c1e-20180920-1605.yanshou", "李四/9月20日/李四.db", "汇总.yanshou",
    ]
    assert {(s.path.relative_to(stick).as_posix(), s.reason) for s in scan.skipped} == {
        ("说明.docx", "not_export"), (".Trash-1000", "hidden"),
        ("/".join(f"d{n}" for n in range(MAX_DEPTH + 1)), "too_deep"),
    }  # Windows' own folder, Explorer's thumbnails and a Mac's shadow files go unsaid
