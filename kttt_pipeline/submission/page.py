"""The page a clerk opens: Vietnamese, one column on a phone, and nothing but a client of the API.

Every text from the server (a file name, a cell, a reason) is put on the page with ``textContent``, never as
markup: a cell written ``<script>`` or ``=HYPERLINK(…)`` is shown as the text it is.
"""

from kttt_pipeline.core.periods import last_closed_quarter


def page_html() -> str:
    """The page, naming the period being collected (the last closed quarter, the check's default)."""
    return PAGE_HTML.replace("{collecting}", last_closed_quarter().key)


PAGE_HTML = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nộp báo cáo kinh tế tập thể</title>
<style>
  :root { --ok:#1b6e2e; --warn:#8a5a00; --bad:#a31515; --line:#d0d4da; --bg:#f5f6f8; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.45 system-ui, "Segoe UI", Roboto, Arial, sans-serif; background:var(--bg);
         color:#1d2330; }
  main { max-width: 880px; margin: 0 auto; padding: 12px; }
  h1 { font-size: 1.35rem; margin: 8px 0 4px; }
  h2 { font-size: 1.1rem; margin: 0 0 8px; }
  p.lead { margin: 0 0 12px; color:#444; }
  section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:14px; margin: 0 0 12px; }
  label { display:block; font-weight:600; margin: 8px 0 4px; }
  input[type=text], input[type=password] { width:100%; padding:10px; font-size:1rem; border:1px solid #9aa3ad;
         border-radius:6px; }
  #drop { border:2px dashed #9aa3ad; border-radius:8px; padding:18px; text-align:center; background:#fafbfc; }
  #drop.over { border-color:#2a5db0; background:#eef3fb; }
  #file { width:100%; margin-top:8px; font-size:1rem; }
  button { font-size:1rem; padding:11px 18px; border-radius:6px; border:0; background:#2a5db0; color:#fff;
           margin-top:12px; width:100%; max-width:320px; cursor:pointer; }
  button:disabled { background:#9aa3ad; cursor:default; }
  .verdict { padding:12px; border-radius:6px; font-weight:700; font-size:1.1rem; color:#fff; }
  .verdict.accepted { background:var(--ok); } .verdict.needs_fix { background:var(--warn); }
  .verdict.rejected { background:var(--bad); }
  dl.facts { display:grid; grid-template-columns: max-content 1fr; gap:4px 12px; margin:12px 0; }
  dl.facts dt { color:#555; } dl.facts dd { margin:0; overflow-wrap:anywhere; }
  .conclusion { margin: 8px 0; }
  ol.problems { padding-left: 0; list-style: none; margin: 0; }
  ol.problems li { border-left:4px solid var(--line); padding:6px 10px; margin:8px 0; background:#fafbfc;
                   overflow-wrap:anywhere; }
  ol.problems li.left_out, ol.problems li.rejected { border-color: var(--bad); }
  ol.problems li.change { border-color: var(--warn); }
  .where { font-weight:600; } .kind { color:#555; font-size:.9rem; } .fix { color:#1b4f9c; font-size:.95rem; }
  .error { color: var(--bad); font-weight:600; white-space: pre-wrap; }
  .receipt { border:2px solid var(--ok); border-radius:8px; padding:12px; background:#f0f8f2; }
  .receipt code { overflow-wrap:anywhere; }
  .hint { color:#555; font-size:.9rem; }
  [hidden] { display:none !important; }
  @media (max-width: 520px) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom:6px; }
                              button { max-width:none; } }
</style>
</head>
<body>
<main>
  <h1>Nộp báo cáo kinh tế tập thể</h1>
  <p class="lead">Chọn tệp báo cáo của đơn vị để kiểm tra như khi tổng hợp; tệp đạt thì gửi về cơ quan tổng hợp.</p>

  <section>
    <h2>1. Kiểm tra tệp báo cáo</h2>
    <form id="check-form">
      <div id="drop">
        <div>Kéo tệp báo cáo (.xlsx, .xls, .xlsm, .ods) vào đây hoặc chọn tệp</div>
        <input id="file" name="file" type="file" accept=".xlsx,.xls,.xlsm,.ods,.xlsb">
      </div>
      <label for="period">Kỳ báo cáo (để trống: kỳ đang thu nhận, {collecting})</label>
      <input id="period" name="period" type="text" placeholder="{collecting}" autocomplete="off">
      <button id="check" type="submit">Kiểm tra</button>
    </form>
    <p id="busy" class="hint" hidden>Đang kiểm tra…</p>
    <p id="error" class="error" hidden></p>
  </section>

  <section id="result" hidden>
    <div id="verdict" class="verdict"></div>
    <dl class="facts" id="facts"></dl>
    <p class="conclusion" id="conclusion"></p>
    <div id="problem-groups"></div>
  </section>

  <section id="send-section" hidden>
    <h2>2. Gửi báo cáo</h2>
    <form id="send-form">
      <label for="key">Mã gửi báo cáo của đơn vị (do cơ quan tổng hợp cấp)</label>
      <input id="key" name="key" type="password" autocomplete="off">
      <label id="with-warnings-label" hidden><input id="with-warnings" type="checkbox"> Vẫn gửi kèm cảnh báo
        (các dòng bị loại sẽ không được tính)</label>
      <button id="send" type="submit">Gửi báo cáo</button>
    </form>
    <p id="send-error" class="error" hidden></p>
    <div id="receipt" class="receipt" hidden></div>
  </section>
</main>
<script>
(function () {
  "use strict";
  var fileInput = document.getElementById("file");
  var drop = document.getElementById("drop");
  var lastVerdict = null;
  var GROUPS = [
    ["rejected", "Lý do từ chối"],
    ["left_out", "Dòng bị loại khỏi mọi chỉ tiêu — cần sửa rồi gửi lại"],
    ["change", "Điểm làm thay đổi hoặc cần xem lại số liệu"],
    ["note", "Ghi nhận khác"]
  ];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function show(id, on) { document.getElementById(id).hidden = !on; }
  function say(id, text) { var e = document.getElementById(id); e.textContent = text || ""; e.hidden = !text; }

  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files.length) { fileInput.files = ev.dataTransfer.files; }
  });

  function form(withKey) {
    var data = new FormData();
    data.append("file", fileInput.files[0]);
    var period = document.getElementById("period").value.trim();
    if (period) { data.append("period", period); }
    if (withKey) {
      data.append("key", document.getElementById("key").value);
      if (document.getElementById("with-warnings").checked) { data.append("send_with_warnings", "1"); }
    }
    return data;
  }

  function answer(resp) {
    return resp.json()
      .catch(function () { return {error: "Máy chủ trả lời không đúng dạng (mã " + resp.status + ")"}; })
      .then(function (body) { return {status: resp.status, body: body}; });
  }

  function fact(dl, name, value) {
    if (value === undefined || value === null || value === "") { return; }
    dl.appendChild(el("dt", null, name));
    dl.appendChild(el("dd", null, value));
  }

  function render(v) {
    lastVerdict = v;
    var box = document.getElementById("verdict");
    box.className = "verdict " + v.verdict;
    box.textContent = v.verdict_vi;
    box.setAttribute("data-verdict", v.verdict);
    var dl = document.getElementById("facts");
    dl.textContent = "";
    fact(dl, "Tệp", v.file_name);
    fact(dl, "Đơn vị báo cáo", v.unit_name ? v.unit_name + " (mã " + v.unit_code + ")" : "Không xác định");
    fact(dl, "Nhận diện từ", v.unit_evidence);
    fact(dl, "Kỳ báo cáo", v.period ? v.period + " (số liệu lũy kế đến " + v.period_end + ")" : null);
    fact(dl, "Ngày báo cáo", v.report_date);
    if (v.verdict !== "rejected") {
      fact(dl, "Số dòng", "HTX: " + v.rows.cooperatives + "; THT: " + v.rows.groups + "; chỉ tiêu tổng hợp: " +
           v.rows.summary_figures);
      fact(dl, "Dòng được tính", v.rows.counted + "; dòng bị loại: " + v.rows.left_out);
    }
    document.getElementById("conclusion").textContent = v.conclusion;
    var groups = document.getElementById("problem-groups");
    groups.textContent = "";
    GROUPS.forEach(function (g) {
      var items = v.problems.filter(function (p) { return p.category === g[0]; });
      if (!items.length) { return; }
      groups.appendChild(el("h2", null, g[1] + " (" + items.length + ")"));
      var ol = el("ol", "problems");
      ol.setAttribute("data-category", g[0]);
      items.forEach(function (p) {
        var li = el("li", p.category);
        if (p.where) { li.appendChild(el("div", "where", p.where)); }
        li.appendChild(el("div", "reason", p.reason));
        if (p.kind_vi) { li.appendChild(el("div", "kind", p.kind_vi)); }
        if (p.fix) { li.appendChild(el("div", "fix", "Cách sửa: " + p.fix)); }
        ol.appendChild(li);
      });
      groups.appendChild(ol);
    });
    show("result", true);
    show("send-section", v.verdict !== "rejected");
    show("with-warnings-label", v.verdict === "needs_fix");
    document.getElementById("with-warnings").checked = false;
    show("receipt", false);
    say("send-error", "");
  }

  document.getElementById("check-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    say("error", "");
    if (!fileInput.files.length) { say("error", "Chưa chọn tệp báo cáo."); return; }
    show("busy", true);
    document.getElementById("check").disabled = true;
    fetch("/api/check", {method: "POST", body: form(false)}).then(answer).then(function (r) {
      if (r.status !== 200) { show("result", false); show("send-section", false); say("error", r.body.error); return; }
      render(r.body);
    }).catch(function () { say("error", "Không kết nối được máy chủ; thử lại sau."); })
      .finally(function () { show("busy", false); document.getElementById("check").disabled = false; });
  });

  document.getElementById("send-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    say("send-error", "");
    if (!fileInput.files.length) { say("send-error", "Chưa chọn tệp báo cáo."); return; }
    document.getElementById("send").disabled = true;
    fetch("/api/submit", {method: "POST", body: form(true)}).then(answer).then(function (r) {
      if (r.body.check) { render(r.body.check); }
      if (r.status !== 200) { say("send-error", r.body.error); return; }
      var rc = r.body.receipt;
      var box = document.getElementById("receipt");
      box.textContent = "";
      box.appendChild(el("h2", null, "Đã nhận báo cáo — biên nhận số " + rc.number));
      var dl = el("dl", "facts");
      fact(dl, "Thời gian nhận", rc.received_at_vi);
      fact(dl, "Đơn vị", rc.unit_name + " (mã " + rc.unit_code + ")");
      fact(dl, "Kỳ báo cáo", rc.period);
      fact(dl, "Tệp gửi", rc.file_name);
      fact(dl, "Lưu với tên", rc.stored_as);
      dl.appendChild(el("dt", null, "Mã kiểm tra tệp (SHA-256)"));
      var dd = el("dd"); dd.appendChild(el("code", null, rc.sha256)); dl.appendChild(dd);
      box.appendChild(dl);
      box.appendChild(el("p", "hint", "Giữ số biên nhận này. Nếu gửi lại tệp đã sửa, bản có 'Ngày báo cáo' " +
        "muộn nhất được dùng; cùng ngày báo cáo thì bản gửi sau được dùng."));
      box.hidden = false;
    }).catch(function () { say("send-error", "Không kết nối được máy chủ; thử lại sau."); })
      .finally(function () { document.getElementById("send").disabled = false; });
  });
})();
</script>
</body>
</html>
"""
