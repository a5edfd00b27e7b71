// The case page: the case's head, its decisions' explanations, the feature snapshot, the linked context, recent
// transactions, the entity graph (SVG), labels and timeline from GET /api/cases/{id}; the action forms POST to
// /api/cases/{id}/{action} with the version the page was loaded at and the session's CSRF token.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const caseId = decodeURIComponent(window.location.pathname.replace(/^\/cases\//, ''));
  let loaded = null; // the case as last loaded: its version goes with every action

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function head(c) {
    loaded = c;
    FP.text('#case-id', c.case_id);
    FP.text('#case-account', c.account_id);
    FP.text('#case-state', c.state);
    FP.text('#case-priority', c.priority);
    FP.text('#case-owner', c.owner || 'unassigned');
    FP.text('#case-disposition', c.disposition || '—');
    FP.text('#case-opened', FP.time(c.opened_at));
    FP.text('#case-version', c.version);
    document.title = `fraud-platform investigator console: case ${c.case_id}`;
  }

  function explanation(d) {
    const reasons = (d.reasons || []).map((r) => FP.el('li', {}, r));
    return FP.el('div', { class: 'decision', dataset: { decisionId: d.decision_id } },
      FP.el('p', {}, FP.el('span', { class: 'action' }, d.action), ' score ',
        FP.el('span', { class: 'score' }, d.score), ' on ', FP.time(d.event_time),
        d.amount_minor !== null && d.amount_minor !== undefined ? ` for ${FP.money(d.amount_minor)}` : ''),
      FP.el('p', {}, 'Top reasons:'), FP.el('ol', { class: 'reasons' }, reasons),
      FP.el('p', {}, 'Degrade mode ', FP.el('span', { class: 'degrade-mode' }, d.degrade_mode || '—'), ': ',
        FP.el('span', { class: 'degrade-reason' }, d.degrade_reason || '—')),
      FP.el('p', {}, 'Bundle ', FP.el('span', { class: 'bundle-id' }, d.bundle_id || '—'),
        ' · decision ', FP.el('code', {}, d.decision_id)),
      d.unreadable ? FP.el('p', { class: 'unreadable' }, d.unreadable) : null);
  }

  function features(d) {
    const f = (d && d.features) || {};
    FP.text('#features-of', d ? `of ${d.decision_id}` : '');
    document.querySelector('#features tbody').replaceChildren(...Object.keys(f).sort().map((k) =>
      FP.el('tr', { dataset: { feature: k } }, FP.el('td', {}, k),
        FP.el('td', {}, typeof f[k] === 'object' ? JSON.stringify(f[k]) : f[k]))));
  }

  function details(e) {
    const p = e.payload || {};
    return Object.keys(p).filter((k) => k !== 'account_id').sort()
      .map((k) => `${k}=${typeof p[k] === 'object' ? JSON.stringify(p[k]) : p[k]}`).join(' · ');
  }

  function activity(events) {
    const context = events.filter((e) => String(e.event_class).startsWith('ctx.'));
    const txns = events.filter((e) => String(e.event_class).startsWith('txn'));
    document.querySelector('#context tbody').replaceChildren(...context.map((e) =>
      FP.el('tr', { dataset: { eventClass: e.event_class } }, FP.el('td', {}, FP.time(e.event_time)),
        FP.el('td', {}, e.event_class), FP.el('td', {}, details(e)))));
    document.querySelector('#transactions tbody').replaceChildren(...txns.map((e) =>
      FP.el('tr', { dataset: { txnId: e.txn_id || '' } }, FP.el('td', {}, FP.time(e.event_time)),
        FP.el('td', {}, e.txn_id), FP.el('td', {}, FP.money(e.amount_minor)), FP.el('td', {}, e.merchant_id),
        FP.el('td', {}, e.card_id), FP.el('td', {}, e.device_id), FP.el('td', {}, e.ip))));
  }

  /** The account in the centre, the devices, IPs and cards it used around it, other accounts sharing them outside. */
  function graph(g) {
    const W = 720, H = 520, cx = W / 2, cy = H / 2;
    const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img',
      'aria-label': 'entity graph of the account' });
    const nodes = g.nodes || [];
    const centre = nodes.find((n) => n.centre) || nodes[0];
    const entities = nodes.filter((n) => n.kind !== 'account');
    const others = nodes.filter((n) => n.kind === 'account' && n !== centre);
    const at = new Map();
    if (centre) at.set(centre.id, [cx, cy]);
    entities.forEach((n, i) => {
      const a = (2 * Math.PI * i) / Math.max(1, entities.length) - Math.PI / 2;
      at.set(n.id, [cx + 140 * Math.cos(a), cy + 140 * Math.sin(a), a]);
    });
    const perEntity = new Map();
    others.forEach((n) => {
      const via = (g.edges || []).find((e) => (e.from === n.id && at.has(e.to) && e.to !== centre?.id)
        || (e.to === n.id && at.has(e.from) && e.from !== centre?.id));
      const entity = via ? (via.from === n.id ? via.to : via.from) : null;
      const k = perEntity.get(entity) || 0;
      perEntity.set(entity, k + 1);
      const base = entity && at.get(entity)[2] !== undefined ? at.get(entity)[2] : (2 * Math.PI * k) / Math.max(1, others.length);
      const a = base + (k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 0.22;
      at.set(n.id, [cx + 235 * Math.cos(a), cy + 235 * Math.sin(a)]);
    });
    const edges = svg('g', { class: 'edges' });
    for (const e of g.edges || []) {
      const a = at.get(e.from), b = at.get(e.to);
      if (!a || !b) continue;
      const line = svg('line', { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: '#98a2b3',
        'stroke-width': Math.min(4, 1 + Math.log2(1 + Number(e.events || 1))) });
      line.append(svg('title', {}, `${e.from} — ${e.to}: ${e.events} events`));
      edges.append(line);
    }
    root.append(edges);
    const colour = { account: '#23324d', device: '#2b8a3e', ip: '#c77700', card: '#7a3ea1' };
    const group = svg('g', { class: 'nodes' });
    for (const n of nodes) {
      const p = at.get(n.id);
      if (!p) continue;
      const g1 = svg('g', { class: `node ${n.kind}${n.centre ? ' centre' : ''}`, 'data-id': n.id });
      g1.append(svg('circle', { cx: p[0], cy: p[1], r: n.centre ? 16 : 10, fill: n.centre ? '#c92a2a' : (colour[n.kind] || '#555') }));
      g1.append(svg('text', { x: p[0], y: p[1] + (n.centre ? 30 : 22), 'text-anchor': 'middle' }, n.label || n.id));
      g1.append(svg('title', {}, `${n.kind} ${n.id}`));
      group.append(g1);
    }
    root.append(group);
    document.getElementById('graph').replaceChildren(root);
  }

  function timeline(entries) {
    document.getElementById('timeline').replaceChildren(...entries.map((t) => {
      const d = t.detail || {};
      const said = Object.keys(d).sort().map((k) => `${k}: ${typeof d[k] === 'object' ? JSON.stringify(d[k]) : d[k]}`).join(' · ');
      return FP.el('li', { dataset: { type: t.type, actor: t.actor, seq: t.seq } },
        FP.el('strong', {}, t.type), ' by ', FP.el('span', { class: 'actor' }, t.actor), ' at ', FP.time(t.at),
        said ? ` — ${said}` : '');
    }));
  }

  function labelRows(answer) {
    document.querySelector('#labels tbody').replaceChildren(...answer.labels.map((l) => {
      const a = l.label;
      return FP.el('tr', { dataset: { transaction: l.transaction, value: a ? a.value : '', source: a ? a.source : '' } },
        FP.el('td', {}, l.transaction), FP.el('td', {}, a ? a.value : 'no label'), FP.el('td', {}, a ? a.source : ''),
        FP.el('td', {}, a ? FP.time(a.observed_time) : ''), FP.el('td', {}, a ? a.provenance : ''),
        FP.el('td', {}, a ? (a.actor || '') : ''));
    }));
  }

  async function load() {
    const id = encodeURIComponent(caseId);
    const page = await FP.api(`/api/cases/${id}`);
    head(page.case);
    document.getElementById('explanations').replaceChildren(...page.decisions.map(explanation));
    features(page.decisions[page.decisions.length - 1]);
    activity(page.activity);
    graph(page.graph);
    timeline(page.timeline);
    labelRows(await FP.api(`/api/cases/${id}/labels`));
    document.body.dataset.loadedVersion = String(page.case.version);
  }

  for (const form of document.querySelectorAll('#actions form')) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      FP.showError('');
      FP.showMessage('');
      const action = form.dataset.action;
      const fields = Object.fromEntries(new FormData(form).entries());
      fields.version = String(loaded ? loaded.version : '');
      try {
        await FP.api(`/api/cases/${encodeURIComponent(caseId)}/${action}`, fields);
        if (action === 'note') document.getElementById('note-text').value = '';
        await load();
        FP.showMessage(`${action}: done`);
      } catch (e) {
        FP.showError(e.message);
      }
    });
  }

  FP.loadMe()
    .then((me) => { document.getElementById('assign-owner').value = me.username; return load(); })
    .catch((e) => FP.showError(e.message));
})();
