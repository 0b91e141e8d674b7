// newsidx's search page: one module, no framework, no build step.
//
// The page's whole state is its URL, with the API's parameter names
// (/?q=storm&from=2011, /articles/ID?matching=storm), so a search can be
// bookmarked and shared, and Back works (History API).
//
// Archive text is untrusted. Every headline, body, comment, source, id and
// path reaches the page as text (text nodes, textContent), never through
// HTML parsing; the only links lead to this site's own pages and are built
// from the URL's parameters and article ids with URLSearchParams and
// encodeURIComponent. The server's Content-Security-Policy forbids inline
// script besides.

const PAGE_SIZE = 10;
const SEARCH_KEYS = ['q', 'from', 'to', 'source', 'unknown_source', 'in', 'sort', 'limit',
  'offset', 'any', 'facets', 'timeline', 'per_comment', 'all_copies', 'count_by'];
const FILTER_KEYS = ['from', 'to', 'source', 'unknown_source'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const $ = (id) => document.getElementById(id);

// An element with attributes and children (strings become text nodes).
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

// A link to one of this site's pages (data-nav: followed without reloading).
function link(href, ...children) {
  return h('a', { href, 'data-nav': true }, ...children);
}

function articleHref(id, query, any, comment) {
  const params = new URLSearchParams();
  if (query && query.trim() !== '*') params.set('matching', query);
  if (params.has('matching') && any) params.set('any', 'true');
  const search = params.toString();
  return '/articles/' + encodeURIComponent(id) + (search ? '?' + search : '')
    + (comment ? '#c' + comment : '');
}

// --- Snippets: byte ranges of UTF-8 text onto JavaScript strings -----------

// The snippet's text with its highlights in <mark>. The API gives the
// highlights as byte ranges of the UTF-8 text (on character boundaries);
// JavaScript strings count UTF-16 units, so the text is cut as bytes and
// each piece decoded on its own.
function marked(snippet, ellipsis = true) {
  const out = document.createDocumentFragment();
  const bytes = encoder.encode(snippet.text);
  if (ellipsis && snippet.cut_before) out.append('…');
  let at = 0;
  for (const [start, end] of snippet.highlights) {
    if (start < at || end > bytes.length || start >= end) continue;
    out.append(decoder.decode(bytes.subarray(at, start)));
    out.append(h('mark', {}, decoder.decode(bytes.subarray(start, end))));
    at = end;
  }
  out.append(decoder.decode(bytes.subarray(at)));
  if (ellipsis && snippet.cut_after) out.append('…');
  return out;
}

// The headline is the lede, which the body fragment often starts with: then
// the headline takes the fragment's marks, and only the rest of the
// fragment is quoted (as `newsidx search` prints it).
function splitAtHeadline(headline, body) {
  const head = { text: headline, highlights: [], cut_before: false, cut_after: false };
  if (!body) return [head, null];
  const lede = headline.endsWith('…') ? headline.slice(0, -1) : headline;
  const a = Array.from(lede);
  const b = Array.from(body.text);
  let common = 0;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) {
    common += encoder.encode(a[i]).length;
    i += 1;
  }
  const startsTheOther = i === a.length || i === b.length;
  if (body.cut_before || common === 0 || !startsTheOther) return [head, body];
  const across = body.highlights.find(([s, e]) => s < common && common < e);
  const split = across ? across[0] : common;
  head.highlights = body.highlights.filter(([, e]) => e <= split);
  const tail = decoder.decode(encoder.encode(body.text).subarray(split));
  const trimmed = tail.trimStart();
  const lead = encoder.encode(tail).length - encoder.encode(trimmed).length;
  const text = trimmed.trimEnd();
  if (!text) return [head, null];
  const rest = {
    text,
    highlights: body.highlights.filter(([s]) => s >= split).map(([s, e]) => [s - split - lead, e - split - lead]),
    cut_before: true,
    cut_after: body.cut_after,
  };
  return [head, rest];
}

// --- The API ----------------------------------------------------------------

class ApiError extends Error {
  constructor(error) {
    super(error.message);
    this.status = error.status;
    this.kind = error.kind;
    this.column = error.column;
    this.parameter = error.parameter;
  }
}

