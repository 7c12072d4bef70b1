// Keys: every access key, where it sends new agents, and whether it still admits them.
import * as api from './api.js';
import { h, fill, field, clearError, dialog, askName, groupLabel, pickGroup, groupTree, table, when, status, rowAction, confirmAction } from './ui.js';

export default async function keys(container) {
  let tree;

  async function load() {
    const [rows, groups] = await Promise.all([api.getAll('/api/keys'), api.getAll('/api/groups')]);
    tree = groupTree(groups);
    const plus = h('button', { type: 'button', class: 'icon-button', id: 'new-key', title: 'New key', 'aria-label': 'New key', onclick: () => create() }, '+');
    fill(container,
      h('div', { class: 'view-head' },
        h('h1', {}, 'Keys'), plus,
        h('p', {}, 'An access key decides which group a new agent joins. Disabling a key disables every installer that references it.')),
      table(['Name', 'Group', 'Status', 'Uses', 'Last used', 'Created', ''], rows.map(row), 'No access keys yet: click + to create one.'));
  }

  function row(k) {
    const toggle = k.status === 'DISABLED'
      ? h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => enable(k)) }, 'Enable')
      : h('button', { type: 'button', class: 'small danger', onclick: (e) => rowAction(e.currentTarget, () => disable(k)) }, 'Disable');
    return h('tr', { dataset: { key: k.id, name: k.name } },
      h('td', {}, h('strong', {}, k.name), h('span', { class: 'sub mono' }, k.id), k.default ? h('span', { class: 'sub' }, 'default key') : null),
      h('td', { class: 'group' }, groupLabel(k.group)),
      h('td', { class: 'key-status' }, statusCell(k)),
      h('td', {}, k.maxUses !== undefined ? `${k.uses} of ${k.maxUses}` : String(k.uses)),
      h('td', {}, when(k.lastUsed)),
      h('td', {}, when(k.created)),
      h('td', { class: 'actions-cell' },
        toggle,
        h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => rename(k)) }, 'Rename'),
        h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => repoint(k)) }, 'Re-point'),
        k.throttled ? h('button', { type: 'button', class: 'small', onclick: (e) => rowAction(e.currentTarget, () => unthrottle(k)) }, 'Unthrottle')
          : null,
        h('button', { type: 'button', class: 'small danger', onclick: (e) => rowAction(e.currentTarget, () => remove(k)) }, 'Delete')));
  }

  function statusCell(k) {
    return [...statusOf(k), ...(k.throttled || []).map((t) => h('span', { class: 'sub throttled' },
      `Throttled for ${t.source} until `, when(t.until)))];
  }

  function statusOf(k) {
    switch (k.status) {
      case 'DISABLED':
        return [status('DISABLED'), h('span', { class: 'sub' }, `Reason: ${k.disabledReason || '(none given)'}`),
          h('span', { class: 'sub' }, `by ${k.disabledBy}, `, when(k.disabledAt))];
      case 'EXPIRED':
        return [status('EXPIRED'), h('span', { class: 'sub' }, 'since ', when(k.expires))];
      case 'EXHAUSTED':
        return [status('EXHAUSTED'), h('span', { class: 'sub' }, `all ${k.maxUses} uses taken`)];
      default:
        return [status('ENABLED'), k.expires ? h('span', { class: 'sub' }, 'expires ', when(k.expires)) : null];
    }
  }

  async function create() {
    let group = null;
    const shown = h('output', { id: 'new-key-group' }, 'No group chosen');
    let inline;
    const created = await dialog('New key', {
      id: 'new-key-dialog',
      build: () => {
        const name = h('input', { name: 'name', maxlength: 100, autocomplete: 'off', dataset: { field: 'name' } });
        const modify = h('button', {
          type: 'button', id: 'modify-group',
          onclick: async () => {
            const picked = await pickGroup('Choose the group new agents join', tree, { selected: group && group.path });
            if (picked !== null) {
              group = picked;
              shown.textContent = groupLabel(picked.path);
              clearError(inline);
            }
          },
        }, 'Modify');
        const expires = h('input', { name: 'expires', type: 'date', dataset: { field: 'expires expiresAt' } });
        const maxUses = h('input', { name: 'maxUses', type: 'number', min: 1, step: 1, inputmode: 'numeric', dataset: { field: 'maxUses' } });
        return [
          field('Name', name),
          h('div', { class: 'field' }, h('label', { for: 'new-key-group' }, 'Group'),
            inline = h('div', { class: 'inline', dataset: { field: 'group' } }, shown, modify)),
          field('Expires (optional)', expires, 'The key stops admitting agents at the end of this day (UTC).'),
          field('Maximum uses (optional)', maxUses, 'How many agents may enroll with it; empty for no limit.'),
        ];
      },
      submit: async (form) => {
        const body = { name: form.elements.name.value.trim() };
        if (!body.name) throw new api.ApiError(400, 'give the key a name', 'name');
        if (group === null) throw new api.ApiError(400, 'choose the group new agents join: click Modify', 'group');
        body.group = group.id;
        if (form.elements.expires.value) body.expiresAt = form.elements.expires.value;
        if (form.elements.maxUses.value) {
          const n = Number(form.elements.maxUses.value);
          if (!Number.isInteger(n) || n < 1) throw new api.ApiError(400, 'maximum uses must be a whole number of at least 1', 'maxUses');
          body.maxUses = n;
        }
        return api.post('/api/keys', body);
      },
    });
    if (created) await load();
  }

  async function disable(k) {
    const done = await dialog(`Disable “${k.name}”`, {
      id: 'disable-key-dialog',
      submitLabel: 'Disable key',
      danger: true,
      build: () => [
        h('p', { class: 'warning' }, 'Every installer that uses this key stops working: new installs with it are refused at once, '
          + 'on every server node. Agents already enrolled keep working. You can enable the key again later.'),
        field('Reason', h('input', { name: 'reason', maxlength: 500, autocomplete: 'off', dataset: { field: 'reason' } }),
          'Shown in the key list and kept in the audit log.'),
      ],
      submit: (form) => api.post(`/api/keys/${api.seg(k.id)}/disable`, { reason: form.elements.reason.value.trim() || null }),
    });
    if (done) await load();
  }

  async function enable(k) {
    await api.post(`/api/keys/${api.seg(k.id)}/enable`);
    await load();
  }

  async function rename(k) {
    const done = await askName(`Rename “${k.name}”`, {
      label: 'New name', initial: k.name, submitLabel: 'Rename', missing: 'give the key a name',
      send: (name) => api.post(`/api/keys/${api.seg(k.id)}/rename`, { name }),
    });
    if (done) await load();
  }

  async function repoint(k) {
    const picked = await pickGroup(`Re-point “${k.name}”: new installs land in…`, tree, { selected: k.group });
    if (picked === null || picked.path === k.group) return;
    await api.post(`/api/keys/${api.seg(k.id)}/repoint`, { group: picked.id });
    await load();
  }

  async function unthrottle(k) {
    await api.post(`/api/keys/${api.seg(k.id)}/unthrottle`);
    await load();
  }

  async function remove(k) {
    const done = await confirmAction(`Delete “${k.name}”`,
      'Installers that reference this key will be refused, and the key cannot be brought back. Agents already enrolled keep working.',
      'Delete key', () => api.del(`/api/keys/${api.seg(k.id)}`));
    if (done) await load();
  }

  await load();
}
