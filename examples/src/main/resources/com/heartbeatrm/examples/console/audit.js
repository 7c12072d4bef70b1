// Audit: every change and decision, oldest first, filterable by subject and time.
import * as api from './api.js';
import { h, fill, field, table, when, showError, clearError, groupLabel } from './ui.js';

const TYPES = [
  ['', 'Anything'], ['ACCESS_KEY', 'Access key'], ['GROUP', 'Group'], ['AGENT', 'Agent'],
  ['INSTALLER', 'Installer'], ['ORGANIZATION', 'Organization'], ['SIGNING_KEY', 'Signing key'],
];
const filters = { subjectType: '', subject: '', from: '', to: '' };

export default async function audit(container) {
  const [keys, groups, agents] = await Promise.all([api.getAll('/api/keys'), api.getAll('/api/groups'), api.getAll('/api/agents')]);
  const choices = {
    ACCESS_KEY: keys.map((k) => [k.id, k.name]),
    GROUP: groups.map((g) => [g.id, groupLabel(g.path)]),
    AGENT: agents.map((a) => [a.id, `${a.hostname} (${a.id})`]),
  };

  const type = h('select', { id: 'audit-type', name: 'subjectType', dataset: { field: 'subjectType' } },
    TYPES.map(([v, l]) => h('option', { value: v, selected: v === filters.subjectType }, l)));
  const subjectSlot = h('div', { class: 'field', id: 'audit-subject-field' });
  const from = h('input', { type: 'datetime-local', id: 'audit-from', name: 'from', value: filters.from, dataset: { field: 'from' } });
  const to = h('input', { type: 'datetime-local', id: 'audit-to', name: 'to', value: filters.to, dataset: { field: 'to' } });
  const apply = h('button', { type: 'submit', class: 'primary', id: 'audit-apply' }, 'Show');
  const reset = h('button', { type: 'button', id: 'audit-reset' }, 'Clear filters');
  const results = h('div', { id: 'audit-results' });
  let subject;

  function subjectInput() {
    const t = type.value;
    if (!t) {
      subject = null;
      fill(subjectSlot);
      subjectSlot.hidden = true;
      return;
    }
    subjectSlot.hidden = false;
    subject = choices[t]
      ? h('select', { id: 'audit-subject', name: 'subject', dataset: { field: 'subject' } },
        h('option', { value: '' }, 'Choose…'), choices[t].map(([v, l]) => h('option', { value: v, selected: v === filters.subject }, l)))
      : h('input', { id: 'audit-subject', name: 'subject', value: filters.subject, placeholder: 'id', autocomplete: 'off', dataset: { field: 'subject' } });
    fill(subjectSlot, h('label', { for: 'audit-subject' }, 'Which one'), subject);
  }
  type.addEventListener('change', () => { filters.subject = ''; subjectInput(); });
  subjectInput();

  const form = h('form', { class: 'card', novalidate: true },
    h('div', { class: 'form-row' }, field('Subject', type), subjectSlot, field('From', from), field('To', to)),
    h('div', { class: 'actions' }, apply, reset));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    filters.subjectType = type.value;
    filters.subject = subject ? subject.value.trim() : '';
    filters.from = from.value;
    filters.to = to.value;
    search();
  });
  reset.addEventListener('click', () => {
    Object.assign(filters, { subjectType: '', subject: '', from: '', to: '' });
    type.value = '';
    from.value = '';
    to.value = '';
    subjectInput();
    search();
  });

  fill(container,
    h('div', { class: 'view-head' }, h('h1', {}, 'Audit'), h('p', {}, 'Every change to groups, keys, installers and agents, and every enrollment decision, oldest first.')),
    form, results);

  async function search() {
    form.querySelectorAll('.error').forEach((x) => x.remove());
    if (filters.subjectType && !filters.subject) {
      showError(subject, new Error('choose which one, or set Subject to Anything'));
      return;
    }
    const query = {
      subjectType: filters.subjectType || null,
      subject: filters.subject || null,
      from: filters.from ? new Date(filters.from).toISOString() : null,
      to: filters.to ? new Date(filters.to).toISOString() : null,
    };
    const body = h('tbody', {});
    const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, 'Show more');
    let page;
    try {
      page = await api.get('/api/audit', query);
    } catch (err) {
      const target = { from, to, subject, subjectType: type }[err.field] || apply;
      showError(target || apply, err);
      fill(results);
      return;
    }
    const addPage = (p) => {
      body.append(...p.items.map(row));
      more.hidden = !p.next;
      more.dataset.next = p.next || '';
    };
    more.addEventListener('click', async () => {
      clearError(more);
      try {
        addPage(await api.get('/api/audit', { ...query, after: more.dataset.next }));
      } catch (err) {
        showError(more, err);
      }
    });
    if (page.items.length === 0) {
      fill(results, table([], [], 'Nothing matches these filters.'));
      return;
    }
    addPage(page);
    fill(results,
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Subject', 'Change'].map((t) => h('th', { scope: 'col' }, t)))), body)),
      h('div', { class: 'actions' }, more));
  }

  function row(r) {
    const label = r.subjectLabel ? `${r.subjectLabel}` : r.subject;
    const filterBy = h('button', {
      type: 'button', class: 'link-button', title: 'Show only this subject',
      onclick: () => {
        type.value = r.subjectType;
        filters.subject = r.subject;
        subjectInput();
        if (subject.tagName === 'SELECT' && subject.value !== r.subject) subject.append(h('option', { value: r.subject, selected: true }, label));
        form.requestSubmit();
      },
    }, label);
    return h('tr', { dataset: { action: r.action } },
      h('td', {}, when(r.at)),
      h('td', {}, r.actor),
      h('td', { class: 'mono' }, r.action),
      h('td', {}, h('span', { class: 'sub' }, typeLabel(r.subjectType)), filterBy, r.subjectLabel ? h('span', { class: 'sub mono' }, r.subject) : null),
      h('td', {}, change(r.before, r.after)));
  }

  await search();
}

function typeLabel(t) {
  return (TYPES.find(([v]) => v === t) || [t, t])[1];
}

function change(before, after) {
  const names = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])];
  if (names.length === 0) return '';
  return h('ul', { class: 'sub' }, names.map((n) => {
    const b = before ? before[n] : undefined;
    const a = after ? after[n] : undefined;
    return h('li', {}, `${n}: `, b !== undefined && a !== undefined ? `${b} → ${a}` : a !== undefined ? a : `${b} (removed)`);
  }));
}
