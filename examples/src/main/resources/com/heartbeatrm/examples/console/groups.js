// Groups: the tree of customers, locations and departments, and the security settings each one carries.
import * as api from './api.js';
import { h, fill, askName, groupLabel, pickGroup, groupTree, treeView, rowAction, confirmAction, showFormError } from './ui.js';

const SETTINGS = {
  requireApproval: { label: 'Require approval', hint: 'New agents wait for an admin to approve them.', choices: ['true', 'false'] },
  allowedNetworks: { label: 'Allowed networks', hint: 'any, or CIDRs: 10.0.0.0/8, 2001:db8::/32' },
  allowedPlatforms: { label: 'Allowed platforms', hint: 'all, or windows, macos, linux' },
  agentCredentialTtl: { label: 'Agent credential lifetime', hint: 'e.g. 24h, 7d (5 minutes to 366 days)' },
  maxKeyLifetime: { label: 'Longest access-key lifetime', hint: 'unlimited, or e.g. 90d' },
  staleAgents: { label: 'Stale agents', hint: 'off, or disable:30d / remove:90d after that long without a renewal' },
  ephemeralAgents: { label: 'Ephemeral agents (VDI)', hint: 'off, or removed after that long offline, e.g. 8h' },
  attestation: { label: 'Hardware attestation', hint: 'tpm: new agents must prove their key lives in a TPM the organization trusts.', choices: ['none', 'tpm'] },
  attestedSkipsApproval: { label: 'Attested agents skip approval', hint: 'An agent with a verified TPM attestation is active at once.', choices: ['true', 'false'] },
};

// The selected group by id: the API is addressed by ids, paths are for people.
let selectedId = null;

