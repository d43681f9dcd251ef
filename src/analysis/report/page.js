'use strict';
// Renders the report from the embedded data (gzipped JSON in base64). Only the visible page of
// articles and the one open article or speaker are in the DOM, so large runs stay fast.
(async function () {
  const PAGE = 50;
  const TOP = 25;

  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    return fill(e, ...kids);
  }

  // Like replaceChildren, but takes arrays and skips null.
  function fill(e, ...kids) {
    e.replaceChildren(...kids.flat(2).filter((k) => k !== null && k !== undefined).map((k) => (k instanceof Node ? k : String(k))));
    return e;
  }

  async function unpack() {
    const b64 = document.getElementById('data').textContent.trim();
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(stream).text());
  }

  const data = await unpack();
  const byId = new Map(data.articles.map((a, i) => [a.id, i]));
  const bySpeaker = new Map(data.speakers.map((s, i) => [s.name, i]));
  const go = (key, value) => { location.hash = key + '=' + encodeURIComponent(value); };
  const speakerLink = (name) => h('a', { class: 'speaker', 'data-speaker': name, onclick: () => go('speaker', name) }, name);
  const articleLink = (i) => h('a', { class: 'article-link', onclick: () => go('article', data.articles[i].id) }, data.articles[i].id);

  function stanceBar(s) {
    const n = s.support + s.oppose + s.neutral || 1;
    return h('span', { class: 'stance', title: `${s.support} support, ${s.oppose} oppose, ${s.neutral} neutral` },
      ['support', 'oppose', 'neutral'].map((k) => h('i', { class: k, style: `width:${(100 * s[k]) / n}%` })));
  }

  // Corpus view
  const counts = document.getElementById('counts');
  for (const [key, label] of [['articles', 'articles'], ['errors', 'errors'], ['entities', 'entities'],
    ['positions', 'positions'], ['places', 'places']]) {
    counts.append(h('div', { class: 'count', id: 'count-' + key }, h('b', {}, data.counts[key].toLocaleString('en')), h('span', {}, label)));
  }

  function renderSpeakers(filter) {
    const f = filter.toLowerCase();
    const rows = data.speakers.filter((s) => s.name.toLowerCase().includes(f)).slice(0, TOP);
    fill(document.getElementById('speakers'),
      h('tr', {}, h('th', {}, 'Speaker'), h('th', {}, 'Positions'), h('th', {}, 'Support'), h('th', {}, 'Oppose'), h('th', {}, 'Neutral'), h('th', {}, '')),
      rows.map((s) => h('tr', {}, h('td', {}, speakerLink(s.name)), h('td', { class: 'n' }, s.positions.length),
        h('td', { class: 'n' }, s.support), h('td', { class: 'n' }, s.oppose), h('td', { class: 'n' }, s.neutral), h('td', {}, stanceBar(s)))));
  }
  document.getElementById('speaker-filter').addEventListener('input', (e) => renderSpeakers(e.target.value));
  renderSpeakers('');

  // Issues (when the page was built with --issues): who is for, who is against
  const sideList = (list) => list.slice(0, 5).map(([name, n], k) => [k ? ', ' : '', speakerLink(name), ` (${n})`]);
  if (data.issues.length) {
    document.getElementById('issues-panel').hidden = false;
    fill(document.getElementById('issues'),
      h('tr', {}, h('th', {}, 'Issue'), h('th', {}, 'Positions'), h('th', {}, 'For'), h('th', {}, 'Against')),
      data.issues.slice(0, TOP).map((t) => h('tr', {},
        h('td', {}, h('a', { class: 'issue', onclick: () => go('issue', t.id) }, t.keywords.join(', ') || t.id),
          h('div', { class: 'muted' }, t.label)),
        h('td', { class: 'n' }, t.positions.length), h('td', {}, sideList(t.support)), h('td', {}, sideList(t.oppose)))));
  }

  const point = (k) => document.querySelector(`circle[data-place="${k}"]`);
  fill(document.getElementById('places'),
    h('tr', {}, h('th', {}, 'Place'), h('th', {}, 'Country'), h('th', {}, 'Kind'), h('th', {}, 'Mentions'), h('th', {}, 'Articles')),
    data.places.slice(0, TOP).map((p, k) => h('tr', {
      onmouseenter: () => point(k)?.classList.add('hl'),
      onmouseleave: () => point(k)?.classList.remove('hl'),
    }, h('td', {}, p.name), h('td', {}, p.country), h('td', {}, p.feature), h('td', { class: 'n' }, p.mentions), h('td', { class: 'n' }, p.articles))));

  // Article list, paged
  let listed = data.articles.map((_, i) => i);
  let page = 0;
  let current = -1;
  function renderList() {
    const pages = Math.max(1, Math.ceil(listed.length / PAGE));
    page = Math.min(page, pages - 1);
    fill(document.getElementById('article-list'), ...listed.slice(page * PAGE, (page + 1) * PAGE).map((i) => {
      const a = data.articles[i];
      return h('li', { class: i === current ? 'current' : '', onclick: () => go('article', a.id) },
        h('div', {}, a.title || a.id),
        h('div', { class: 'meta' }, a.id, ' · ', a.error ? h('span', { class: 'error' }, 'error') : `${a.positions.length} positions, ${a.mentions.length} mentions`));
    }));
    fill(document.getElementById('pager'),
      h('button', { onclick: () => { page = Math.max(0, page - 1); renderList(); } }, '‹'),
      h('span', { class: 'muted' }, `page ${page + 1} of ${pages} (${listed.length} articles)`),
      h('button', { onclick: () => { page = Math.min(pages - 1, page + 1); renderList(); } }, '›'));
  }
  document.getElementById('article-filter').addEventListener('input', (e) => {
    const f = e.target.value.toLowerCase();
    listed = data.articles.map((_, i) => i).filter((i) => {
      const a = data.articles[i];
      return a.id.toLowerCase().includes(f) || (a.title || '').toLowerCase().includes(f);
    });
    page = 0;
    renderList();
  });

  // The text cut at every boundary of a mention or a position's span; each piece knows what
  // covers it, so hovering a position lights its pieces.
  function annotatedText(a) {
    const chars = Array.from(a.text); // offsets are in code points
    const marks = [];
    for (const [s, e, k] of a.mentions) marks.push({ s, e, mention: a.entities[k][0], name: a.entities[k][1] });
    for (const p of a.positions) {
      if (p.speaker_span) marks.push({ s: p.speaker_span[0], e: p.speaker_span[1], role: 'speaker', p: p.id });
      marks.push({ s: p.cue_span[0], e: p.cue_span[1], role: 'cue', p: p.id });
      for (const [s, e] of p.content_spans) marks.push({ s, e, role: 'content', p: p.id });
    }
    const cuts = new Set([0, chars.length]);
    for (const m of marks) { cuts.add(Math.min(m.s, chars.length)); cuts.add(Math.min(m.e, chars.length)); }
    const points = [...cuts].sort((x, y) => x - y);
    const out = h('div', { class: 'text' });
    for (let k = 0; k + 1 < points.length; k++) {
      const [s, e] = [points[k], points[k + 1]];
      const piece = chars.slice(s, e).join('');
      const over = marks.filter((m) => m.s <= s && e <= m.e);
      if (!over.length) { out.append(piece); continue; }
      const attrs = { class: '' };
      for (const m of over) {
        if (m.mention) { attrs.class += ` mention ${m.mention}`; attrs.title = `${m.mention}: ${m.name}`; } else {
          attrs['data-' + m.role] = ((attrs['data-' + m.role] || '') + ' ' + m.p).trim();
        }
      }
      attrs.class = attrs.class.trim();
      out.append(h('span', attrs, piece));
    }
    return out;
  }

  function light(id, on) {
    for (const role of ['speaker', 'cue', 'content']) {
      document.querySelectorAll(`[data-${role}~="${id}"]`).forEach((e) => e.classList.toggle('hl-' + role, on));
    }
  }

  // The words of a position's cue and content: cut from the text when the page has it.
  let cut = { article: null, chars: [] };
  function words(a, spans) {
    if (cut.article !== a) cut = { article: a, chars: Array.from(a.text) };
    return spans.map(([s, e]) => cut.chars.slice(s, e).join('')).join(' … ');
  }
  const cueOf = (a, p) => p.cue ?? words(a, [p.cue_span]);
  const contentOf = (a, p) => p.content ?? words(a, p.content_spans);

  // A position as speaker → cue → content; in a speaker's list, `ai` (its article) comes first.
  function positionItem(a, p, ai) {
    return h('li', { class: 'position', 'data-p': p.id, onmouseenter: () => light(p.id, true), onmouseleave: () => light(p.id, false) },
      ai === undefined ? null : h('span', { class: 'muted' }, articleLink(ai), ': '),
      p.speaker ? speakerLink(p.speaker) : h('span', { class: 'nobody' }, 'unattributed'),
      h('span', { class: 'arrow' }, '→'), h('span', { class: 'cue' }, cueOf(a, p)), h('span', { class: 'arrow' }, '→'),
      h('span', { class: 'content' }, contentOf(a, p)),
      h('span', { class: 'badge kind' }, p.kind), h('span', { class: 'badge ' + p.stance }, p.stance));
  }

  function showArticle(i) {
    current = i;
    const a = data.articles[i];
    const view = document.getElementById('article-view');
    const types = [...new Set(a.mentions.map((m) => a.entities[m[2]][0]))].sort();
    fill(view,
      h('h2', {}, a.title || a.id), h('div', { class: 'muted' }, a.id),
      a.error ? h('p', { class: 'error' }, a.error) : null,
      h('p', { class: 'legend' }, types.map((t) => h('span', { class: 'mention ' + t }, t))),
      a.text !== null && a.text !== undefined ? annotatedText(a)
        : h('p', { class: 'muted' }, 'The text is not in this report: build it with --articles to see it.'),
      h('h2', {}, `Reported positions (${a.positions.length})`),
      h('ol', { class: 'positions' }, a.positions.map((p) => positionItem(a, p))),
      a.places.length ? h('p', {}, h('b', {}, 'Places: '), a.places.map((k) => data.places[k].name).join(', ')) : null);
    renderList();
  }

  function showSpeaker(name, event) {
    const view = document.getElementById('speaker-view');
    const k = bySpeaker.get(name);
    if (k === undefined) { view.hidden = true; return; }
    const s = data.speakers[k];
    const shown = s.positions.slice(0, 1000);
    fill(view,
      h('h2', {}, `${s.name}: ${s.positions.length} positions`, ' ', stanceBar(s)),
      h('p', { class: 'muted' }, `${s.support} support · ${s.oppose} oppose · ${s.neutral} neutral`),
      h('ol', { class: 'positions', id: 'speaker-positions' },
        shown.map(([ai, pi]) => positionItem(data.articles[ai], data.articles[ai].positions[pi], ai))),
      shown.length < s.positions.length ? h('p', { class: 'muted' }, `the first ${shown.length} shown`) : null);
    view.hidden = false;
    if (event) view.scrollIntoView();
  }

  function showIssue(id, event) {
    const view = document.getElementById('issue-view');
    const t = data.issues.find((x) => x.id === id);
    if (!t) { view.hidden = true; return; }
    const shown = t.positions.slice(0, 1000);
    fill(view,
      h('h2', {}, `${t.id}: ${t.keywords.join(', ')}`),
      h('p', { class: 'muted' }, t.label),
      h('p', {}, h('b', {}, 'For: '), t.support.length ? sideList(t.support) : 'nobody named'),
      h('p', {}, h('b', {}, 'Against: '), t.oppose.length ? sideList(t.oppose) : 'nobody named'),
      h('ol', { class: 'positions', id: 'issue-positions' },
        shown.map(([ai, pi]) => positionItem(data.articles[ai], data.articles[ai].positions[pi], ai))),
      shown.length < t.positions.length ? h('p', { class: 'muted' }, `the first ${shown.length} shown`) : null);
    view.hidden = false;
    if (event) view.scrollIntoView();
  }

  function route(event) {
    const hash = location.hash.slice(1);
    const cut = hash.indexOf('=');
    const key = cut < 0 ? hash : hash.slice(0, cut);
    const value = cut < 0 ? '' : decodeURIComponent(hash.slice(cut + 1));
    if (key === 'speaker') showSpeaker(value, event);
    else document.getElementById('speaker-view').hidden = true;
    if (key === 'issue') showIssue(value, event);
    else document.getElementById('issue-view').hidden = true;
    if (!data.articles.length) { renderList(); return; }
    let i = key === 'article' ? byId.get(value) : undefined;
    if (i === undefined && current < 0) {
      i = Math.max(0, data.articles.findIndex((a) => a.text !== null && a.text !== undefined));
    }
    if (i === undefined) return;
    page = Math.floor(Math.max(0, listed.indexOf(i)) / PAGE);
    showArticle(i);
    if (event && key === 'article') document.getElementById('article-view').scrollIntoView();
  }
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = 'true';
})();