async function api(path, params) {
  const search = params ? params.toString() : '';
  const response = await fetch(path + (search ? '?' + search : ''), { headers: { Accept: 'application/json' } });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError({ status: response.status, kind: 'network', message: `the server answered ${response.status}` });
  }
  if (!response.ok) throw new ApiError(body.error || { status: response.status, message: 'failed' });
  return body;
}

// --- Views --------------------------------------------------------------------

let generation = 0; // the latest navigation: answers to older ones are dropped

function show(view) {
  for (const id of ['home-view', 'results-view', 'article-view']) $(id).hidden = id !== view;
}

function status(text) {
  $('status').textContent = text;
}

function showError(error, query) {
  const box = $('status');
  box.replaceChildren(h('span', { class: 'error' }, error.message));
  const field = { q: 'q', matching: 'q', from: 'from', to: 'to' }[error.parameter];
  if (field) $(field).focus();
  if (error.column && query) {
    // The column counts characters, as the command line does.
    const chars = Array.from(query);
    box.append(h('pre', { class: 'caret' }, chars.join(''), '\n', ' '.repeat(error.column - 1) + '^'));
    const input = $('q');
    const at = chars.slice(0, error.column - 1).join('').length;
    input.focus();
    input.setSelectionRange(at, at);
  }
}

function navigate(href) {
  history.pushState({ fromPage: true }, '', href);
  route();
}

async function route() {
  const current = ++generation;
  const params = new URLSearchParams(location.search);
  fillForm(params);
  if (location.pathname.startsWith('/articles/')) {
    let id;
    try {
      id = decodeURIComponent(location.pathname.slice('/articles/'.length));
    } catch {
      show(null);
      showError({ message: 'this address names no article' });
      return;
    }
    await showArticle(current, id, params);
  } else if (hasSearch(params)) {
    await showResults(current, params);
  } else {
    await showHome(current);
  }
}

function hasSearch(params) {
  return (params.get('q') || '') !== '' || FILTER_KEYS.some((k) => params.has(k));
}

// --- The form -----------------------------------------------------------------

function fillForm(params) {
  $('q').value = params.get('q') || params.get('matching') || '';
  $('from').value = params.get('from') || '';
  $('to').value = params.get('to') || '';
  $('sort').value = params.get('sort') || 'relevance';
  $('in').value = params.get('in') || 'all';
  $('timeline').value = params.get('timeline') || 'year';
  $('any').checked = ['true', '1', ''].includes(params.get('any'));
  $('all_copies').checked = collapsedOff(params);
}

// Whether the URL asks for every copy of a story rather than each story once.
function collapsedOff(params) {
  return ['true', '1', ''].includes(params.get('all_copies'));
}

// The page's URL for the form's values; the filters not on the form
// (sources) are kept from the current URL.
function formHref() {
  const now = new URLSearchParams(location.pathname === '/' ? location.search : '');
  const params = new URLSearchParams();
  const q = $('q').value;
  if (q.trim()) params.set('q', q);
  for (const key of ['from', 'to']) {
    const value = $(key).value.trim();
    if (value) params.set(key, value);
  }
  for (const source of now.getAll('source')) params.append('source', source);
  if (now.has('unknown_source')) params.set('unknown_source', now.get('unknown_source'));
  if ($('sort').value !== 'relevance') params.set('sort', $('sort').value);
  if ($('in').value !== 'all') params.set('in', $('in').value);
  if ($('any').checked) params.set('any', 'true');
  if ($('all_copies').checked) params.set('all_copies', 'true');
  if ($('timeline').value !== 'year') params.set('timeline', $('timeline').value);
  for (const key of ['limit', 'per_comment', 'facets', 'count_by']) {
    if (now.has(key)) params.set(key, now.get(key));
  }
  const search = params.toString();
  return '/' + (search ? '?' + search : '');
}

function withParams(change) {
  const params = new URLSearchParams(location.search);
  change(params);
  const search = params.toString();
  return '/' + (search ? '?' + search : '');
}

// --- Home: what the index holds ------------------------------------------------

