// The comparison page: sends the two contracts to POST /v1/compare and shows the answer;
// the download buttons send the same inputs to POST /v1/redline?format=…
// No framework and no build step. Every text from the documents goes in as a text node.
"use strict";

(() => {
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const $ = (id) => document.getElementById(id);
  const form = $("compare-form");
  const results = $("results");
  // The body of the last comparison, sent again by the download buttons so that a download
  // always matches what is on the screen.
  let lastBody = null;

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  function side(name) {
    const file = $(`${name}-file`).files[0] || null;
    const text = $(`${name}-text`).value;
    return { file, text };
  }

  // The instance's API key, when it asks for one (the field is on the page only then).
  function keyHeaders() {
    const field = $("api-key");
    const key = field ? field.value.trim() : "";
    return key ? { "X-API-Key": key } : {};
  }

  function requestBody() {
    const original = side("original");
    const revised = side("revised");
    const options = {
      ignore_formatting: $("ignore-formatting").checked,
      detect_moves: $("detect-moves").checked,
    };
    for (const [name, value, title] of [["original", original, "原案"], ["revised", revised, "修正案"]]) {
      if (!value.file && !value.text.trim()) {
        return { missing: name, message: `${title}のファイルを選ぶか、本文を貼り付けてください。` };
      }
    }
    if (!original.file && !revised.file) {
      return {
        headers: { "Content-Type": "application/json", ...keyHeaders() },
        body: JSON.stringify({ original: { text: original.text }, revised: { text: revised.text }, options }),
      };
    }
    const data = new FormData();
    for (const [name, value] of [["original", original], ["revised", revised]]) {
      if (value.file) data.append(name, value.file, value.file.name);
      else data.append(name, value.text);
    }
    for (const [name, value] of Object.entries(options)) data.append(name, String(value));
    return { headers: keyHeaders(), body: data };
  }

  async function problemText(response) {
    try {
      const problem = await response.json();
      const lines = [problem.detail || problem.title || `HTTP ${response.status}`];
      const walk = (errors, path) => {
        if (Array.isArray(errors)) lines.push(`${path}: ${errors.join(" ")}`);
        else if (errors && typeof errors === "object") {
          for (const [key, value] of Object.entries(errors)) walk(value, path ? `${path}.${key}` : key);
        }
      };
      walk(problem.errors, "");
      return lines.join("\n");
    } catch {
      return `サーバーからエラーが返されました（HTTP ${response.status}）。`;
    }
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const body = requestBody();
    if (body.missing) {
      showError(body.message);
      $(`${body.missing}-file`).focus();
      return;
    }
    const button = $("compare-button");
    button.disabled = true;
    $("status").textContent = "比較しています…";
    try {
      const response = await fetch("/v1/compare", { method: "POST", headers: body.headers, body: body.body });
      if (!response.ok) {
        showError(await problemText(response));
        $("status").textContent = "";
        return;
      }
      const comparison = await response.json();
      lastBody = body;
      render(comparison);
      const seconds = (comparison.meta.elapsed_ms / 1000).toFixed(1);
      $("status").textContent = `比較しました（${comparison.clauses.length}行、${seconds}秒）。`;
      $("results-title").focus();
    } catch (error) {
      showError(`サーバーに接続できませんでした：${error.message}`);
      $("status").textContent = "";
    } finally {
      button.disabled = false;
    }
  });

  // Rendering ------------------------------------------------------------------------------

  function isChanged(clause) {
    return clause.status !== "equal" || clause.moved || clause.renumbered;
  }

  function clauseLabel(clause) {
    const left = clause.original && clause.original.label;
    const right = clause.revised && clause.revised.label;
    if (left && right && left !== right) return `${left}→${right}`;
    const ref = clause.revised || clause.original;
    return right || left || (ref ? labels.part[ref.part] : "");
  }

  function badges(clause) {
    const found = [];
    if (clause.status !== "equal") found.push([clause.status, labels.status[clause.status]]);
    for (const flag of ["moved", "renumbered", "formatting_only"]) {
      if (clause[flag]) found.push([flag, labels.flag[flag]]);
    }
    return found.map(([kind, text]) => element("span", { className: `badge badge-${kind}`, text }));
  }

  // One side of a redline: kept text, and either the deleted or the inserted runs marked.
  function sideText(segments, op) {
    const cell = element("div", { className: "text" });
    const tag = op === "delete" ? "del" : "ins";
    for (const segment of segments) {
      if (segment.op === "equal") cell.append(document.createTextNode(segment.text));
      else if (segment.op === op) cell.append(element(tag, { text: segment.text }));
    }
    return cell;
  }

  function clauseRow(clause, index) {
    const row = element("tr", { id: `clause-${index}`, tabindex: "-1", "data-status": clause.status });
    row.classList.toggle("changed", isChanged(clause));
    row.append(element("th", { scope: "row" }, element("span", { className: "clause-label", text: clauseLabel(clause) }),
      element("div", { className: "badges" }, ...badges(clause))));
    const original = element("td", { className: "original" });
    const revised = element("td", { className: "revised" });
    if (clause.status === "inserted") {
      original.append(element("span", { className: "absent", text: "（新設）" }));
      revised.append(sideText(clause.redline, "insert"));
    } else if (clause.status === "deleted") {
      original.append(sideText(clause.redline, "delete"));
      revised.append(element("span", { className: "absent", text: "（削除）" }));
    } else {
      original.append(sideText(clause.redline, "delete"));
      revised.append(sideText(clause.redline, "insert"));
    }
    row.append(original, revised);
    return row;
  }

  // 区分: the term's category for a value, the kind of change otherwise (as nlp/exports/labels.py).
  function changeLabel(change) {
    if (change.kind === "value") return labels.category[change.category] || change.category;
    return labels.kind[change.kind];
  }

  // One side of a change as a reader reads it: the value as written, a code by its name
  // (obligation → 義務), the contract's own words as they are, or — when the side has none.
  function sideValue(change, term, word) {
    if (change.kind === "value") return term ? term.text : labels.none;
    if (word === null || word === undefined) return labels.none;
    const names = labels.sides[change.kind];
    return (names && names[word]) || word;
  }

  function favoured(change) {
    return change.favours || labels.none;
  }

  function changeRow(change, clauseIndex) {
    const category = changeLabel(change);
    const clause = change.revised_clause || change.original_clause || "";
    const go = element("button", { type: "button", className: "link", text: clause,
      "aria-label": `${clause}へ移動：${change.summary}` });
    go.addEventListener("click", (event) => { event.stopPropagation(); goToClause(clauseIndex); });
    const sides = `${sideValue(change, change.original, change.before)} → ${sideValue(change, change.revised, change.after)}`;
    // A definition's sides are the defining words: the term they define goes first.
    const values = change.term ? `「${change.term}」：${sides}` : sides;
    const row = element("tr", { "data-clause": String(clauseIndex), "data-kind": change.kind,
      "data-category": category, "data-favours": favoured(change) },
      element("td", { text: category }),
      element("td", {}, go),
      element("td", { className: "values", text: values, title: change.summary }),
      element("td", { className: `direction direction-${change.direction}`, text: labels.direction[change.direction] }),
      element("td", { className: "favours", text: favoured(change) }));
    row.addEventListener("click", () => goToClause(clauseIndex));
    return row;
  }

  // The filters of the table of changes: each select keeps the rows whose data-* attribute
  // equals its value; the empty value (すべて) keeps every row.
  const CHANGE_FILTERS = [["kind-filter", "kind"], ["category-filter", "category"], ["favours-filter", "favours"]];

  function filterOptions(rows, key, name) {
    const counts = new Map();
    for (const row of rows) counts.set(row.dataset[key], (counts.get(row.dataset[key]) || 0) + 1);
    // Kinds in the order of the vocabulary, the others in the order they first appear.
    const values = key === "kind" ? Object.keys(labels.kind).filter((kind) => counts.has(kind)) : [...counts.keys()];
    return [element("option", { value: "", text: "すべて" }),
      ...values.map((value) => element("option", { value, text: `${name(value)}（${counts.get(value)}）` }))];
  }

  function fillChangeFilters(rows) {
    const names = {
      kind: (kind) => labels.kind[kind],
      category: (label) => label,
      favours: (party) => (party === labels.none ? `判定なし（${labels.none}）` : party),
    };
    for (const [id, key] of CHANGE_FILTERS) $(id).replaceChildren(...filterOptions(rows, key, names[key]));
  }

  function applyChangeFilters() {
    const rows = [...document.querySelectorAll("#changes tbody tr")];
    const wanted = CHANGE_FILTERS.map(([id, key]) => [key, $(id).value]).filter(([, value]) => value);
    let shown = 0;
    for (const row of rows) {
      row.hidden = !wanted.every(([key, value]) => row.dataset[key] === value);
      if (!row.hidden) shown += 1;
    }
    $("changes-count").textContent = wanted.length
      ? (shown ? `${rows.length}件中${shown}件を表示しています。` : "条件に合う変更はありません。")
      : `${rows.length}件`;
  }

  function goToClause(index) {
    const row = $(`clause-${index}`);
    if (!row) return;
    if (row.hidden) {
      $("changed-only").checked = false;
      applyFilter();
    }
    row.scrollIntoView({ block: "center", behavior: "smooth" });
    row.focus({ preventScroll: true });
    row.classList.remove("flash");
    void row.offsetWidth;  // restart the highlight animation
    row.classList.add("flash");
  }

  function applyFilter() {
    const changedOnly = $("changed-only").checked;
    for (const row of document.querySelectorAll("#clauses tbody tr")) {
      row.hidden = changedOnly && !row.classList.contains("changed");
    }
  }

  function render(comparison) {
    const summary = $("summary");
    summary.replaceChildren(...labels.summary.map(([key, text]) =>
      element("li", { "data-key": key }, element("span", { className: "count", text: String(comparison.summary[key]) }),
        ` ${text}`)));
    $("original-title").textContent = comparison.meta.original_name || "原案";
    $("revised-title").textContent = comparison.meta.revised_name || "修正案";

    const clauses = $("clauses").querySelector("tbody");
    clauses.replaceChildren(...comparison.clauses.map(clauseRow));

    const changes = $("changes").querySelector("tbody");
    const rows = [];
    comparison.clauses.forEach((clause, index) => {
      for (const change of clause.changes) rows.push(changeRow(change, index));
    });
    changes.replaceChildren(...rows);
    $("changes").hidden = rows.length === 0;
    $("change-filters").hidden = rows.length === 0;
    $("no-changes").hidden = rows.length !== 0;
    fillChangeFilters(rows);
    applyChangeFilters();
    applyFilter();
    results.hidden = false;
  }

  $("changed-only").addEventListener("change", applyFilter);
  for (const [id] of CHANGE_FILTERS) $(id).addEventListener("change", applyChangeFilters);

  // Downloads ------------------------------------------------------------------------------

  function downloadName(response, format) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = header.match(/filename\*=UTF-8''([^;]+)/i);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = header.match(/filename="?([^";]+)"?/i);
    return plain ? plain[1] : `contract.${format}`;
  }

  for (const button of document.querySelectorAll("button.download")) {
    button.addEventListener("click", async () => {
      if (!lastBody) return;
      const format = button.dataset.format;
      const status = $("download-status");
      const query = new URLSearchParams({ format });
      const author = $("author").value.trim();
      if (author) query.set("author", author);
      button.disabled = true;
      status.textContent = `${button.textContent}を作成しています…`;
      try {
        const response = await fetch(`/v1/redline?${query}`, { method: "POST", headers: lastBody.headers, body: lastBody.body });
        if (!response.ok) {
          status.textContent = "";
          showError(await problemText(response));
          return;
        }
        const blob = await response.blob();
        const link = element("a", { href: URL.createObjectURL(blob), download: downloadName(response, format) });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
        status.textContent = `${link.download} をダウンロードしました。`;
      } catch (error) {
        status.textContent = "";
        showError(`ダウンロードに失敗しました：${error.message}`);
      } finally {
        button.disabled = false;
      }
    });
  }
})();
