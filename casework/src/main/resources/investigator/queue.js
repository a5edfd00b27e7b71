// The case queue: filters, sort and keyset pages from GET /api/queue.
'use strict';

(() => {
  let cursors = [null]; // the cursor of each page shown so far; the last is the next page's
  let page = 0;

  function query(after) {
    const params = new URLSearchParams();
    for (const [name, id] of [['state', 'filter-state'], ['min_priority', 'filter-priority'], ['owner', 'filter-owner'],
      ['opened_before', 'filter-age'], ['sort', 'filter-sort']]) {
      const v = document.getElementById(id).value.trim();
      if (v) params.set(name, v);
    }
    if (after) params.set('after', after);
    params.set('limit', '50');
    return params;
  }

  function row(c) {
    return FP.el('tr', { dataset: { caseId: c.case_id } },
      FP.el('td', {}, FP.el('a', { href: `/cases/${encodeURIComponent(c.case_id)}` }, c.case_id)),
      FP.el('td', {}, c.account_id),
      FP.el('td', { class: 'state' }, c.state),
      FP.el('td', { class: 'priority' }, c.priority),
      FP.el('td', { class: 'owner' }, c.owner || '—'),
      FP.el('td', {}, Number(c.max_score).toFixed(3)),
      FP.el('td', {}, FP.money(c.max_amount_minor)),
      FP.el('td', {}, c.decisions),
      FP.el('td', {}, FP.time(c.opened_at)),
      FP.el('td', {}, FP.time(c.updated_at)));
  }

  async function show(index) {
    FP.showError('');
    try {
      const answer = await FP.api(`/api/queue?${query(cursors[index])}`);
      page = index;
      cursors = cursors.slice(0, index + 1);
      cursors.push(answer.next);
      const body = document.querySelector('#queue tbody');
      body.replaceChildren(...answer.cases.map(row));
      FP.text('#total', answer.total);
      FP.text('#page-info', `Page ${page + 1}.`);
      document.getElementById('next-page').disabled = !answer.next;
    } catch (e) {
      FP.showError(e.message);
    }
  }

  document.getElementById('filters').addEventListener('submit', (ev) => { ev.preventDefault(); cursors = [null]; show(0); });
  document.getElementById('next-page').addEventListener('click', () => show(page + 1));
  document.getElementById('first-page').addEventListener('click', () => { cursors = [null]; show(0); });
  FP.loadMe().then(() => show(0)).catch((e) => FP.showError(e.message));
})();