async function showHome(current) {
  status('');
  let stats;
  try {
    stats = await api('/api/stats');
  } catch (error) {
    if (current === generation) showError(error);
    return;
  }
  if (current !== generation) return;
  const view = $('home-view');
  const dates = stats.first_date ? `, from ${stats.first_date} to ${stats.last_date}` : '';
  view.replaceChildren(
    h('p', { class: 'lead' },
      `${stats.documents.toLocaleString()} articles from ${stats.sources.length} sources${dates}, `
      + `with ${stats.comments.toLocaleString()} reader comments.`),
    h('h2', {}, 'Sources'),
    h('ul', { class: 'sources' }, stats.sources.map((s) => h('li', {},
      h('button', { type: 'button', class: 'linkish', onclick: () => navigate(withParams((p) => {
        p.set('q', '*');
        p.set('source', s.source);
      })) }, s.source),
      ` ${s.articles.toLocaleString()}`))),
  );
  show('home-view');
  document.title = 'newsidx';
}

// --- Results ------------------------------------------------------------------

async function showResults(current, page) {
  const params = new URLSearchParams();
  for (const key of SEARCH_KEYS) for (const value of page.getAll(key)) params.append(key, value);
  if (!params.get('q')) params.set('q', '*');
  const facets = new Set((params.get('facets') || '').split(',').filter(Boolean));
  facets.add('source');
  params.set('facets', [...facets].join(','));
  if (!params.has('timeline')) params.set('timeline', 'year');
  // Source counts without the source filters, so that more can be ticked.
  const filtered = params.has('source') || params.has('unknown_source');
  const facetParams = new URLSearchParams(params);
  facetParams.delete('source');
  facetParams.delete('unknown_source');
  facetParams.delete('timeline');
  facetParams.delete('offset');
  facetParams.set('limit', '0');
  facetParams.set('facets', 'source');
  status('Searching…');
  let results;
  let sourceFacets;
  try {
    const [main, unfiltered] = await Promise.all([
      api('/api/search', params),
      filtered ? api('/api/search', facetParams) : null,
    ]);
    results = main;
    sourceFacets = (unfiltered || main).facets;
  } catch (error) {
    if (current !== generation) return;
    show(null);
    showError(error, params.get('q'));
    return;
  }
  if (current !== generation) return;
  status('');
  show('results-view'); // first: the chart is drawn to the width it gets
  renderFacets(results, sourceFacets);
  renderChart(results.timeline);
  renderHits(results);
  renderPager(results);
  document.title = `${results.query} – newsidx`;
}

function plural(n, one, many) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

function renderHits(r) {
  const first = r.offset + 1;
  const last = r.offset + r.hits.length;
  const shown = r.hits.length ? `, showing ${first}–${last}` : '';
  const f = r.filters;
  const parts = [];
  if (f.from) parts.push(`from ${f.from}`);
  if (f.to) parts.push(`to ${f.to}`);
  const sources = f.source_names.slice();
  if (f.unknown_source) sources.push('unknown');
  if (sources.length) parts.push(`${sources.length === 1 ? 'source' : 'sources'} ${sources.join(' or ')}`);
  if (f.in === 'body') parts.push('in headline and body');
  if (f.in === 'comments') parts.push('in comments');
  if (f.any) parts.push('any word');
  $('summary').replaceChildren(
    h('strong', {}, plural(r.total, 'article', 'articles')),
    ` ${r.total === 1 ? 'matches' : 'match'} `, h('q', {}, r.query),
    collapsed() && r.stories < r.total ? ` in ${plural(r.stories, 'story', 'stories')}` : '', shown,
    parts.length ? h('span', { class: 'filters' }, ` (${parts.join(', ')})`) : '',
    h('span', { class: 'took' }, ` ${r.took_ms.toFixed(1)} ms`),
    ...didYouMean(r.suggestions || []),
  );
  const list = $('hits');
  list.setAttribute('start', String(first));
  list.replaceChildren(...r.hits.map((hit) => renderHit(hit, r)));
  if (!r.hits.length && r.total > 0) list.append(h('li', { class: 'none' }, 'No hits on this page: it is past the last one.'));
}

