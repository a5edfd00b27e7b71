// Shared by the console's pages. Every value from the API reaches the DOM through text nodes or attributes set by
// the DOM API (el, text), never through innerHTML, so nothing an event or a note carries can run as markup.
'use strict';

const FP = {
  me: null,

  /** An element with attributes and children (strings become text nodes). */
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },

  text(selector, value) {
    const e = document.querySelector(selector);
    if (e) e.textContent = value === null || value === undefined ? '' : String(value);
  },

  showError(message) {
    const e = document.getElementById('error');
    if (!e) return;
    e.textContent = message || '';
    e.hidden = !message;
  },

  showMessage(message) {
    const e = document.getElementById('message');
    if (!e) return;
    e.textContent = message || '';
    e.hidden = !message;
  },

  /** GET or POST the API; resolves the JSON answer, rejects with its one-line error (and goes to sign-in on 401). */
  async api(path, form) {
    const init = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (form) {
      init.method = 'POST';
      init.headers['X-CSRF-Token'] = FP.me ? FP.me.csrf : '';
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(form).toString();
    }
    const response = await fetch(path, init);
    if (response.status === 401) {
      window.location.assign('/login');
      throw new Error('signed out');
    }
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    if (!response.ok) throw new Error((body && body.error) || `HTTP ${response.status}`);
    return body;
  },

  async loadMe() {
    FP.me = await FP.api('/api/me');
    FP.text('#me', `${FP.me.username} (${FP.me.role.toLowerCase()})`);
    document.querySelectorAll('input.csrf').forEach((i) => { i.value = FP.me.csrf; });
    return FP.me;
  },

  money(minor) {
    if (minor === null || minor === undefined) return '';
    return (Number(minor) / 100).toFixed(2);
  },

  time(iso) {
    if (!iso || iso === 'null') return '';
    return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  },
};
