// The comparison page: sends the two contracts to POST /v1/compare and shows the answer;
// the download buttons send the same inputs to POST /v1/redline?format=…
// A reader steps through the changed articles (j / k), records 採用 / 不採用 and a comment for
// each (kept in localStorage under the two documents' SHA-256), and, where the service's OpenAPI
// document says it can, re-pairs two articles (options.pairs), downloads the merged draft
// (decisions) and reads an uploaded .docx's tracked changes accepted or rejected (the form field
// `view`). No framework and no build step. Every text from the documents goes in as a text node.
"use strict";

(() => {
  const labels = JSON.parse(document.getElementById("labels").textContent);
  const $ = (id) => document.getElementById(id);
  const form = $("compare-form");
  const results = $("results");

  // The inputs of the last comparison (files or texts, options, hashes), sent again by the
  // downloads and by a re-pairing, so that both always match what is on the screen.
  let lastInputs = null;
  // The comparison on the screen.
  let comparison = null;
  // The reader's work on this pair of documents: manual pairs and, per changed row, a decision
  // and a comment. Saved under `review.key` (the two documents' hashes).
  const review = { key: null, pairs: [], decisions: {} };

  const DECISIONS = [["accept", "採用"], ["reject", "不採用"]];
  const DECISION_NAMES = Object.fromEntries(DECISIONS);
  const SIDE_NAMES = { original: "原案", revised: "修正案" };
  const COMMENT_CHARS = 2000;
  // How an uploaded .docx's tracked changes read when the form says nothing: all accepted.
  const DEFAULT_VIEW = "accepted";
  const VIEWS = ["accepted", "original"];

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

  // Hashes ---------------------------------------------------------------------------------

  const SHA256_K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  // SHA-256 in script, for a page served over plain HTTP, where crypto.subtle is not offered.
  function sha256Script(bytes) {
    const rotate = (x, n) => (x >>> n) | (x << (32 - n));
    const length = bytes.length;
    const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length * 8) >>> 0);
    const hash = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
      }
      let [a, b, c, d, e, f, g, h] = hash;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i]) >>> 0;
        const t2 = ((rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, h].forEach((value, i) => { hash[i] += value; });
    }
    return [...hash].map((word) => word.toString(16).padStart(8, "0")).join("");
  }

  async function sha256(bytes) {
    if (window.crypto && crypto.subtle) {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    }
    return sha256Script(bytes);
  }

  // A document's hash: the file's bytes as uploaded, or the pasted text in UTF-8.
  async function documentHash(value) {
    const bytes = value.file ? new Uint8Array(await value.file.arrayBuffer()) : new TextEncoder().encode(value.text);
    return sha256(bytes);
  }

  // What the service accepts, read from its OpenAPI document ------------------------------

  // The page offers re-pairing and the merged draft only where the service's OpenAPI document
  // has the fields they send: `pairs` in the compare options, `decisions` in the redline body;
  // and the reading of tracked changes where both upload forms take `view` (accepted, original).
  const features = { read: false, pairs: { json: false, form: false }, decisions: null, view: false };

  // A reader of the OpenAPI document as the service writes it (PyYAML's block style): it
  // follows keys by their indentation and reads one-line values; nothing else of YAML is needed.
  function yamlReader(text) {
    const lines = text.split(/\r?\n/);
    const indent = (i) => lines[i].length - lines[i].trimStart().length;
    const blank = (i) => lines[i].trim() === "" || lines[i].trimStart().startsWith("#");
    const KEY = /^('(?:[^']|'')*'|"[^"]*"|[^\s'"\-][^:]*?|-[^\s:][^:]*?):(?:\s+(.*))?$/;
    const unquote = (text) => {
      if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
      if (text.startsWith('"')) return text.slice(1, -1);
      return text;
    };
    const root = { start: 0, end: lines.length, value: "" };
    // The lines under a key: deeper ones, and a list at the key's own indentation.
    function blockEnd(line) {
      const depth = indent(line);
      let end = line + 1;
      while (end < lines.length && (blank(end) || indent(end) > depth
             || (indent(end) === depth && lines[end].trimStart().startsWith("- ")))) end += 1;
      return end;
    }
    function entries(node) {
      const found = [];
      let depth = -1;
      for (let i = node.start; i < node.end; i++) {
        if (blank(i)) continue;
        if (depth < 0) depth = indent(i);
        if (indent(i) !== depth) continue;
        const match = lines[i].slice(depth).match(KEY);
        if (match) found.push([unquote(match[1]), { start: i + 1, end: blockEnd(i), value: (match[2] || "").trim() }]);
      }
      return found;
    }
    function child(node, key) {
      if (!node) return null;
      const hit = entries(node).find(([name]) => name === key);
      return hit ? hit[1] : null;
    }
    const at = (node, ...path) => path.reduce(child, node);
    // A schema, with its $ref followed.
    function schema(node) {
      const ref = child(node, "$ref");
      if (!ref) return node;
      const path = unquote(ref.value).replace(/^#\//, "").split("/");
      return at(root, ...path);
    }
    const keys = (node) => (node ? entries(node).map(([name]) => name) : []);
    // The items of a list of scalars (`- a`), as strings.
    function list(node) {
      if (!node) return [];
      return lines.slice(node.start, node.end).map((line) => line.trim())
        .filter((line) => line.startsWith("- ")).map((line) => unquote(line.slice(2).trim()));
    }
    return { root, at, schema, keys, list };
  }

  function readFeatures(text) {
    const spec = yamlReader(text);
    const body = (media) => spec.schema(spec.at(spec.root, "paths", "/v1/redline", "post", "requestBody", "content", media, "schema"));
    const properties = (node) => spec.at(node, "properties");
    const options = spec.schema(spec.at(spec.schema(spec.at(spec.root, "paths", "/v1/compare", "post", "requestBody",
      "content", "application/json", "schema")), "properties", "options"));
    const pairs = spec.at(properties(options), "pairs");
    const pairItem = pairs && spec.schema(spec.at(pairs, "items"));
    features.pairs.json = Boolean(pairItem && ["original", "revised"].every((key) => spec.keys(properties(pairItem)).includes(key)));
    const upload = spec.schema(spec.at(spec.root, "paths", "/v1/compare", "post", "requestBody", "content", "multipart/form-data", "schema"));
    features.pairs.form = features.pairs.json && spec.keys(properties(upload)).includes("pairs");
    // view: the compare form's field with both readings in its enum, and the redline form's field
    // (its enum is an alias of the compare form's, which this reader does not follow).
    const views = spec.list(spec.at(properties(upload), "view", "enum"));
    features.view = VIEWS.every((value) => views.includes(value))
      && spec.keys(properties(body("multipart/form-data"))).includes("view");

    // decisions: [{original, revised, decision, comment}], a decision's codes read from its enum.
    const decisions = spec.at(properties(body("application/json")), "decisions");
    const item = decisions && spec.schema(spec.at(decisions, "items"));
    const fields = spec.keys(properties(item));
    if (item && ["original", "revised", "decision"].every((key) => fields.includes(key))) {
      const codes = spec.list(spec.at(properties(item), "decision", "enum"));
      const code = (name) => (codes.length ? codes.find((value) => value.startsWith(name)) : name);
      features.decisions = {
        fields,
        required: spec.list(spec.at(item, "required")),
        codes: { accept: code("accept"), reject: code("reject") },
        form: spec.keys(properties(body("multipart/form-data"))).includes("decisions"),
      };
      if (!features.decisions.codes.accept || !features.decisions.codes.reject) features.decisions = null;
    } else {
      features.decisions = null;
    }
    features.read = true;
  }

  const specRead = fetch("/v1/openapi.yaml")
    .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .then(readFeatures)
    .catch(() => { features.read = false; features.view = false; })
    .finally(() => {
      $("view-options").hidden = !features.view;
      if (comparison) showFeatures();
    });

  // Inputs and request bodies ---------------------------------------------------------------

  function side(name) {
    const file = $(`${name}-file`).files[0] || null;
    const text = $(`${name}-text`).value;
    return { file, text };
  }

  // The instance's API key, when it asks for one (the field is on the page only then).
  function keyHeaders() {
    const field = $("api-key");
    const key = field ? field.value.trim() : "";
    // The problems' details come in Japanese; their type and title stay the API's.
    const headers = { "Accept-Language": "ja" };
    if (key) headers["X-API-Key"] = key;
    return headers;
  }

  function readInputs() {
    const original = side("original");
    const revised = side("revised");
    for (const [name, value] of [["original", original], ["revised", revised]]) {
      if (!value.file && !value.text.trim()) {
        return { missing: name, message: `${SIDE_NAMES[name]}のファイルを選ぶか、本文を貼り付けてください。` };
      }
    }
    const options = {
      ignore_formatting: $("ignore-formatting").checked,
      detect_moves: $("detect-moves").checked,
    };
    const view = VIEWS.find((value) => $(`view-${value}`).checked) || DEFAULT_VIEW;
    return { original, revised, options, view };
  }

  const isUpload = (inputs) => Boolean(inputs.original.file || inputs.revised.file);

  // The `view` these inputs are sent with: only a form carries files, and only where the
  // service takes the field; null otherwise.
  const sentView = (inputs) => (isUpload(inputs) && features.view ? inputs.view : null);

  // The compare body for these inputs: JSON for two texts, a form when a file is uploaded.
  // `pairs` goes in the options, `decisions` beside the documents; a form carries them as JSON.
  function requestBody(inputs, { pairs = [], decisions = null } = {}) {
    const { original, revised } = inputs;
    const options = { ...inputs.options };
    if (pairs.length) options.pairs = pairs;
    if (!isUpload(inputs)) {
      const body = { original: { text: original.text }, revised: { text: revised.text }, options };
      if (decisions) body.decisions = decisions;
      return { headers: { "Content-Type": "application/json", ...keyHeaders() }, body: JSON.stringify(body) };
    }
    const data = new FormData();
    for (const [name, value] of [["original", original], ["revised", revised]]) {
      if (value.file) data.append(name, value.file, value.file.name);
      else data.append(name, value.text);
    }
    for (const [name, value] of Object.entries(options)) {
      data.append(name, typeof value === "boolean" ? String(value) : JSON.stringify(value));
    }
    if (decisions) data.append("decisions", JSON.stringify(decisions));
    const view = sentView(inputs);
    if (view) data.append("view", view);
    return { headers: keyHeaders(), body: data };
  }

  // The pairs the service can take with these inputs (none where it does not read them).
  function sendablePairs(inputs, pairs) {
    const can = isUpload(inputs) ? features.pairs.form : features.pairs.json;
    return can ? pairs : [];
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

  // The reader's work, kept in localStorage --------------------------------------------------

  // The key of the work on two documents: their hashes, and the reading of tracked changes when
  // it is not the default (rejected, the same .docx is another document, with other rows).
  function storageKey(inputs) {
    const { hashes } = inputs;
    const view = sentView(inputs);
    const suffix = view && view !== DEFAULT_VIEW ? `:view=${view}` : "";
    return `contractdiff:review:${hashes.original}:${hashes.revised}${suffix}`;
  }

  // The work saved for these two documents, or none.
  function savedReview(inputs) {
    const found = { key: storageKey(inputs), pairs: [], decisions: {} };
    try {
      const saved = JSON.parse(localStorage.getItem(found.key) || "null");
      if (saved && typeof saved === "object") {
        if (Array.isArray(saved.pairs)) {
          found.pairs = saved.pairs.filter((pair) => pair && typeof pair.original === "string" && typeof pair.revised === "string");
        }
        for (const [key, value] of Object.entries(saved.decisions || {})) {
          if (!value || typeof value !== "object") continue;
          const decision = DECISION_NAMES[value.decision] ? value.decision : null;
          const comment = typeof value.comment === "string" ? value.comment.slice(0, COMMENT_CHARS) : "";
          if (decision || comment) found.decisions[key] = { decision, comment };
        }
      }
    } catch {
      // Storage refused or unreadable: start afresh.
    }
    return found;
  }

  function saveReview() {
    if (!review.key) return;
    try {
      localStorage.setItem(review.key, JSON.stringify({ version: 1, pairs: review.pairs, decisions: review.decisions,
        saved_at: new Date().toISOString() }));
    } catch {
      $("download-status").textContent = "このブラウザーには判断を保存できません（再読み込みすると消えます）。";
    }
  }

  // Comparing --------------------------------------------------------------------------------

  // Compares the inputs with the pairs the service can take, and shows the answer with the
  // reader's work on them (`work`: the one on the screen, or the one saved for new documents).
  // Returns {ok: true}, or the status and problem of a refusal, which is shown too.
  async function runComparison(inputs, pairs, work = review) {
    const sent = sendablePairs(inputs, pairs);
    const body = requestBody(inputs, { pairs: sent });
    const response = await fetch("/v1/compare", { method: "POST", headers: body.headers, body: body.body });
    if (!response.ok) {
      const problem = await problemText(response);
      showError(problem);
      return { ok: false, status: response.status, problem, sentPairs: sent.length > 0 };
    }
    const answer = await response.json();
    lastInputs = inputs;
    review.key = work.key;
    review.decisions = work.decisions;
    review.pairs = sent;
    render(answer);
    return { ok: true };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const inputs = readInputs();
    if (inputs.missing) {
      showError(inputs.message);
      $(`${inputs.missing}-file`).focus();
      return;
    }
    const button = $("compare-button");
    button.disabled = true;
    $("status").textContent = "比較しています…";
    try {
      inputs.hashes = { original: await documentHash(inputs.original), revised: await documentHash(inputs.revised) };
      await specRead;
      const work = savedReview(inputs);
      let done = await runComparison(inputs, work.pairs, work);
      let note = sentView(inputs) === "original" ? "変更履歴のあるWordファイルは、変更を元に戻した版で読みました。" : "";
      if (!done.ok && done.status === 422 && done.sentPairs) {
        // The pairs saved for these documents are refused: compare without them.
        showError("");
        done = await runComparison(inputs, [], work);
        if (done.ok) {
          saveReview();
          note += "保存されていた対応付けは使えなかったため、解除しました。";
        }
      }
      if (!done.ok) {
        $("status").textContent = "";
        return;
      }
      const seconds = (comparison.meta.elapsed_ms / 1000).toFixed(1);
      $("status").textContent = `比較しました（${comparison.clauses.length}行、${seconds}秒）。${note}`;
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

  // A label for one side's article: its own label, or its part's name (前文).
  const refLabel = (ref) => ref.label || labels.part[ref.part] || ref.id;

  // A row's key among the reader's decisions: the ids of its two articles.
  const rowKey = (clause) => `${clause.original ? clause.original.id : ""}|${clause.revised ? clause.revised.id : ""}`;

  function badges(clause) {
    const found = [];
    if (clause.status !== "equal") found.push([clause.status, labels.status[clause.status]]);
    for (const flag of ["moved", "renumbered", "formatting_only"]) {
      if (clause[flag]) found.push([flag, labels.flag[flag]]);
    }
    if ((clause.matched_by || []).includes("manual")) found.push(["manual", "手動で対応"]);
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

  // The 採用 / 不採用 buttons and the comment of a changed row, and their printed form.
  function decisionControls(clause, index) {
    const label = clauseLabel(clause);
    const group = element("div", { className: "decision", role: "group", "aria-label": `${label}の判断` },
      ...DECISIONS.map(([value, text]) => element("button", { type: "button", className: `decide decide-${value}`,
        "data-decision": value, "aria-pressed": "false", text })));
    const comment = element("textarea", { id: `comment-${index}`, className: "comment", rows: "2",
      maxlength: String(COMMENT_CHARS), spellcheck: "false", "aria-label": `${label}へのコメント` });
    return element("div", { className: "review-box" }, group,
      element("label", { className: "comment-label", for: `comment-${index}`, text: "コメント" }), comment,
      element("p", { className: "decision-note print-only" }));
  }

  // A cell's 選ぶ button and drag handle for re-pairing (shown in the re-pairing mode only).
  function pairingHandle(cell, sideName, ref) {
    cell.dataset.side = sideName;
    cell.dataset.id = ref.id;
    cell.prepend(element("button", { type: "button", className: "pick", "data-side": sideName, "data-id": ref.id,
      "aria-pressed": "false", "aria-label": `${SIDE_NAMES[sideName]}の${refLabel(ref)}を対応付けに選ぶ`, text: "選ぶ" }));
  }

  function clauseRow(clause, index) {
    const row = element("tr", { id: `clause-${index}`, tabindex: "-1", "data-status": clause.status,
      "data-key": rowKey(clause), "data-original-id": clause.original ? clause.original.id : "",
      "data-revised-id": clause.revised ? clause.revised.id : "" });
    const changed = isChanged(clause);
    row.classList.toggle("changed", changed);
    const head = element("th", { scope: "row" }, element("span", { className: "clause-label", text: clauseLabel(clause) }),
      element("div", { className: "badges" }, ...badges(clause)));
    if (changed) head.append(decisionControls(clause, index));
    row.append(head);
    const original = element("td", { className: "original", "data-title": SIDE_NAMES.original });
    const revised = element("td", { className: "revised", "data-title": SIDE_NAMES.revised });
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
    if (clause.original) pairingHandle(original, "original", clause.original);
    if (clause.revised) pairingHandle(revised, "revised", clause.revised);
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
      element("td", { text: category, "data-title": "区分" }),
      element("td", { "data-title": "条" }, go),
      element("td", { className: "values", text: values, title: change.summary, "data-title": "変更前 → 変更後" }),
      element("td", { className: `direction direction-${change.direction}`, text: labels.direction[change.direction],
        "data-title": "方向" }),
      element("td", { className: "favours", text: favoured(change), "data-title": "有利" }));
    row.addEventListener("click", () => goToClause(clauseIndex));
    return row;
  }

  // Filters --------------------------------------------------------------------------------

  // The filters of the table of changes: each select keeps the rows whose data-* attribute
  // equals its value; the empty value (すべて) keeps every row. They work together: a row is
  // shown when it passes all three, each select counts the rows the other two let through, and
  // the articles shown below (and stepped through with j / k) are those with a change shown.
  const CHANGE_FILTERS = [["kind-filter", "kind"], ["category-filter", "category"], ["favours-filter", "favours"]];
  const FILTER_NAMES = {
    kind: (kind) => labels.kind[kind],
    category: (label) => label,
    favours: (party) => (party === labels.none ? `判定なし（${labels.none}）` : party),
  };

  const changeRows = () => [...document.querySelectorAll("#changes tbody tr")];
  const clauseRows = () => [...document.querySelectorAll("#clauses tbody tr")];

  function wantedFilters() {
    return CHANGE_FILTERS.map(([id, key]) => [key, $(id).value]).filter(([, value]) => value);
  }

  const passes = (row, wanted, except = null) => wanted.every(([key, value]) => key === except || row.dataset[key] === value);

  function fillChangeFilters(rows) {
    for (const [id, key] of CHANGE_FILTERS) {
      const select = $(id);
      const kept = select.value;
      const seen = new Set(rows.map((row) => row.dataset[key]));
      // Kinds in the order of the vocabulary, the others in the order they first appear.
      const values = key === "kind" ? Object.keys(labels.kind).filter((kind) => seen.has(kind)) : [...seen];
      select.replaceChildren(element("option", { value: "", text: "すべて" }),
        ...values.map((value) => element("option", { value, "data-name": FILTER_NAMES[key](value) })));
      select.value = seen.has(kept) ? kept : "";
    }
  }

  function applyChangeFilters() {
    const rows = changeRows();
    const wanted = wantedFilters();
    let shown = 0;
    for (const row of rows) {
      row.hidden = !passes(row, wanted);
      if (!row.hidden) shown += 1;
    }
    for (const [id, key] of CHANGE_FILTERS) {
      const through = rows.filter((row) => passes(row, wanted, key));
      for (const option of $(id).querySelectorAll("option[data-name]")) {
        const count = through.filter((row) => row.dataset[key] === option.value).length;
        option.textContent = `${option.dataset.name}（${count}）`;
        option.disabled = count === 0 && !option.selected;
      }
    }
    $("changes-count").textContent = wanted.length
      ? (shown ? `${rows.length}件中${shown}件を表示しています。` : "条件に合う変更はありません。")
      : `${rows.length}件`;
    $("clear-filters").hidden = wanted.length === 0;
    applyRowFilter();
  }

  // The rows of 条文の対照 shown: not the unchanged ones under 変更のみ表示, and, while the
  // changes are filtered, only the articles with a change shown.
  function applyRowFilter() {
    const changedOnly = $("changed-only").checked;
    const filtering = wantedFilters().length > 0;
    const kept = new Set(changeRows().filter((row) => !row.hidden).map((row) => row.dataset.clause));
    for (const row of clauseRows()) {
      row.hidden = (changedOnly && !row.classList.contains("changed"))
        || (filtering && !kept.has(row.id.replace("clause-", "")));
    }
    $("filter-note").hidden = !filtering;
    showPosition();
  }

  function clearFilters() {
    for (const [id] of CHANGE_FILTERS) $(id).value = "";
    applyChangeFilters();
  }

  // Next and previous change ----------------------------------------------------------------

  // The changes stepped through: the changed rows of 条文の対照 that are shown.
  const stepRows = () => clauseRows().filter((row) => row.classList.contains("changed") && !row.hidden);
  const currentRow = () => document.querySelector("#clauses tbody tr.current");
  const before = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);

  function showPosition() {
    const rows = stepRows();
    const current = currentRow();
    const at = current ? rows.indexOf(current) : -1;
    $("position").textContent = `${at < 0 ? "–" : at + 1}/${rows.length}`;
    $("current-label").textContent = at < 0 ? "" : current.querySelector(".clause-label").textContent;
  }

  function setCurrent(row) {
    for (const old of document.querySelectorAll(".current")) {
      old.classList.remove("current");
      old.removeAttribute("aria-current");
    }
    if (row) {
      row.classList.add("current");
      row.setAttribute("aria-current", "true");
      const index = row.id.replace("clause-", "");
      for (const change of document.querySelectorAll(`#changes tbody tr[data-clause="${index}"]`)) change.classList.add("current");
    }
    showPosition();
  }

  // Moves to the next (1) or previous (-1) change shown; returns its row, or null at an end.
  function step(direction) {
    const rows = stepRows();
    const current = currentRow();
    let target = null;
    if (!rows.length) {
      $("current-label").textContent = "表示中の変更はありません。";
      return null;
    }
    if (!current) target = direction > 0 ? rows[0] : rows[rows.length - 1];
    else if (direction > 0) target = rows.find((row) => before(current, row)) || null;
    else target = [...rows].reverse().find((row) => before(row, current)) || null;
    if (!target) {
      $("current-label").textContent = direction > 0 ? "最後の変更です。" : "最初の変更です。";
      return null;
    }
    setCurrent(target);
    target.scrollIntoView({ block: "start" });
    return target;
  }

  // The table headers stick below the bar, whatever its height once its buttons wrap.
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--review-height", `${$("review").offsetHeight}px`);
  }).observe($("review"));

  $("next-change").addEventListener("click", () => step(1));
  $("previous-change").addEventListener("click", () => step(-1));

  document.addEventListener("keydown", (event) => {
    if (results.hidden || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key !== "j" && event.key !== "k") return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    const row = step(event.key === "j" ? 1 : -1);
    if (row) row.focus({ preventScroll: true });
  });

  function goToClause(index) {
    const row = $(`clause-${index}`);
    if (!row) return;
    if (row.hidden) {
      $("changed-only").checked = false;
      applyRowFilter();
    }
    if (row.classList.contains("changed")) setCurrent(row);
    row.scrollIntoView({ block: "start", behavior: "smooth" });
    row.focus({ preventScroll: true });
    row.classList.remove("flash");
    void row.offsetWidth;  // restart the highlight animation
    row.classList.add("flash");
  }

  // Decisions --------------------------------------------------------------------------------

  function showDecision(row) {
    const entry = review.decisions[row.dataset.key] || { decision: null, comment: "" };
    for (const button of row.querySelectorAll("button.decide")) {
      button.setAttribute("aria-pressed", String(button.dataset.decision === entry.decision));
    }
    const comment = row.querySelector("textarea.comment");
    if (comment && comment.value !== entry.comment) comment.value = entry.comment;
    row.classList.toggle("decided-accept", entry.decision === "accept");
    row.classList.toggle("decided-reject", entry.decision === "reject");
    const note = row.querySelector(".decision-note");
    const parts = [`判断：${entry.decision ? DECISION_NAMES[entry.decision] : "未判断"}`];
    if (entry.comment) parts.push(`コメント：${entry.comment}`);
    note.textContent = parts.join("　");
    note.hidden = !entry.decision && !entry.comment;
  }

  function showDecidedCount() {
    const rows = clauseRows().filter((row) => row.classList.contains("changed"));
    const entries = rows.map((row) => review.decisions[row.dataset.key]).filter((entry) => entry && entry.decision);
    const accepted = entries.filter((entry) => entry.decision === "accept").length;
    $("decided-count").textContent = `判断済み ${entries.length}/${rows.length}（採用 ${accepted}・不採用 ${entries.length - accepted}）`;
  }

  function setDecision(row, change) {
    const key = row.dataset.key;
    const entry = { decision: null, comment: "", ...review.decisions[key], ...change };
    if (entry.decision || entry.comment) review.decisions[key] = entry;
    else delete review.decisions[key];
    saveReview();
    showDecision(row);
    showDecidedCount();
  }

  const clausesBody = $("clauses").querySelector("tbody");

  clausesBody.addEventListener("click", (event) => {
    const button = event.target.closest("button.decide");
    if (!button) return;
    const row = button.closest("tr");
    const pressed = button.getAttribute("aria-pressed") === "true";
    setDecision(row, { decision: pressed ? null : button.dataset.decision });
    setCurrent(row);
  });

  clausesBody.addEventListener("input", (event) => {
    if (!event.target.matches("textarea.comment")) return;
    setDecision(event.target.closest("tr"), { comment: event.target.value.slice(0, COMMENT_CHARS) });
  });

  // The decided rows in the order of the page: ids, label, decision, comment.
  function decidedRows() {
    const found = [];
    clauseRows().forEach((row) => {
      const entry = review.decisions[row.dataset.key];
      if (!row.classList.contains("changed") || !entry) return;
      found.push({ original: row.dataset.originalId || null, revised: row.dataset.revisedId || null,
        label: row.querySelector(".clause-label").textContent, decision: entry.decision, comment: entry.comment });
    });
    return found;
  }

  // The `decisions` of POST /v1/redline, shaped as its OpenAPI document says.
  function decisionsForService() {
    const shape = features.decisions;
    return decidedRows()
      .filter((row) => row.decision || (row.comment && !shape.required.includes("decision")))
      .map((row) => {
        const item = { original: row.original, revised: row.revised };
        if (row.decision) item.decision = shape.codes[row.decision];
        if (row.comment && shape.fields.includes("comment")) item.comment = row.comment;
        return item;
      });
  }

  const stem = (name) => name.replace(/\.[^.]*$/, "");

  function saveFile(blob, name) {
    const link = element("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  $("decisions-json").addEventListener("click", () => {
    if (!comparison) return;
    const names = { original: comparison.meta.original_name || null, revised: comparison.meta.revised_name || null };
    const describe = (sideName) => ({ name: names[sideName], sha256: lastInputs.hashes[sideName] });
    const rows = decidedRows();
    const content = {
      original: describe("original"),
      revised: describe("revised"),
      view: sentView(lastInputs) || undefined,
      pairs: review.pairs,
      decisions: rows.map((row) => ({ original: row.original, revised: row.revised, label: row.label,
        decision: row.decision, comment: row.comment })),
      saved_at: new Date().toISOString(),
    };
    const name = `${stem(names.revised || "修正案")}_判断.json`;
    saveFile(new Blob([JSON.stringify(content, null, 2) + "\n"], { type: "application/json" }), name);
    $("download-status").textContent = `${name} をダウンロードしました（判断 ${rows.length}件）。`;
  });

  // Features the service may not have yet --------------------------------------------------

  // Shows the re-pairing tools and the merged draft's button as the service's OpenAPI document
  // allows, for the inputs on the screen.
  function showFeatures() {
    const upload = lastInputs && isUpload(lastInputs);
    const canPair = upload ? features.pairs.form : features.pairs.json;
    const toggle = $("pairing-toggle");
    toggle.hidden = !canPair;
    if (!canPair && toggle.getAttribute("aria-pressed") === "true") setPairingMode(false);
    const unavailable = $("pairing-unavailable");
    unavailable.hidden = !(features.pairs.json && !canPair);
    unavailable.textContent = "ファイルをアップロードした比較では、サービスがファイルと一緒に対応付けの指定（pairs）を受け付けるようになると、対応付けを修正できます。";

    const word = $("decisions-word");
    const shape = features.decisions;
    let reason = "";
    if (!features.read) reason = "サービスの仕様（OpenAPI）を読めなかったため使えません。";
    else if (!shape) reason = "サービスの POST /v1/redline が判断（decisions）を受け付けるようになると使えます。";
    else if (upload && !shape.form) reason = "ファイルをアップロードした比較では、サービスがファイルと一緒に判断（decisions）を受け付けるようになると使えます。";
    word.disabled = Boolean(reason);
    word.title = reason || "採用した変更を反映し、不採用の変更を元に戻し、コメントをWordのコメントにした案をダウンロードします。";
    $("decisions-word-note").textContent = reason;
  }

  // Re-pairing -------------------------------------------------------------------------------

  const chosen = { original: null, revised: null };
  let dragging = null;

  function setPairingMode(on) {
    $("pairing-toggle").setAttribute("aria-pressed", String(on));
    $("pairing").hidden = !on;
    $("clauses").classList.toggle("pairing-mode", on);
    for (const cell of document.querySelectorAll("#clauses td[data-id]")) {
      if (on) cell.setAttribute("draggable", "true");
      else cell.removeAttribute("draggable");
    }
    if (!on) choose(null, null);
  }

  function findRef(sideName, id) {
    if (!comparison) return null;
    const clause = comparison.clauses.find((each) => each[sideName] && each[sideName].id === id);
    return clause ? clause[sideName] : null;
  }

  const sideLabel = (sideName, id) => {
    const ref = findRef(sideName, id);
    return `${SIDE_NAMES[sideName]}の${ref ? refLabel(ref) : id}`;
  };

  // Picks (or with the same again, unpicks) one side's article; null clears both.
  function choose(sideName, id) {
    if (sideName === null) {
      chosen.original = null;
      chosen.revised = null;
    } else {
      chosen[sideName] = chosen[sideName] === id ? null : id;
    }
    for (const button of document.querySelectorAll("#clauses button.pick")) {
      const on = chosen[button.dataset.side] === button.dataset.id;
      button.setAttribute("aria-pressed", String(on));
      button.closest("td").classList.toggle("picked", on);
    }
    const picked = ["original", "revised"].filter((name) => chosen[name]).map((name) => sideLabel(name, chosen[name]));
    $("pairing-selection").textContent = chosen.original && chosen.revised
      ? `${picked.join("と")}を対応させます。`
      : (picked.length ? `${picked[0]}を選びました。もう一方の条を選んでください。` : "原案と修正案の条を一つずつ選んでください。");
    $("pair-button").disabled = !(chosen.original && chosen.revised);
  }

  async function recompare(pairs, done) {
    const status = $("pairing-status");
    showError("");
    status.textContent = "比較し直しています…";
    for (const button of document.querySelectorAll("#pairing button")) button.disabled = true;
    try {
      const result = await runComparison(lastInputs, pairs);
      if (result.ok) {
        saveReview();
        status.textContent = done;
        return true;
      }
      status.textContent = `比較し直せませんでした：${result.problem}`;
      return false;
    } catch (error) {
      showError(`サーバーに接続できませんでした：${error.message}`);
      status.textContent = "";
      return false;
    } finally {
      for (const button of document.querySelectorAll("#pairing button")) button.disabled = false;
      choose(null, null);
    }
  }

  async function pair(originalId, revisedId) {
    const row = clauseRows().find((each) => each.dataset.originalId === originalId);
    if (row && row.dataset.revisedId === revisedId) {
      $("pairing-status").textContent = `${sideLabel("original", originalId)}と${sideLabel("revised", revisedId)}はすでに対応しています。`;
      choose(null, null);
      return;
    }
    const names = `${sideLabel("original", originalId)}と${sideLabel("revised", revisedId)}`;
    const pairs = review.pairs.filter((each) => each.original !== originalId && each.revised !== revisedId)
      .concat([{ original: originalId, revised: revisedId }]);
    if (await recompare(pairs, `${names}を対応させて比較し直しました。`)) {
      const paired = clauseRows().find((each) => each.dataset.originalId === originalId && each.dataset.revisedId === revisedId);
      if (paired) {
        paired.scrollIntoView({ block: "start" });
        paired.focus({ preventScroll: true });
        if (paired.classList.contains("changed")) setCurrent(paired);
      }
    }
  }

  function showManualPairs() {
    const list = $("manual-pairs");
    list.replaceChildren(...review.pairs.map((each) => {
      const names = `${sideLabel("original", each.original)} ⇔ ${sideLabel("revised", each.revised)}`;
      const undo = element("button", { type: "button", className: "link", text: "解除", "aria-label": `${names}の対応付けを解除` });
      undo.addEventListener("click", () => recompare(review.pairs.filter((other) => other !== each),
        `${names}の対応付けを解除して比較し直しました。`));
      return element("li", {}, `${names} `, undo);
    }));
    $("manual-pairs-box").hidden = review.pairs.length === 0;
  }

  $("pairing-toggle").addEventListener("click", () => {
    setPairingMode($("pairing-toggle").getAttribute("aria-pressed") !== "true");
  });
  $("pair-cancel").addEventListener("click", () => choose(null, null));
  $("pair-button").addEventListener("click", () => {
    if (chosen.original && chosen.revised) pair(chosen.original, chosen.revised);
  });
  $("pairs-clear").addEventListener("click", () => recompare([], "手動の対応付けをすべて解除して比較し直しました。"));

  clausesBody.addEventListener("click", (event) => {
    const button = event.target.closest("button.pick");
    if (button) choose(button.dataset.side, button.dataset.id);
  });

  // Drag an article onto one of the other side to pair them.
  clausesBody.addEventListener("dragstart", (event) => {
    const cell = event.target.closest && event.target.closest("td[data-id][draggable]");
    if (!cell) return;
    dragging = { side: cell.dataset.side, id: cell.dataset.id };
    event.dataTransfer.effectAllowed = "link";
    event.dataTransfer.setData("text/plain", sideLabel(cell.dataset.side, cell.dataset.id));
  });
  const dropCell = (event) => {
    const cell = event.target.closest && event.target.closest("td[data-id]");
    return cell && dragging && cell.dataset.side !== dragging.side ? cell : null;
  };
  clausesBody.addEventListener("dragover", (event) => {
    const cell = dropCell(event);
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "link";
    cell.classList.add("drop-target");
  });
  clausesBody.addEventListener("dragleave", (event) => {
    const cell = event.target.closest && event.target.closest("td");
    if (cell && !cell.contains(event.relatedTarget)) cell.classList.remove("drop-target");
  });
  clausesBody.addEventListener("drop", (event) => {
    const cell = dropCell(event);
    if (!cell) return;
    event.preventDefault();
    cell.classList.remove("drop-target");
    const ids = { [dragging.side]: dragging.id, [cell.dataset.side]: cell.dataset.id };
    dragging = null;
    pair(ids.original, ids.revised);
  });
  clausesBody.addEventListener("dragend", () => { dragging = null; });

  // The comparison on the screen ------------------------------------------------------------

  function render(answer) {
    const keep = currentRow() ? currentRow().dataset.key : null;
    comparison = answer;
    const summary = $("summary");
    summary.replaceChildren(...labels.summary.map(([key, text]) =>
      element("li", { "data-key": key }, element("span", { className: "count", text: String(answer.summary[key]) }),
        ` ${text}`)));
    $("original-title").textContent = answer.meta.original_name || SIDE_NAMES.original;
    $("revised-title").textContent = answer.meta.revised_name || SIDE_NAMES.revised;

    clausesBody.replaceChildren(...answer.clauses.map(clauseRow));
    for (const row of clauseRows()) if (row.classList.contains("changed")) showDecision(row);

    const changes = $("changes").querySelector("tbody");
    const rows = [];
    answer.clauses.forEach((clause, index) => {
      for (const change of clause.changes) rows.push(changeRow(change, index));
    });
    changes.replaceChildren(...rows);
    $("changes").hidden = rows.length === 0;
    $("change-filters").hidden = rows.length === 0;
    $("no-changes").hidden = rows.length !== 0;
    fillChangeFilters(rows);
    applyChangeFilters();
    setCurrent(clauseRows().find((row) => row.dataset.key === keep && row.classList.contains("changed")) || null);
    showDecidedCount();
    showFeatures();
    showManualPairs();
    setPairingMode($("pairing-toggle").getAttribute("aria-pressed") === "true" && !$("pairing-toggle").hidden);
    choose(null, null);
    results.hidden = false;
  }

  $("changed-only").addEventListener("change", applyRowFilter);
  for (const [id] of CHANGE_FILTERS) $(id).addEventListener("change", applyChangeFilters);
  $("clear-filters").addEventListener("click", clearFilters);

  // Downloads ------------------------------------------------------------------------------

  function downloadName(response, format) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = header.match(/filename\*=UTF-8''([^;]+)/i);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = header.match(/filename="?([^";]+)"?/i);
    return plain ? plain[1] : `contract.${format}`;
  }

  // POST /v1/redline?format=… with the inputs of the comparison on the screen.
  async function download(button, format, extra = {}) {
    if (!lastInputs) return;
    const status = $("download-status");
    const query = new URLSearchParams({ format });
    const author = $("author").value.trim();
    if (author) query.set("author", author);
    const body = requestBody(lastInputs, { pairs: sendablePairs(lastInputs, review.pairs), ...extra });
    button.disabled = true;
    status.textContent = `${button.textContent}を作成しています…`;
    try {
      const response = await fetch(`/v1/redline?${query}`, { method: "POST", headers: body.headers, body: body.body });
      if (!response.ok) {
        status.textContent = "";
        showError(await problemText(response));
        return;
      }
      const name = downloadName(response, format);
      saveFile(await response.blob(), name);
      status.textContent = `${name} をダウンロードしました。`;
    } catch (error) {
      status.textContent = "";
      showError(`ダウンロードに失敗しました：${error.message}`);
    } finally {
      button.disabled = false;
    }
  }

  for (const button of document.querySelectorAll("button.download")) {
    button.addEventListener("click", () => download(button, button.dataset.format));
  }

  $("decisions-word").addEventListener("click", () => {
    const button = $("decisions-word");
    if (!features.decisions || !comparison) return;
    const decisions = decisionsForService();
    if (!decisions.length) {
      $("download-status").textContent = "まだ判断がありません。変更のある条で「採用」か「不採用」を選んでください。";
      return;
    }
    download(button, "docx", { decisions }).finally(showFeatures);
  });
})();