// "did you mean": each corrected query as a link that runs it (text only).
function didYouMean(suggestions) {
  if (!suggestions.length) return [];
  const links = [];
  suggestions.forEach((s, i) => {
    if (i > 0) links.push(' or ');
    const href = withParams((p) => { p.set('q', s.query); p.delete('offset'); });
    links.push(link(href, s.query), ` (${plural(s.total, 'article', 'articles')})`);
  });
  return [h('span', { class: 'suggestions' }, ' — did you mean: ', ...links)];
}

// Whether this page's results show each story once (the default).
function collapsed() {
  return !collapsedOff(new URLSearchParams(location.search));
}

function renderHit(hit, r) {
  const query = r.query;
  const any = r.filters.any;
  const [headline, rest] = splitAtHeadline(hit.headline, hit.snippets.body);
  const meta = [hit.date || 'undated', hit.source || 'unknown source', plural(hit.comment_count, 'comment', 'comments')];
  const item = h('li', { class: 'hit' },
    h('h3', {}, link(articleHref(hit.id, query, any), marked(headline, false))),
    h('p', { class: 'meta' }, meta.join(' · '), h('span', { class: 'path' }, hit.path)),
  );
  if (rest && rest.highlights.length) item.append(h('p', { class: 'snippet' }, marked(rest)));
  if (hit.copies > 1) {
    // The other matching copies of its story: the article page lists them.
    const others = hit.copies - 1;
    item.append(h('p', { class: 'copies' }, link(articleHref(hit.id, query, any),
      `+${plural(others, 'other matching copy', 'other matching copies')} of this story`)));
  }
  if (hit.snippets.comments.length) {
    item.append(h('ul', { class: 'cited' }, hit.snippets.comments.map((c) => h('li', {},
      link(articleHref(hit.id, query, any, c.number), `comment ${c.number} of ${c.of}`), ': ',
      marked(c.snippet)))));
  }
  const more = hit.snippets.comments_matched - hit.snippets.comments.length;
  if (more > 0) {
    item.append(h('p', { class: 'more' },
      link(articleHref(hit.id, query, any), `+${plural(more, 'more matching comment', 'more matching comments')}`)));
  }
  return item;
}

function renderPager(r) {
  const pager = $('pager');
  pager.replaceChildren();
  const size = r.limit || PAGE_SIZE;
  // Collapsed results are pages of stories, not of articles.
  const count = collapsed() ? r.stories : r.total;
  if (count <= size) return;
  const pages = Math.ceil(count / size);
  const page = Math.floor(r.offset / size) + 1;
  const to = (offset) => withParams((p) => {
    if (offset > 0) p.set('offset', String(offset));
    else p.delete('offset');
  });
  if (page > 1) pager.append(link(to(Math.max(0, r.offset - size)), '← Previous'));
  pager.append(h('span', { class: 'page' }, `page ${page} of ${pages.toLocaleString()}`));
  if (r.offset + size < count) pager.append(link(to(r.offset + size), 'Next →'));
}

function renderFacets(results, facets) {
  const aside = $('facets');
  aside.replaceChildren();
  if (!facets || !facets.source) return;
  const chosen = new Set(results.filters.source_names);
  const unknown = results.filters.unknown_source;
  const toggle = (name) => navigate(withParams((p) => {
    const names = new Set(results.filters.source_names);
    if (names.has(name)) names.delete(name);
    else names.add(name);
    p.delete('source');
    for (const n of names) p.append('source', n);
    p.delete('offset');
  }));
  const toggleUnknown = () => navigate(withParams((p) => {
    if (unknown) p.delete('unknown_source');
    else p.set('unknown_source', 'true');
    p.delete('offset');
  }));
  const entry = (label, count, checked, onchange) => {
    const box = h('input', { type: 'checkbox', checked });
    box.addEventListener('change', onchange);
    return h('li', {}, h('label', {}, box, ' ', h('span', { class: 'name' }, label), ' ',
      h('span', { class: 'count' }, count.toLocaleString())));
  };
  const list = h('ul', { class: 'facet' });
  const listed = new Set();
  for (const { value, count } of facets.source) {
    listed.add(value);
    list.append(entry(value, count, chosen.has(value), () => toggle(value)));
  }
  for (const name of chosen) if (!listed.has(name)) list.append(entry(name, 0, true, () => toggle(name)));
  if (facets.unknown_source || unknown) {
    list.append(entry('unknown source', facets.unknown_source || 0, unknown, toggleUnknown));
  }
  aside.append(h('h2', {}, 'Sources'), list);
}

