/*
 * app.js - the behaviour of the page of `searcher --serve`.
 *
 * Invariants:
 * - Text that comes from the index (titles, paths, sections, passages,
 *   document lines, error messages) reaches the page only through
 *   textContent and createTextNode; matches become <mark> elements made with
 *   createElement.  Nothing here assigns HTML, so a document holding
 *   <script> or <img onerror=...> shows those characters and runs nothing.
 * - The URL holds the whole state: ?q=&offset= for results, plus
 *   &doc=&line=&page= for an open document, so every view can be bookmarked
 *   and shared, and back/forward redraw it (render() reads only the URL).
 * - Highlight offsets from the API count UTF-8 bytes of the text they go
 *   with; they are applied to the text's UTF-8 encoding, never to the
 *   JavaScript string's UTF-16 units.
 * - A hit shows its path once (under its title); its passages show only
 *   their place within it (line, page).
 * - The original file (/api/file) opens in a new tab, a PDF at the cited
 *   page (#page=N, the physical page: viewers number pages that way).
 */
'use strict';

(function () {
  const HITS_PER_PAGE = 10;
  const OFFSET_MAX = 10000;
  const DOC_CONTEXT = 40;
  const DOC_CONTEXT_MAX = 500;
  const FORMAT_KEY = 'shelf.cite-format';
  const SORTS = ['relevance', 'date', '-date', 'path'];

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const byId = (id) => document.getElementById(id);

  let renderToken = 0; // answers to an older render are dropped
  let docContext = DOC_CONTEXT;
  let docPassage = null; // what the document view's Copy cites: {doc, start, end}

  /* ---- small DOM helpers (text only) ---- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* text with highlights [[from, to], ...] (UTF-8 byte offsets) -> nodes */
  function markedText(text, highlights) {
    const bytes = encoder.encode(text);
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const pair of highlights || []) {
      const from = pair[0], to = pair[1];
      if (from < at || to > bytes.length || from >= to) continue;
      frag.appendChild(document.createTextNode(decoder.decode(bytes.subarray(at, from))));
      frag.appendChild(el('mark', null, decoder.decode(bytes.subarray(from, to))));
      at = to;
    }
    frag.appendChild(document.createTextNode(decoder.decode(bytes.subarray(at))));
    return frag;
  }

  function setStatus(text, isError) {
    const status = byId('status');
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  /* ---- the URL ---- */

  function toQuery(params) {
    return Object.keys(params)
      .filter((k) => params[k] !== undefined && params[k] !== null && params[k] !== '')
      .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(params[k]))
      .join('&');
  }

  function wholeNumber(text, fallback) {
    return /^[0-9]{1,9}$/.test(text || '') ? Number(text) : fallback;
  }

  function readState() {
    const p = new URLSearchParams(location.search);
    return {
      q: p.get('q') || '',
      offset: Math.min(wholeNumber(p.get('offset'), 0), OFFSET_MAX),
      sort: SORTS.includes(p.get('sort')) ? p.get('sort') : 'relevance',
      doc: p.get('doc') || '',
      index: p.get('index') || '',
      line: Math.max(wholeNumber(p.get('line'), 1), 1),
      page: wholeNumber(p.get('page'), 0),
    };
  }

  function stateUrl(s) {
    const query = toQuery({
      q: s.q,
      offset: s.offset ? s.offset : undefined,
      sort: s.sort && s.sort !== 'relevance' && !s.doc ? s.sort : undefined,
      doc: s.doc || undefined,
      index: s.doc && s.index ? s.index : undefined,
      line: s.doc ? s.line : undefined,
      page: s.doc && s.page ? s.page : undefined,
    });
    return query ? '/?' + query : '/';
  }

  /* meta goes into history.state: {fromResults: true} when a document is
   * opened from the results, so "Back to the results" can go back. */
  function go(s, meta) {
    history.pushState(meta || null, '', stateUrl(s));
    render();
  }

  function plainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  /* Plain left clicks on our links navigate in place; others (new tab...)
   * follow the href. */
  function followInPlace(link, state, meta) {
    link.href = stateUrl(state);
    link.addEventListener('click', (event) => {
      if (!plainClick(event)) return;
      event.preventDefault();
      go(state, meta);
    });
  }

  /* ---- talking to the server ---- */

  async function api(route, params) {
    const response = await fetch(route + '?' + toQuery(params), { cache: 'no-store' });
    let body;
    try {
      body = await response.json();
    } catch (e) {
      body = { error: 'the server answered ' + response.status };
    }
    if (!response.ok) {
      const error = new Error(body.error || 'the server answered ' + response.status);
      error.body = body;
      throw error;
    }
    return body;
  }

  function showError(error) {
    const body = error.body || {};
    const list = byId('results');
    list.replaceChildren();
    byId('pager').replaceChildren();
    if (body.column > 0 && typeof body.query === 'string') {
      setStatus('The query has a problem at column ' + body.column + ': ' + body.error, true);
      const item = el('li', 'query-error');
      const shown = el('pre', 'caret');
      const chars = Array.from(body.query);
      shown.textContent = body.query + '\n' + ' '.repeat(Math.min(body.column - 1, chars.length)) + '^';
      item.appendChild(shown);
      list.appendChild(item);
    } else {
      setStatus('Something went wrong: ' + (error.message || 'no answer'), true);
    }
  }

  /* ---- citations ---- */

  function citeFormat() {
    return byId('cite-format').value === 'markdown' ? 'markdown' : 'plain';
  }

  async function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return;
      } catch (e) {
        /* fall back below */
      }
    }
    const area = el('textarea', 'clipboard-fallback');
    area.value = text;
    area.setAttribute('readonly', '');
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    if (!copied) throw new Error('the browser did not allow copying');
  }

  /* passage: {doc, start, end}, byte offsets in the stored text, as a
   * snippet's or a document line's. */
  async function copyCitation(button, note, passage, q) {
    button.disabled = true;
    note.textContent = '';
    try {
      const answer = await api('/api/cite', {
        doc: passage.doc, index: passage.index || undefined, start: passage.start, end: passage.end, q: q, format: citeFormat(),
      });
      await writeClipboard(answer.citation);
      note.textContent = 'Copied';
    } catch (error) {
      note.textContent = 'Not copied: ' + error.message;
    } finally {
      button.disabled = false;
      setTimeout(() => { note.textContent = ''; }, 4000);
    }
  }

  /* ---- results ---- */

  /* "line 12", "¶ 4" (Word, OpenDocument, EPUB: the paragraph within its
   * section, shown beside it), "p. iv" (the page's printed label) or "pp. 12–13" (a
   * passage that runs on to the next page): the place within the document
   * only, as its path is shown once under the title. */
  function placeOf(snippet) {
    if (snippet.paragraph) /* DOCX, ODT, EPUB: no pages; cited by paragraph */
      return '¶ ' + snippet.paragraph;
    if (!snippet.page)
      return 'line ' + snippet.line;
    const first = snippet.page_label || String(snippet.page);
    if (snippet.end_page && snippet.end_page !== snippet.page)
      return 'pp. ' + first + '–' + (snippet.end_page_label || String(snippet.end_page));
    return 'p. ' + first;
  }

  /* index: the folder of the index holding the document when several are
   * served (a hit's "index"), else '' */
  function docState(q, path, snippet, index) {
    return { q: q, doc: path, index: index || '', line: snippet.line, page: snippet.page || 0 };
  }

  /* history.state of a document opened from a passage: its Copy then cites
   * exactly that passage, as the passage's own Copy does. */
  function fromPassage(path, snippet, index) {
    return { fromResults: true,
      passage: { doc: path, index: index || '', start: snippet.start, end: snippet.end } };
  }

  /* /api/file for the document; a PDF at its physical page. */
  function originalUrl(path, page, index) {
    return '/api/file?' + toQuery({ doc: path, index: index || undefined }) +
      (page ? '#page=' + page : '');
  }

  /* A link that opens the original file in a new tab. */
  function originalLink(className, text, path, page, index) {
    const link = el('a', className, text);
    link.href = originalUrl(path, page, index);
    link.target = '_blank';
    link.rel = 'noopener';
    return link;
  }

  function renderPassage(hit, snippet, s) {
    const item = el('li', 'passage');
    const place = el('p', 'place');
    place.appendChild(el('span', 'loc', placeOf(snippet)));
    if (snippet.section) place.appendChild(el('span', 'section', '§ ' + snippet.section));
    item.appendChild(place);
    const link = el('a', 'passage-text');
    link.appendChild(markedText(snippet.text, snippet.highlights));
    link.title = 'Open the document at line ' + snippet.line;
    followInPlace(link, docState(s.q, hit.path, snippet, hit.index),
      fromPassage(hit.path, snippet, hit.index));
    item.appendChild(link);
    const actions = el('div', 'actions');
    const button = el('button', 'copy', 'Copy citation');
    button.type = 'button';
    const note = el('span', 'copy-note');
    note.setAttribute('role', 'status');
    const passage = { doc: hit.path, index: hit.index || '', start: snippet.start, end: snippet.end };
    button.addEventListener('click', () => copyCitation(button, note, passage, s.q));
    actions.append(button);
    if (snippet.page)
      actions.append(originalLink('original-page', 'Open the PDF at p. ' + (snippet.page_label || snippet.page),
        hit.path, snippet.page, hit.index));
    actions.append(note);
    item.appendChild(actions);
    return item;
  }

  /* "Author · 2023-05-14": who wrote a document and when, as far as its
   * source says (either part may be missing); '' when it names neither. */
  function byline(doc) {
    return [doc.author, doc.date].filter(Boolean).join(' · ');
  }

  /* The hit's path, then the other paths of the same content (the API's
   * "duplicates"), each once. */
  function renderPaths(hit) {
    const paths = [hit.path];
    for (const other of hit.duplicates || []) if (!paths.includes(other)) paths.push(other);
    if (hit.index) paths[0] += ' (index: ' + hit.index + ')';
    if (paths.length === 1) return el('p', 'hit-path', paths[0]);
    const list = el('ul', 'hit-paths');
    list.setAttribute('aria-label', 'The same document at ' + paths.length + ' paths');
    for (const p of paths) list.appendChild(el('li', 'hit-path', p));
    return list;
  }

  function renderHit(hit, s) {
    const item = el('li', 'hit');
    const heading = el('h2', 'hit-title');
    /* untitled (never from the readers, which fall back to the file's
     * name): the name, so that the path below stays the only one */
    const title = el('a', null, hit.title || hit.path.slice(hit.path.lastIndexOf('/') + 1));
    const first = hit.snippets[0] || { line: 1 };
    followInPlace(title, docState(s.q, hit.path, first, hit.index),
      hit.snippets[0] ? fromPassage(hit.path, first, hit.index) : { fromResults: true });
    heading.appendChild(title);
    if (byline(hit)) heading.appendChild(el('span', 'byline', byline(hit)));
    heading.appendChild(originalLink('original', 'Open the original', hit.path, first.page, hit.index));
    item.appendChild(heading);
    item.appendChild(renderPaths(hit));
    const passages = el('ul', 'passages');
    for (const snippet of hit.snippets) passages.appendChild(renderPassage(hit, snippet, s));
    item.appendChild(passages);
    return item;
  }

  /* The count may be a lower bound (dynamic pruning), unless fewer hits
   * came back than were asked for: then every match is among them. */
  function summary(data, s, shown) {
    if (data.total === 0) return 'No documents match ' + s.q + '.';
    if (shown === 0) return data.total + ' matching documents; none after ' + s.offset + '.';
    const exact = data.total_exact || shown < HITS_PER_PAGE;
    const total = exact && !data.total_exact ? s.offset + shown : data.total;
    const about = exact ? '' : 'at least ';
    let text = 'Documents ' + (s.offset + 1) + '–' + (s.offset + shown) + ' of ' + about + total + '.';
    if (data.notes) text += ' ' + data.notes.trim();
    return text;
  }

  /* "Did you mean …?" after the summary: a link that runs the corrected
   * query (GET /api/search's "suggestion"). */
  function showSuggestion(suggestion) {
    const note = el('span', 'suggestion', ' Did you mean ');
    const link = el('a', 'suggestion-link', suggestion);
    followInPlace(link, { q: suggestion, offset: 0, sort: readState().sort });
    note.appendChild(link);
    note.appendChild(document.createTextNode('?'));
    byId('status').appendChild(note);
  }

  function renderPager(data, s, shown) {
    const pager = byId('pager');
    pager.replaceChildren();
    if (s.offset > 0) {
      const prev = el('a', 'prev', '← Previous ' + HITS_PER_PAGE);
      followInPlace(prev, { q: s.q, offset: Math.max(0, s.offset - HITS_PER_PAGE), sort: s.sort });
      pager.appendChild(prev);
    }
    const more = shown === HITS_PER_PAGE &&
      (s.offset + shown < data.total || !data.total_exact) && s.offset + shown <= OFFSET_MAX;
    if (more) {
      const next = el('a', 'next', 'Next ' + HITS_PER_PAGE + ' →');
      followInPlace(next, { q: s.q, offset: s.offset + shown, sort: s.sort });
      pager.appendChild(next);
    }
  }

  async function showResults(s, token) {
    setStatus('Searching…');
    let data;
    try {
      data = await api('/api/search', { q: s.q, n: HITS_PER_PAGE, offset: s.offset, sort: s.sort });
    } catch (error) {
      if (token === renderToken) showError(error);
      return;
    }
    if (token !== renderToken) return;
    document.title = s.q + ' — shelf';
    const list = byId('results');
    list.replaceChildren();
    list.start = s.offset + 1;
    for (const hit of data.hits) list.appendChild(renderHit(hit, s));
    setStatus(summary(data, s, data.hits.length));
    if (data.suggestion) showSuggestion(data.suggestion);
    renderPager(data, s, data.hits.length);
  }

  /* ---- a document ---- */

  function renderLine(line, target) {
    const row = el('div', line.line === target ? 'line target' : 'line');
    row.id = 'L' + line.line;
    row.appendChild(el('span', 'number', String(line.line)));
    const text = el('span', 'text');
    text.appendChild(markedText(line.text, line.highlights));
    if (line.cut) text.appendChild(el('span', 'cut', ' … (line cut)'));
    row.appendChild(text);
    if (line.line === target) row.tabIndex = -1;
    return row;
  }

  function docPlace(data) {
    let text = data.path;
    if (data.page) {
      /* The printed label where it differs from the physical page. */
      const label = data.page_label || String(data.page);
      text += label === String(data.page) ? ', p. ' + data.page + ' of ' + data.pages
        : ', p. ' + label + ' (page ' + data.page + ' of ' + data.pages + ')';
    }
    text += ', line ' + data.line;
    if (data.section) text += '  § ' + data.section;
    return text;
  }

  function renderDocNav(data, s) {
    const top = byId('doc-nav-top'), bottom = byId('doc-nav-bottom');
    top.replaceChildren();
    bottom.replaceChildren();
    if (data.page > 1) {
      const prev = el('a', 'prev-page', '← Page ' + (data.page - 1));
      followInPlace(prev, Object.assign({}, s, { page: data.page - 1, line: 1 }));
      top.appendChild(prev);
    }
    if (data.page && data.page < data.pages) {
      const next = el('a', 'next-page', 'Page ' + (data.page + 1) + ' →');
      followInPlace(next, Object.assign({}, s, { page: data.page + 1, line: 1 }));
      top.appendChild(next);
    }
    const partial = data.first_line > 1 || data.last_line < data.total_lines;
    if (partial && docContext < DOC_CONTEXT_MAX) {
      const more = el('button', 'more-lines', 'Show more lines');
      more.type = 'button';
      more.addEventListener('click', () => {
        docContext = Math.min(docContext * 4, DOC_CONTEXT_MAX);
        render();
      });
      bottom.appendChild(more);
    }
    bottom.appendChild(el('span', 'line-range',
      'Lines ' + data.first_line + '–' + data.last_line + ' of ' + data.total_lines));
  }

  /* What the document view's Copy cites: the passage it was opened from,
   * else the first non-empty line from the target on. */
  function passageShown(data, s) {
    const st = history.state;
    if (st && st.passage && st.passage.doc === s.doc && (st.passage.index || '') === s.index)
      return st.passage;
    const from = data.lines.findIndex((line) => line.line === data.line);
    for (const line of data.lines.slice(Math.max(from, 0))) {
      const end = line.start + encoder.encode(line.text).length;
      if (end > line.start) return { doc: s.doc, index: s.index, start: line.start, end: end };
    }
    return null;
  }

  function setupDocActions(data, s) {
    const original = byId('doc-original');
    original.href = originalUrl(s.doc, data.page, s.index);
    original.textContent = data.page
      ? 'Open the PDF at p. ' + (data.page_label || data.page) : 'Open the original';
    docPassage = passageShown(data, s);
    byId('doc-copy').disabled = !docPassage;
    byId('doc-copy-note').textContent = '';
  }

  async function showDoc(s, token) {
    setStatus('Opening the document…');
    docPassage = null;
    byId('doc-copy').disabled = true;
    let data;
    try {
      data = await api('/api/doc', {
        doc: s.doc, index: s.index || undefined, line: s.line, context: docContext, page: s.page || undefined, q: s.q || undefined,
      });
    } catch (error) {
      if (token !== renderToken) return;
      byId('doc-title').textContent = '';
      byId('doc-lines').replaceChildren();
      setStatus('Cannot open the document: ' + error.message, true);
      return;
    }
    if (token !== renderToken) return;
    document.title = (data.title || data.path) + ' — shelf';
    byId('doc-title').textContent = data.title || data.path;
    if (byline(data)) byId('doc-title').appendChild(el('span', 'byline', byline(data)));
    byId('doc-place').textContent = docPlace(data);
    const lines = byId('doc-lines');
    lines.replaceChildren();
    for (const line of data.lines) lines.appendChild(renderLine(line, data.line));
    renderDocNav(data, s);
    setupDocActions(data, s);
    setStatus('');
    const target = byId('L' + data.line);
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.focus({ preventScroll: true });
    }
  }

  function setupBackLink(s) {
    const back = byId('doc-back');
    const results = { q: s.q, offset: s.offset };
    back.hidden = !s.q;
    back.href = stateUrl(results);
    back.onclick = (event) => {
      if (!plainClick(event)) return;
      event.preventDefault();
      if (history.state && history.state.fromResults) history.back();
      else go(results);
    };
  }

  /* ---- drawing the state in the URL ---- */

  function render() {
    const s = readState();
    const token = ++renderToken;
    const input = byId('q');
    if (document.activeElement !== input) input.value = s.q;
    byId('sort').value = s.sort;
    const inDoc = Boolean(s.doc);
    byId('results-view').hidden = inDoc;
    byId('doc-view').hidden = !inDoc;
    if (inDoc) {
      setupBackLink(s);
      showDoc(s, token);
    } else if (s.q) {
      docContext = DOC_CONTEXT;
      showResults(s, token);
    } else {
      document.title = 'Search the shelf';
      byId('results').replaceChildren();
      byId('pager').replaceChildren();
      setStatus('Type words to search the shelf. Press / to jump to the search box.');
    }
  }

  /* ---- wiring ---- */

  function isTyping(target) {
    const tag = target && target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (target && target.isContentEditable);
  }

  function setupHelp() {
    const toggle = byId('help-toggle'), help = byId('help');
    toggle.addEventListener('click', () => {
      const open = help.hidden;
      help.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
    });
  }

  function setupCiteFormat() {
    const select = byId('cite-format');
    try {
      const saved = localStorage.getItem(FORMAT_KEY);
      if (saved === 'plain' || saved === 'markdown') select.value = saved;
    } catch (e) { /* storage off: keep the default */ }
    select.addEventListener('change', () => {
      try { localStorage.setItem(FORMAT_KEY, citeFormat()); } catch (e) { /* ignore */ }
    });
  }

  function setupDocCopy() {
    const button = byId('doc-copy');
    button.addEventListener('click', () => {
      if (docPassage) copyCitation(button, byId('doc-copy-note'), docPassage, readState().q);
    });
  }

  /* ---- filters and order: they write query text (README, "Query
   * language") and the sort parameter ---- */

  /* A filter value as one query clause: quoted when it holds white space
   * or a parenthesis, where the query lexer would cut it. */
  function filterWord(name, value) {
    const v = value.replace(/"/g, '');
    return /[\s()]/.test(v) ? name + ':"' + v + '"' : name + ':' + v;
  }

  /* The day after an ISO date: before: is strict, "To" includes its day. */
  function nextDay(iso) {
    const d = new Date(iso + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  /* The query typed plus the filter controls' clauses; the controls are
   * then cleared, since the clauses now stand in the box. */
  function composeQuery(typed) {
    const parts = typed ? [typed] : [];
    const type = byId('f-type').value, folder = byId('f-in').value.trim();
    const after = byId('f-after').value, before = byId('f-before').value;
    if (type) parts.push(filterWord('type', type));
    if (folder) parts.push(filterWord('in', folder));
    if (/^\d{4}-\d{2}-\d{2}$/.test(after)) parts.push('after:' + after);
    if (/^\d{4}-\d{2}-\d{2}$/.test(before)) parts.push('before:' + nextDay(before));
    for (const id of ['f-type', 'f-in', 'f-after', 'f-before']) byId(id).value = '';
    return parts.join(' ');
  }

  async function setupFilters() {
    const sort = byId('sort');
    sort.value = readState().sort;
    sort.addEventListener('change', () => {
      const s = readState();
      if (s.q && !s.doc) go({ q: s.q, offset: 0, sort: sort.value });
    });
    try {
      const data = await api('/api/types', {});
      const select = byId('f-type');
      for (const name of data.types) {
        const option = el('option', null, name);
        option.value = name;
        select.appendChild(option);
      }
    } catch (error) { /* the select keeps "any" */ }
  }

  function setup() {
    byId('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const q = composeQuery(byId('q').value.trim());
      byId('q').value = q;
      if (q) go({ q: q, offset: 0, sort: byId('sort').value });
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) {
        event.preventDefault();
        byId('q').focus();
        byId('q').select();
      }
    });
    window.addEventListener('popstate', render);
    setupHelp();
    setupCiteFormat();
    setupDocCopy();
    setupFilters();
    render();
  }

  setup();
})();
