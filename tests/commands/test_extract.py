"""`ocrcourse extract`: the CLI around extract_submodel, including its error path."""
from __future__ import annotations

import paddle

from ocrcourse.cli import main


def test_extract_command(tmp_path, capsys):
    state = {"Student.head.fc.weight": paddle.ones([2, 3]), "Teacher.head.fc.weight": paddle.zeros([2, 3])}
    paddle.save(state, str(tmp_path / "cml.pdparams"))
    assert main(["extract", str(tmp_path / "cml"), "--name", "Teacher"]) == 0
    assert "cml_teacher.pdparams" in capsys.readouterr().out
    saved = paddle.load(str(tmp_path / "cml_teacher.pdparams"), return_numpy=True)
    assert list(saved) == ["head.fc.weight"] and saved["head.fc.weight"].sum() == 0
    assert main(["extract", str(tmp_path / "cml"), "--name", "Student3"]) == 1
    assert "Student3" in capsys.readouterr().err


def test_extract_command_takes_the_issue_flags(tmp_path, capsys):
    state = {"Student.head.fc.weight": paddle.ones([2, 3]), "Student2.head.fc.weight": paddle.zeros([2, 3])}
    paddle.save(state, str(tmp_path / "cml.pdparams"))
    out = tmp_path / "student.pdparams"
    assert main(["extract", "-i", str(tmp_path / "cml"), "-m", "Student", "-o", str(out)]) == 0
    saved = paddle.load(str(out), return_numpy=True)
    assert list(saved) == ["head.fc.weight"] and saved["head.fc.weight"].sum() == 6
    assert main(["extract"]) == 1 and "-i CHECKPOINT" in capsys.readouterr().err