// --- The timeline: an SVG bar chart; a bar narrows the dates to its period -

// The first and last day of a timeline bucket, and the finer period to show
// once narrowed to it.
function periodRange(value, period) {
  if (period === 'year') return [value, value, 'month'];
  if (period === 'month') return [value, value, 'day'];
  if (period === 'week') {
    const [year, week] = value.split('-W').map(Number);
    // ISO week 1 holds January 4th; weeks start on Monday.
    const jan4 = new Date(Date.UTC(year, 0, 4));
    const monday = new Date(jan4);
    monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (week - 1) * 7);
    const sunday = new Date(monday);
    sunday.setUTCDate(monday.getUTCDate() + 6);
    const day = (d) => `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    return [day(monday), day(sunday), 'day'];
  }
  return [value, value, 'day'];
}

function narrowTo(value, period) {
  const [from, to, finer] = periodRange(value, period);
  navigate(withParams((p) => {
    p.set('from', from);
    p.set('to', to);
    p.set('timeline', finer);
    p.delete('offset');
  }));
}

function renderChart(timeline) {
  const box = $('chart');
  box.replaceChildren();
  if (!timeline || !timeline.buckets.length) return;
  const buckets = timeline.buckets;
  // One unit a pixel, so that labels keep their size on a phone.
  const width = Math.max(280, Math.round(box.clientWidth || 800));
  const height = 120;
  const axis = 18;
  const gutter = 32; // room for the largest count, top left
  const step = (width - gutter) / buckets.length;
  const max = buckets.reduce((m, b) => Math.max(m, b.count), 1);
  const barWidth = Math.max(1, Math.min(step * 0.8, 48));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height + axis}`, class: 'timeline', role: 'img',
    'aria-label': `matching articles by ${timeline.period}`,
  });
  const top = svg('text', { x: 2, y: 10, class: 'max' });
  top.textContent = `${max.toLocaleString()}`;
  chart.append(top);
  const labelEvery = Math.max(1, Math.ceil(buckets.length / Math.floor((width - gutter) / 64)));
  buckets.forEach((bucket, i) => {
    const x = gutter + i * step;
    const barHeight = bucket.count ? Math.max(2, (bucket.count / max) * height) : 0;
    const title = svg('title');
    title.textContent = `${bucket.value}: ${plural(bucket.count, 'article', 'articles')}`;
    const bar = svg('g', {
      class: 'bar', tabindex: 0, role: 'button', 'data-value': bucket.value,
      'aria-label': `${bucket.value}, ${plural(bucket.count, 'article', 'articles')}: show only this ${timeline.period}`,
    },
    title,
    svg('rect', { class: 'hit-area', x, y: 0, width: step, height }),
    svg('rect', { class: 'fill', x: x + (step - barWidth) / 2, y: height - barHeight, width: barWidth, height: barHeight }));
    bar.addEventListener('click', () => narrowTo(bucket.value, timeline.period));
    bar.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        narrowTo(bucket.value, timeline.period);
      }
    });
    chart.append(bar);
    if (i % labelEvery === 0) {
      const at = Math.min(Math.max(x + step / 2, gutter + 16), width - 16);
      const label = svg('text', { x: at, y: height + axis - 4, 'text-anchor': 'middle', class: 'label' });
      label.textContent = bucket.value;
      chart.append(label);
    }
  });
  const caption = [`Matching articles by ${timeline.period}; click a bar to narrow the dates.`];
  if (timeline.undated) caption.push(` ${plural(timeline.undated, 'undated article', 'undated articles')} not shown.`);
  box.append(h('figure', {}, chart, h('figcaption', {}, caption.join(''))));
}

