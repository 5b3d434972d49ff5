from tests.exports.conftest import march  # noqa: F401 — the same hand-built month of 区应急管理局