export default async function groups(container) {
  const treeCard = h('div', { class: 'card', id: 'group-tree' });
  const detail = h('div', { class: 'card', id: 'group-detail' });
  let root;

  fill(container,
    h('div', { class: 'view-head' }, h('h1', {}, 'Groups'),
      h('p', {}, 'Customers, locations and departments. Subgroups and agents inherit each group’s security settings; '
        + 'a lock stops every group below from overriding one.')),
    h('div', { class: 'split' }, treeCard, detail));

  async function load() {
    const list = await api.getAll('/api/groups');
    root = groupTree(list);
    const selected = list.find((g) => g.id === selectedId) || list.find((g) => g.path === '/');
    selectedId = selected.id;
    fill(treeCard, h('h2', {}, 'Tree'), treeView(root, { selected: selected.path, onPick: (n) => select(n) }));
    await showDetail();
  }

  async function select(node) {
    selectedId = node.id;
    for (const b of treeCard.querySelectorAll('button.node')) b.setAttribute('aria-selected', String(b.dataset.path === node.path));
    await showDetail();
  }

  async function showDetail() {
    const g = await api.get(`/api/groups/${api.seg(selectedId)}`);
    const name = g.root ? groupLabel('/') : g.path.split('/').pop();
    const act = (label, fn, cls) => h('button', { type: 'button', class: `small ${cls || ''}`, onclick: (e) => rowAction(e.currentTarget, fn) }, label);
    fill(detail,
      h('h2', { id: 'group-title' }, name),
      g.root ? null : h('p', { class: 'hint' }, `Path: ${g.path}`),
      h('div', { class: 'actions' },
        act('New subgroup', () => createIn(g)),
        g.root ? null : act('Rename', () => rename(g)),
        g.root ? null : act('Move', () => move(g)),
        g.root ? null : act('Delete', () => remove(g), 'danger')),
      h('h2', {}, 'Security settings'),
      settingsForm(g));
  }

  function settingsForm(g) {
    const save = h('button', { type: 'submit', class: 'primary', id: 'save-settings' }, 'Save settings');
    const rows = g.settings.map((s) => {
      const meta = SETTINGS[s.setting] || { label: s.setting };
      const lockedAbove = s.locked && s.lockedBy !== 'here';
      const input = meta.choices
        ? h('select', { name: s.setting, dataset: { field: s.setting }, disabled: lockedAbove },
          h('option', { value: '' }, 'inherit'), meta.choices.map((c) => h('option', { value: c, selected: s.override === c }, c)))
        : h('input', { name: s.setting, value: s.override || '', placeholder: 'inherit', autocomplete: 'off', dataset: { field: s.setting },
          disabled: lockedAbove, 'aria-label': `${meta.label}: override here` });
      const lock = h('input', { type: 'checkbox', name: `lock:${s.setting}`, checked: s.lockedHere, 'aria-label': `Lock ${meta.label} for subgroups` });
      return h('tr', { dataset: { setting: s.setting } },
        h('th', { scope: 'row' }, meta.label, h('span', { class: 'sub mono' }, s.setting)),
        h('td', { class: 'effective' }, humanize(s.value)),
        h('td', { class: 'source' }, s.source),
        h('td', {}, input, meta.hint ? h('span', { class: 'sub' }, lockedAbove ? `locked by ${s.lockedBy}` : meta.hint) : null),
        h('td', {}, h('label', { class: 'check' }, lock, 'lock')));
    });
    const form = h('form', { class: 'settings', novalidate: true },
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Setting', 'Effective value', 'Comes from', 'Override here', 'Lock'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))),
      h('div', { class: 'actions' }, save));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { settings: {}, lock: [], unlock: [] };
      for (const s of g.settings) {
        const el = form.elements[s.setting];
        if (!el.disabled) {
          const v = el.value.trim();
          if (v !== (s.override || '')) body.settings[s.setting] = v === '' ? 'inherit' : v;
        }
        const locked = form.elements[`lock:${s.setting}`].checked;
        if (locked !== s.lockedHere) (locked ? body.lock : body.unlock).push(s.setting);
      }
      save.disabled = true;
      try {
        await api.post(`/api/groups/${api.seg(g.id)}/settings`, body);
        await showDetail();
        detail.querySelector('#save-settings').after(h('p', { class: 'notice', role: 'status' }, 'Saved.'));
      } catch (err) {
        showFormError(form, err, save);
      } finally {
        save.disabled = false;
      }
    });
    return form;
  }

  async function createIn(g) {
    const made = await askName(`New group in ${g.root ? root.name : g.path}`, {
      submitLabel: 'Create group', missing: 'a group needs a name',
      send: (name) => api.post('/api/groups', { name, parent: g.id }),
    });
    if (made) { selectedId = made.id; await load(); }
  }

  async function rename(g) {
    const done = await askName(`Rename ${g.path}`, {
      label: 'New name', initial: g.path.split('/').pop(), submitLabel: 'Rename', missing: 'a group needs a name',
      send: (name) => api.post(`/api/groups/${api.seg(g.id)}/rename`, { name }),
    });
    if (done) await load();
  }

  async function move(g) {
    const picked = await pickGroup(`Move ${g.path} into…`, root,
      { selected: parentOf(g.path), disabled: (n) => n.path === g.path || n.path.startsWith(`${g.path}/`) });
    if (picked === null || picked.path === parentOf(g.path)) return;
    await api.post(`/api/groups/${api.seg(g.id)}/move`, { parent: picked.id });
    await load();
  }

  async function remove(g) {
    const done = await confirmAction(`Delete ${g.path}`,
      'Only an empty group can be deleted: no subgroups, no agents and no access keys pointing at it.', 'Delete group',
      () => api.del(`/api/groups/${api.seg(g.id)}`));
    if (done) { selectedId = parentIdOf(g.path); await load(); }
  }

  function parentIdOf(path) {
    const parentPath = parentOf(path);
    const find = (node) => (node.path === parentPath ? node : node.children.map(find).find(Boolean));
    return (find(root) || root).id;
  }

  await load();
}

function parentOf(path) {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** PT24H → 24h, PT720H → 30d: the forms the inputs accept. */
export function humanize(value) {
  const m = /^PT(\d+)H$/.exec(value);
  if (m) {
    const hours = Number(m[1]);
    return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
  }
  const mm = /^PT(\d+)M$/.exec(value);
  if (mm) return `${mm[1]}m`;
  return value;
}