// --- One article, every comment numbered, the matching ones marked ------------

async function showArticle(current, id, params) {
  const query = params.get('matching');
  const matchParams = new URLSearchParams();
  if (query) {
    matchParams.set('matching', query);
    if (params.has('any')) matchParams.set('any', params.get('any'));
  }
  status('Loading…');
  let articles;
  let matches = [];
  try {
    const path = '/api/articles/' + encodeURIComponent(id);
    [articles, matches] = await Promise.all([api(path), query ? api(path, matchParams) : []]);
  } catch (error) {
    if (current !== generation) return;
    show(null);
    showError(error, query);
    return;
  }
  if (current !== generation) return;
  status('');
  const view = $('article-view');
  view.replaceChildren(backLink(query));
  for (const article of articles) {
    const match = matches.find((m) => m.path === article.path);
    view.append(renderArticle(article, match, query));
  }
  show('article-view');
  document.title = `${articles[0].headline} – newsidx`;
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView({ block: 'center' });
  }
}

function backLink(query) {
  const back = link(query ? '/?' + new URLSearchParams({ q: query }) : '/', '← Back to the results');
  back.classList.add('back');
  back.addEventListener('click', (event) => {
    if (history.state && history.state.fromPage) {
      event.preventDefault();
      event.stopPropagation();
      history.back();
    }
  });
  return back;
}

function renderArticle(a, match, query) {
  const marks = new Map((match ? match.comments : []).map((c) => [c.number, c.snippet]));
  const [lede, ...rest] = a.body;
  const node = h('article', { class: 'article' },
    h('h1', {}, a.headline),
    h('p', { class: 'meta' }, [a.date || 'undated', a.source || 'unknown source'].join(' · '),
      h('span', { class: 'path' }, a.path)),
    // The headline is the lede, cut near 200 characters: the lede is
    // quoted only when the headline does not hold all of it.
    lede !== undefined && lede !== a.headline ? h('p', { class: 'lede' }, lede) : null,
    ...rest.map((p) => h('p', {}, p)),
    a.notice ? h('p', { class: 'notice' }, a.notice) : null,
    a.repaired ? h('p', { class: 'notice' }, 'Invalid UTF-8 in the file was replaced by �.') : null,
  );
  const copies = a.other_copies || [];
  if (copies.length) {
    node.append(h('h2', {}, `Also in ${plural(copies.length, 'paper', 'papers')} (the same story)`),
      h('ul', { class: 'copies' }, copies.map((c) => h('li', {},
        link(articleHref(c.id, query, false), c.headline), ' ',
        h('span', { class: 'meta' }, [c.date || 'undated', c.source || 'unknown source'].join(' · '))))));
  }
  if (a.comments.length) {
    const heading = match
      ? `${plural(a.comments.length, 'comment', 'comments')}, ${match.comments_matched.toLocaleString()} matching `
      : plural(a.comments.length, 'comment', 'comments');
    const title = h('h2', {}, heading);
    if (match) title.append(h('q', {}, query));
    node.append(title, h('ol', { class: 'comments' }, a.comments.map((text, i) => {
      const number = i + 1;
      const snippet = marks.get(number);
      return h('li', { id: `c${number}`, class: snippet ? 'match' : null },
        h('span', { class: 'number' }, `${number}/${a.comments.length}`), ' ',
        snippet ? marked(snippet, false) : text);
    })));
  }
  return node;
}

// --- Wiring -----------------------------------------------------------------------

function start() {
  $('search').addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(formHref());
  });
  for (const id of ['sort', 'in', 'timeline', 'any', 'all_copies']) {
    $(id).addEventListener('change', () => {
      if (hasSearch(new URLSearchParams(location.search)) || $('q').value.trim()) navigate(formHref());
    });
  }
  document.addEventListener('click', (event) => {
    const a = event.target.closest('a[data-nav]');
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(a.getAttribute('href'));
  });
  document.addEventListener('keydown', (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
      || target instanceof HTMLSelectElement || target.isContentEditable;
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      $('q').focus();
      $('q').select();
    }
  });
  window.addEventListener('popstate', route);
  route();
}

start();
