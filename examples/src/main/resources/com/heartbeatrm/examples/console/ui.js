// Small DOM helpers. Text always goes in as text (textContent), never as HTML: names, host names and reasons
// come from people and agents.
import { ApiError, organizationName } from './api.js';

/** h('button', {class: 'primary', onclick: fn}, 'Save') */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Shows an error in words right after the element that caused it (an input, a button, a form) and returns the
 * message element. An earlier error for the same element is replaced.
 */
export function showError(anchor, error) {
  clearError(anchor);
  const message = error && error.message ? error.message : String(error);
  const p = h('p', { class: 'error', role: 'alert' }, capitalize(message));
  const id = `err-${Math.random().toString(36).slice(2)}`;
  p.id = id;
  anchor.setAttribute('aria-describedby', id);
  anchor.dataset.errorId = id;
  anchor.after(p);
  return p;
}

export function clearError(anchor) {
  const id = anchor.dataset.errorId;
  if (id) {
    document.getElementById(id)?.remove();
    delete anchor.dataset.errorId;
    anchor.removeAttribute('aria-describedby');
  }
}

/** Within a form: the error goes next to the input the API named, or else next to `fallback`. */
export function showFormError(form, error, fallback) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  const target = (error && error.field && form.querySelector(`[data-field~="${error.field}"]`)) || fallback;
  showError(target, error);
}

export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A timestamp for people, with the exact instant as a tooltip. */
export function when(iso) {
  if (!iso) return h('span', { class: 'sub' }, 'never');
  return h('time', { datetime: iso, title: iso }, dateTime.format(new Date(iso)));
}

export function status(name, label) {
  return h('span', { class: `status ${name}` }, label || name.charAt(0) + name.slice(1).toLowerCase());
}

export function table(headers, rows, emptyText) {
  if (rows.length === 0) return h('div', { class: 'table-wrap' }, h('p', { class: 'empty' }, emptyText));
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
}

/**
 * A modal dialog with a form. `build(form)` returns the fields; `submit(form)` runs on submit, and the dialog
 * closes when it resolves; when it throws, the error is shown next to its cause and the dialog stays open.
 * Resolves with submit's value, or null when cancelled.
 */
export function dialog(title, { build, submit, submitLabel = 'Submit', danger = false, id }) {
  return new Promise((resolve) => {
    const submitButton = h('button', { type: 'submit', class: danger ? 'danger primary' : 'primary' }, submitLabel);
    const cancel = h('button', { type: 'button', value: 'cancel' }, 'Cancel');
    const form = h('form', { method: 'dialog', novalidate: true });
    const d = h('dialog', { 'aria-label': title, id }, form);
    fill(form, h('h2', {}, title), build(form), h('div', { class: 'actions' }, cancel, submitButton));
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      d.close();
      d.remove();
      resolve(value);
    };
    cancel.addEventListener('click', () => finish(null));
    d.addEventListener('cancel', (e) => { e.preventDefault(); finish(null); });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submitButton.disabled = true;
      form.querySelectorAll('.error').forEach((x) => x.remove());
      try {
        const value = await submit(form);
        finish(value === undefined ? true : value);
      } catch (err) {
        showFormError(form, err, submitButton.parentElement);
      } finally {
        submitButton.disabled = false;
      }
    });
    document.body.append(d);
    d.showModal();
    const first = form.querySelector('input:not([type=hidden]), select, textarea');
    (first || submitButton).focus();
  });
}

export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2)}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null);
}

/** How a group path reads to people: the root ("/") by the organization's name. */
export function groupLabel(path) {
  return path === '/' ? `${organizationName() || 'Organization'} (root)` : path;
}

/** A dialog asking for one name; `send(name)` saves it. Resolves with send's value, or null when cancelled. */
export function askName(title, { label = 'Name', initial = '', submitLabel, missing, send }) {
  return dialog(title, {
    submitLabel,
    build: () => field(label, h('input', { name: 'name', value: initial, maxlength: 100, autocomplete: 'off', dataset: { field: 'name' } })),
    submit: (form) => {
      const name = form.elements.name.value.trim();
      if (!name) throw new ApiError(400, missing, 'name');
      return send(name);
    },
  });
}

/** Builds the group tree from the API's list of {id, path}; the root's path is "/". */
export function groupTree(groups, rootName = organizationName() || 'Organization') {
  const root = { name: rootName, path: '/', id: null, children: [] };
  const byPath = new Map([['/', root]]);
  const sorted = [...groups].sort((a, b) => depth(a.path) - depth(b.path) || a.path.localeCompare(b.path));
  for (const g of sorted) {
    if (g.path === '/') { root.id = g.id; continue; }
    const parts = g.path.split('/');
    const node = { name: parts[parts.length - 1], path: g.path, id: g.id, children: [] };
    const parent = byPath.get(parts.length === 1 ? '/' : parts.slice(0, -1).join('/')) || root;
    parent.children.push(node);
    byPath.set(g.path, node);
  }
  return root;
}

function depth(path) {
  return path === '/' ? 0 : path.split('/').length;
}

/** Renders a tree of buttons; `onPick(node)` runs when one is clicked. */
export function treeView(root, { selected, onPick, disabled } = {}) {
  const render = (node) => h('li', { role: 'none' },
    h('button', {
      type: 'button', class: 'node', role: 'treeitem', 'aria-selected': String(node.path === selected),
      dataset: { path: node.path }, disabled: disabled && disabled(node),
      onclick: () => onPick(node),
    }, node.name),
    node.children.length ? h('ul', { role: 'group' }, node.children.map(render)) : null);
  return h('ul', { class: 'tree', role: 'tree' }, render(root));
}

/** The "Modify" group picker: a dialog with the tree; resolves with the picked node ({ id, path, name }), or null. */
export function pickGroup(title, root, { selected, disabled } = {}) {
  return new Promise((resolve) => {
    const d = h('dialog', { 'aria-label': title, id: 'group-picker' });
    const close = (value) => { d.close(); d.remove(); resolve(value); };
    const cancel = h('button', { type: 'button', onclick: () => close(null) }, 'Cancel');
    fill(d, h('div', { class: 'dialog-body' },
      h('h2', {}, title),
      h('p', { class: 'hint' }, 'Click a group to choose it.'),
      treeView(root, { selected, disabled, onPick: (node) => close(node) }),
      h('div', { class: 'actions' }, cancel)));
    d.addEventListener('cancel', (e) => { e.preventDefault(); close(null); });
    document.body.append(d);
    d.showModal();
  });
}

/** A confirm step for destructive actions, as a dialog. */
export function confirmAction(title, message, label, submit) {
  return dialog(title, {
    build: () => h('p', { class: 'warning' }, message),
    submit,
    submitLabel: label,
    danger: true,
  });
}

/** Runs an action for a table row's button; an error is shown right after that button. */
export async function rowAction(button, action) {
  clearError(button);
  button.disabled = true;
  try {
    return await action();
  } catch (err) {
    if (button.isConnected) showError(button, err);
    return undefined;
  } finally {
    button.disabled = false;
  }
}
